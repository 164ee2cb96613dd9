/**
 * RECORDING_RETENTION_DAYS on the real production server: recordings kept longer than that are
 * deleted when the server starts (and hourly after), their transcripts kept. Its own servers
 * (the shared one must not lose its recordings): one to record, one started with retention.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, expect, it, vi } from 'vitest';
import { turnAudio } from '../../lib/db/schema';
import { setKeepAudio, talk } from '../testing/recorded-talk';
import { startServer, type RunningServer } from '../testing/server-process';
import { closeSpeechEngines } from '../testing/test-speech';
import { signUp } from '../testing/users';
import { openDatabase } from './database';

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-retention-'));
const env: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : {};
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  await closeSpeechEngines();
});

interface Turn {
  id: string;
  text: string;
  audio: unknown;
}

const turnsOf = async (url: string, cookie: string, conversationId: string) =>
  ((await (await fetch(`${url}/api/conversations/${conversationId}`, { headers: { cookie } })).json()) as { turns: Turn[] }).turns;

it('deletes at start the recordings older than the retention period, and keeps the transcripts', async () => {
  server = await startServer({ env, dataDir });
  const person = await signUp(server.url, 'Keeper');
  await setKeepAudio(server.url, person, true);
  const spoken = await talk(server.url, person, ['what is twelve times seven']);
  let turns: Turn[] = [];
  await vi.waitFor(
    async () => {
      turns = await turnsOf(server!.url, person.cookie, spoken.conversationId);
      expect(turns.length).toBe(2);
      expect(turns.every((t) => t.audio)).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
  await server.stop();

  // Kept 2 days ago, as far as the database knows.
  const database = await openDatabase({ databaseUrl, dataDir, migrationsFolder: path.resolve(import.meta.dirname, '..', '..', 'drizzle') });
  await database.db
    .update(turnAudio)
    .set({ createdAt: sql`now() - interval '2 days'` })
    .where(inArray(turnAudio.turnId, turns.map((t) => t.id)));
  await database.close();

  server = await startServer({ env: { ...env, RECORDING_RETENTION_DAYS: '1' }, dataDir });
  await vi.waitFor(() => expect(server!.logRecords().find((r) => r.component === 'recordings' && typeof r.deleted === 'number')).toBeDefined(), { timeout: 30_000, interval: 100 });
  const purge = server.logRecords().find((r) => r.component === 'recordings')!;
  expect(purge).toMatchObject({ retentionDays: 1 });
  expect(purge.deleted).toBeGreaterThanOrEqual(2);
  const after = await turnsOf(server.url, person.cookie, spoken.conversationId);
  expect(after.map((t) => [t.text, t.audio])).toEqual(turns.map((t) => [t.text, null]));
  // What it says in Settings.
  const settings = (await (await fetch(`${server.url}/api/settings`, { headers: { cookie: person.cookie } })).json()) as { recordings: unknown };
  expect(settings.recordings).toEqual({ count: 0, bytes: 0, retentionDays: 1 });
});
