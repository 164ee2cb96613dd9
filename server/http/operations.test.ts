/** The readiness check's answers, with real promises for the engines and the database. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createReadiness } from './operations';

const quiet = pino({ level: 'silent' });

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('readiness', () => {
  it('waits for the engines, then asks the database each time', async () => {
    const engines = deferred();
    let database: 'up' | 'down' | 'hung' = 'up';
    let stopping = false;
    const readiness = createReadiness({
      enginesWarm: engines.promise,
      pingDatabase: () => (database === 'up' ? Promise.resolve() : database === 'down' ? Promise.reject(new Error('connection refused')) : new Promise(() => {})),
      stopping: () => stopping,
      log: quiet,
    });
    expect(await readiness()).toEqual({ ready: false, reason: 'The speech engines are still warming up.' });
    engines.resolve();
    await engines.promise;
    expect(await readiness()).toEqual({ ready: true });
    database = 'down';
    expect(await readiness()).toEqual({ ready: false, reason: 'The database does not answer; see the server log.' });
    database = 'hung';
    expect(await readiness()).toEqual({ ready: false, reason: 'The database did not answer within 2 s.' });
    database = 'up';
    expect(await readiness()).toEqual({ ready: true });
    stopping = true;
    expect(await readiness()).toEqual({ ready: false, reason: 'Parley is shutting down.' });
  });

  it('is never ready when the engines failed to start', async () => {
    const engines = deferred();
    const readiness = createReadiness({ enginesWarm: engines.promise, pingDatabase: () => Promise.resolve(), stopping: () => false, log: quiet });
    engines.reject(new Error('decoder binary missing'));
    await engines.promise.catch(() => {});
    expect(await readiness()).toEqual({ ready: false, reason: 'The speech engines failed to start; see the server log.' });
  });
});
