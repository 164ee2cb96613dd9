// Bundles the custom server (server/main.ts and what it imports from server/ and lib/) into
// dist/server.mjs; npm packages stay external and load from node_modules at run time.
import { build } from 'esbuild';

await build({
  entryPoints: ['server/main.ts'],
  outfile: 'dist/server.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
