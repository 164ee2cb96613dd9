import { defineConfig } from 'vitest/config';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

// Two projects: `unit` needs no server (real engines, no network); `integration` (*.int.test.ts) talks to one real
// production server started by server/testing/global-server.ts, on PGlite, or on PostgreSQL
// when PARLEY_TEST_DATABASE_URL is set.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        // Unit tests mostly wait on audio paced in real time, so two workers even on two cores
        // (vitest's default there is one): 244 s → 130 s, and it held with a third busy process.
        test: { name: 'unit', maxWorkers: Math.max(2, os.availableParallelism() - 1), include: ['{lib,server,app,scripts}/**/*.test.ts'], exclude: ['**/*.int.test.ts', 'node_modules/**'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{lib,server,app,scripts}/**/*.int.test.ts'],
          globalSetup: ['server/testing/global-server.ts'],
        },
      },
    ],
  },
});
