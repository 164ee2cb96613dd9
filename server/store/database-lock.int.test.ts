/** Exactly one process may own an embedded database directory. */
import { describe, expect, inject, it } from 'vitest';
import { startServer } from '../testing/server-process';

describe.skipIf(inject('databaseKind') !== 'pglite')('the embedded database lock', () => {
  it('makes a second server on the same DATA_DIR fail with a clear message', async () => {
    const first = await startServer();
    try {
      const error = await startServer({ dataDir: first.dataDir }).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/exited with 2/);
      expect(error?.message).toMatch(/in use by another Parley process/);
      // The first one is unharmed.
      expect((await fetch(`${first.url}/sign-in`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });
});
