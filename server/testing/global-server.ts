/** vitest global setup for the integration project: one real server for all its files. */
import type { TestProject } from 'vitest/node';
import { startServer } from './server-process';

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
    databaseKind: 'pglite' | 'postgres';
    serverPid: number;
  }
}

export default async function setup(project: TestProject) {
  const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
  // The suite's files share this server and open many sessions at once: capacity is tested
  // on a server of its own (server/socket/busy-past-capacity.int.test.ts).
  const server = await startServer({ env: { MAX_SESSIONS: '200', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } });
  project.provide('serverUrl', server.url);
  project.provide('databaseKind', databaseUrl ? 'postgres' : 'pglite');
  project.provide('serverPid', server.process.pid ?? 0);
  return async () => {
    await server.stop();
  };
}
