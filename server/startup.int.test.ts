/** Start-up refuses bad configuration with one clear message and a non-zero exit. */
import { expect, it } from 'vitest';
import { startServer } from './testing/server-process';

it('stops with a message naming the variable and the expected form', async () => {
  const error = await startServer({ env: { PORT: 'eighty', DATABASE_URL: 'mysql://nope' }, timeoutMs: 30_000 }).then(
    () => null,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(/exited with 2/);
  expect(error?.message).toMatch(/PORT="eighty": must be a TCP port number/);
  expect(error?.message).toMatch(/DATABASE_URL="mysql:\/\/nope": must be a PostgreSQL URL/);
});
