/**
 * Start-up refuses bad configuration with one clear message and a non-zero exit: plain
 * sentences on stderr for the person at the terminal (not the JSON log), and secrets described,
 * never repeated.
 */
import { expect, it } from 'vitest';
import { startServer } from './testing/server-process';

it('stops with a message naming the variable and the expected form', async () => {
  const error = await startServer({ env: { PORT: 'eighty', DATABASE_URL: 'mysql://user:pa55word@db', METRICS_TOKEN: 'hunter2' }, timeoutMs: 30_000 }).then(
    () => null,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(/exited with 2/);
  expect(error?.message).toMatch(/\nInvalid configuration:\n {2}PORT="eighty": must be a TCP port number/);
  expect(error?.message).toMatch(/DATABASE_URL=<24 characters, not shown>: must be a PostgreSQL URL/);
  expect(error?.message).toMatch(/METRICS_TOKEN=<7 characters, not shown>: must be at least 16 characters/);
  expect(error?.message).not.toMatch(/pa55word|hunter2|"level"/);
});
