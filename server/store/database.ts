/**
 * Opens the one database: embedded PGlite in DATA_DIR by default, a PostgreSQL server when
 * DATABASE_URL is set. Same schema, same migrations, applied here at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from '../../lib/db/schema';
import { log } from '../log';
import { DataDirLockHeld, lockDataDir, type DataDirLock } from './data-dir-lock';

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
    await migrateAlone(pool, () => migrate(db, { migrationsFolder }));
    return { db: db as unknown as Database, kind: 'postgres', close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`Could not open the PostgreSQL database at DATABASE_URL: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Any number that is ours alone: the key of the advisory lock that migrations run under. */
const MIGRATION_LOCK_KEY = 0x7061726c; // "parl"

/**
 * Several Parley instances may share one PostgreSQL and start at once: the migrations run
 * under a session advisory lock, so one instance applies them while the others wait, then
 * find nothing left to do (instead of racing to create the same tables).
 */
async function migrateAlone(pool: import('pg').Pool, migrate: () => Promise<void>): Promise<void> {
  const holder = await pool.connect();
  try {
    await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate();
    } finally {
      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    holder.release();
  }
}

async function openPglite(directory: string, migrationsFolder: string): Promise<OpenDatabase> {
  fs.mkdirSync(directory, { recursive: true });
  // PGlite has no lock of its own, and two processes on one directory silently lose writes.
  let lock: DataDirLock;
  try {
    lock = await lockDataDir(path.join(directory, '..', 'pglite.lock'), {
      onCompromised: (reason) => {
        log.fatal({ component: 'db', directory, reason }, 'lost the lock on the embedded database; stopping to protect the data');
        process.exit(70);
      },
    });
  } catch (error) {
    if (error instanceof DataDirLockHeld) {
      const who = error.holder ? `pid ${error.holder.pid} on ${error.holder.hostname}, running since ${error.holder.since}` : 'a holder whose lock file cannot be read';
      const seen = error.seenBy === 'refreshes' ? ', seen refreshing its lock from another container or machine' : '';
      throw new DatabaseInUseError(
        `The embedded database in ${directory} is in use by another Parley process (${who}${seen}). ` +
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
        await lock.release();
      },
    };
  } catch (error) {
    await lock.release();
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
