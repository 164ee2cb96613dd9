/** A database for store tests: PGlite in a temp folder, or PARLEY_TEST_DATABASE_URL. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../store/database';

export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.PARLEY_TEST_DATABASE_URL ? 'postgres' : 'pglite';
}

export async function openTestDatabase() {
  return openDatabase({
    databaseUrl: process.env.PARLEY_TEST_DATABASE_URL,
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'parley-db-test-')),
    migrationsFolder: path.resolve(import.meta.dirname, '..', '..', 'drizzle'),
  });
}
