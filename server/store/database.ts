/**
 * Opens the one database: embedded PGlite in DATA_DIR by default, a PostgreSQL server when
 * DATABASE_URL is set. Same schema, same migrations, applied here at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import lockfile from 'proper-lockfile';
import * as schema from '../../lib/db/schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface OpenDatabase {
  db: Database;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export class DatabaseInUseError extends Error {}

export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  migrationsFolder: string;
}): Promise<OpenDatabase> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.migrationsFolder)
    : openPglite(path.join(options.dataDir, 'pglite'), options.migrationsFolder);
}

async function openPostgres(url: string, migrationsFolder: string): Promise<OpenDatabase> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  try {
    const db = drizzle({ client: pool, schema });
    await migrate(db, { migrationsFolder });
    return { db: db as unknown as Database, kind: 'postgres', close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`Could not open the PostgreSQL database at DATABASE_URL: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function openPglite(directory: string, migrationsFolder: string): Promise<OpenDatabase> {
  fs.mkdirSync(directory, { recursive: true });
  // PGlite has no lock of its own, and two processes on one directory silently lose writes.
  // The lock is refreshed while we live; after a crash it goes stale and the next start waits it out.
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(directory, {
      lockfilePath: path.join(directory, '..', 'pglite.lock'),
      stale: 10_000,
      update: 2_000,
      retries: { retries: 6, minTimeout: 1_000, maxTimeout: 2_000, factor: 1 },
      onCompromised: (error) => {
        console.error(`[db] lost the lock on ${directory}: ${error.message}; stopping to protect the data`);
        process.exit(70);
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new DatabaseInUseError(
        `The embedded database in ${directory} is in use by another Parley process. ` +
          'Stop that process first, or give this one its own DATA_DIR (or a DATABASE_URL).',
      );
    }
    throw error;
  }
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = await PGlite.create(directory);
    const db = drizzle({ client, schema });
    await migrate(db, { migrationsFolder });
    await client.exec('analyze');
    const statistics = keepStatistics(client);
    return {
      db: db as unknown as Database,
      kind: 'pglite',
      close: async () => {
        await statistics.stop();
        await client.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** How often PGlite's planner statistics are gathered again while the server runs. */
const ANALYZE_EVERY_MS = 60 * 60 * 1000;

/**
 * PGlite runs no autovacuum, so nothing would ever gather the planner's statistics, and without
 * them PostgreSQL misjudges queries badly (a history search over 10,000 conversations takes a
 * second instead of milliseconds). They are gathered at start-up and then every hour, as
 * autovacuum would: ANALYZE reads a fixed-size sample, a fraction of a second even for a large history.
 */
function keepStatistics(client: { exec(query: string): Promise<unknown> }) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = client.exec('analyze').catch((error: Error) => console.error(`[db] gathering statistics failed: ${error.message}`));
  }, ANALYZE_EVERY_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
