/**
 * History benchmark: one person with 10,000 conversations of 20 turns (and another person with
 * 1,000, who must not slow them down), on PGlite and on PostgreSQL. Prints median and p95 of
 * the list's first page, its second page (cursor), a page deep in the history, searches and
 * the detail: through the store functions the API uses, then through HTTP on the production
 * server. Not a test: figures, not pass/fail. Target: p95 ≤ 50 ms.
 *
 *   npm run bench            (after the voice benchmark), or, after `npm run build`:
 *   npx tsx scripts/bench-history.ts       (the HTTP half runs dist/, so build it first)
 *
 * PostgreSQL: PARLEY_BENCH_DATABASE_URL (its tables are emptied), else a fresh database from
 * scripts/postgres-test-db.sh, else skipped. BENCH_DATABASES=pglite (or postgresql) runs one
 * alone; BENCH_CONVERSATIONS changes the 10,000.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { seededRandom } from '../lib/seeded-random';
import { conversations, turns, users, type NewTurn } from '../lib/db/schema';
import { createApiToken } from '../server/auth/api-tokens';
import { rewriteSearchDocuments } from '../server/store/conversations';
import { openDatabase, type Database } from '../server/store/database';
import { decodeCursor, findConversationSummary, listHistory, listStoredTurns, type HistoryQuery } from '../server/store/history';
import { startServer } from '../server/testing/server-process';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const OTHER_CONVERSATIONS = Math.round(CONVERSATIONS / 10);
const TURNS_PER_CONVERSATION = 20;
const ROUNDS = 200;
const HTTP_ROUNDS = 100;
const WARM_UP = 20;
const migrationsFolder = path.resolve(import.meta.dirname, '..', 'drizzle');

// ── What the seeded people said ──────────────────────────────────────────────────────────

const NUMBERS = ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const NAMES = ['Ada', 'Peter', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret'];
/** One conversation in 200 mentions it: the rare word a person looks for. */
const RARE_WORD = 'zanzibar';
/** Only the other person says it, in half their conversations: nothing to find, many turns to pass over. */
const OTHERS_WORD = 'kilimanjaro';

function sayer(random: () => number) {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  return (index: number): [user: string, agent: string] => {
    const a = pick(NUMBERS);
    const b = pick(NUMBERS);
    switch (index % 5) {
      case 0:
        return [`what is ${a} times ${b}`, `${a[0].toUpperCase()}${a.slice(1)} times ${b} is ${(NUMBERS.indexOf(a) + 2) * (NUMBERS.indexOf(b) + 2)}.`];
      case 1:
        return ['what time is it', `It is ${pick(NUMBERS)} past ${pick(NUMBERS)}.`];
      case 2: {
        const name = pick(NAMES);
        return [`my name is ${name}`, `Nice to meet you, ${name}.`];
      }
      case 3:
        return ['what can you do', 'I can do arithmetic, tell you the time and the date, and remember your name.'];
      default:
        return [`what is ${a} plus ${b}`, `${a} plus ${b} is ${NUMBERS.indexOf(a) + NUMBERS.indexOf(b) + 4}.`];
    }
  };
}

/** Bulk inserts: batches of conversations and of turns, never one turn at a time. */
async function seed(db: Database, userId: string, count: number, seedNumber: number, ownWord = RARE_WORD, ownWordShare = 1 / 200) {
  const random = seededRandom(seedNumber);
  const say = sayer(random);
  const now = Date.now();
  const spanMs = 2 * 365 * 24 * 3600 * 1000;
  const BATCH = 250; // conversations per batch: 5,000 turns, well under PostgreSQL's 65,535 parameters
  for (let start = 0; start < count; start += BATCH) {
    const rows: Array<typeof conversations.$inferInsert> = [];
    const said: NewTurn[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const id = crypto.randomUUID();
      // Oldest first, two years ago to now, a little jitter.
      const createdAt = new Date(now - spanMs + (i / count) * spanMs + Math.floor(random() * 1000));
      const rare = random() < ownWordShare ? Math.floor(random() * TURNS_PER_CONVERSATION) : -1;
      let firstUserText = '';
      let userTurnId = '';
      for (let position = 0; position < TURNS_PER_CONVERSATION; position++) {
        const [userText, agentText] = say(Math.floor(position / 2) + i);
        const role = position % 2 === 0 ? 'user' : 'agent';
        let text = role === 'user' ? userText : agentText;
        if (position === rare) text = role === 'user' ? `tell me about ${ownWord}` : `I know nothing of ${ownWord}, sorry.`;
        const startedAt = new Date(createdAt.getTime() + 1000 + position * 3000);
        const turnId = crypto.randomUUID();
        if (role === 'user') userTurnId = turnId;
        firstUserText ||= text;
        said.push({
          id: turnId,
          conversationId: id,
          position,
          role,
          utteranceId: `u${position}`,
          text,
          startedAt,
          endedAt: new Date(startedAt.getTime() + 2000),
          replyTo: role === 'agent' ? [userTurnId] : null,
          sttLatencyMs: role === 'user' ? 120 : null,
          voiceToVoiceMs: role === 'agent' ? 300 : null,
        });
      }
      rows.push({ id, userId, title: firstUserText.split(' ').slice(0, 8).join(' '), createdAt, updatedAt: new Date(createdAt.getTime() + 60_000) });
    }
    await db.insert(conversations).values(rows);
    for (let offset = 0; offset < said.length; offset += 2500) await db.insert(turns).values(said.slice(offset, offset + 2500));
    await rewriteSearchDocuments(db, rows.map((row) => row.id!));
  }
}

// ── Measuring ────────────────────────────────────────────────────────────────────────────

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Figure {
  database: string;
  via: string;
  operation: string;
  median: number;
  p95: number;
  rows: number;
}
const figures: Figure[] = [];

async function measure(database: string, via: string, operation: string, rounds: number, run: () => Promise<number>) {
  let rows = 0;
  for (let i = 0; i < WARM_UP; i++) rows = await run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    rows = await run();
    times.push(performance.now() - started);
  }
  const figure = { database, via, operation, median: quantile(times, 0.5), p95: quantile(times, 0.95), rows };
  figures.push(figure);
  console.log(`  ${via.padEnd(6)} ${operation.padEnd(44)} ${figure.median.toFixed(1).padStart(8)} ${figure.p95.toFixed(1).padStart(8)} ${String(rows).padStart(5)}`);
}

/** The queries the dashboard makes, by name; each with the store call and the API URL. */
function operations(db: Database, userId: string, cursors: { second: string; deep: string }, conversationId: string) {
  const list = (query: Partial<HistoryQuery>) => async () => (await listHistory(db, userId, { limit: 20, ...query })).conversations.length;
  return [
    { name: 'list: first page (20)', store: list({}), url: '/api/conversations' },
    { name: 'list: second page (cursor)', store: list({ after: decodeCursor(cursors.second)! }), url: `/api/conversations?cursor=${cursors.second}` },
    { name: 'list: a page 5,000 conversations deep', store: list({ after: decodeCursor(cursors.deep)! }), url: `/api/conversations?cursor=${cursors.deep}` },
    { name: 'list: one month (from, to)', store: list({ from: monthAgo(2), before: monthAgo(1) }), url: `/api/conversations?from=${day(monthAgo(2))}&to=${day(monthAgo(1))}` },
    { name: `search: a rare word ("${RARE_WORD}", 0.5%)`, store: list({ search: RARE_WORD }), url: `/api/conversations?q=${RARE_WORD}` },
    { name: 'search: a common word ("times")', store: list({ search: 'times' }), url: '/api/conversations?q=times' },
    { name: 'search: a name ("Ada", 1 in 4)', store: list({ search: 'Ada' }), url: '/api/conversations?q=Ada' },
    { name: `search: only the other person's word`, store: list({ search: OTHERS_WORD }), url: `/api/conversations?q=${OTHERS_WORD}` },
    { name: 'search: a phrase ("nine times six")', store: list({ search: '"nine times six"' }), url: `/api/conversations?q=${encodeURIComponent('"nine times six"')}` },
    { name: 'search: rare word, second page', store: list({ search: RARE_WORD, after: decodeCursor(cursors.second)! }), url: `/api/conversations?q=${RARE_WORD}&cursor=${cursors.second}` },
    {
      name: 'detail: one conversation, 20 turns',
      store: async () => ((await findConversationSummary(db, userId, conversationId)) ? (await listStoredTurns(db, conversationId)).length : 0),
      url: `/api/conversations/${conversationId}`,
    },
  ];
}

const monthAgo = (months: number) => new Date(Date.now() - months * 30 * 24 * 3600 * 1000);
const day = (date: Date) => date.toISOString().slice(0, 10);

// ── One database ─────────────────────────────────────────────────────────────────────────

async function benchmark(kind: 'PGlite' | 'PostgreSQL', databaseUrl: string | undefined) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-history-'));
  const seeding = await openDatabase({ databaseUrl, dataDir, migrationsFolder });
  if (databaseUrl) await seeding.db.execute(sql`truncate ${users}, ${conversations}, ${turns} cascade`);
  const person = crypto.randomUUID();
  const other = crypto.randomUUID();
  await seeding.db.insert(users).values([
    { id: person, name: 'Bench', email: `${person}@example.com` },
    { id: other, name: 'Other', email: `${other}@example.com` },
  ]);
  const { token } = await createApiToken(seeding.db, person, 'bench');
  console.log(`\n${kind}: seeding ${CONVERSATIONS.toLocaleString('en')} conversations × ${TURNS_PER_CONVERSATION} turns (+ ${OTHER_CONVERSATIONS.toLocaleString('en')} of another person)…`);
  const seedStarted = performance.now();
  await seed(seeding.db, person, CONVERSATIONS, 1);
  await seed(seeding.db, other, OTHER_CONVERSATIONS, 2, OTHERS_WORD, 1 / 2);
  console.log(`  seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  await seeding.close();

  // As the server finds it: PGlite gathers planner statistics when it opens; on PostgreSQL,
  // autovacuum would within a minute of such a bulk insert, so do it at once.
  const opening = performance.now();
  const database = await openDatabase({ databaseUrl, dataDir, migrationsFolder });
  const { db } = database;
  if (databaseUrl) await db.execute(sql`analyze`);
  console.log(`  opened${databaseUrl ? ' and analysed' : ' (with its start-up ANALYZE)'} in ${((performance.now() - opening) / 1000).toFixed(1)} s`);

  const first = await listHistory(db, person, { limit: 20 });
  let deep = first;
  for (let i = 0; i < 5000 / 100; i++) deep = await listHistory(db, person, { limit: 100, after: decodeCursor(deep.nextCursor!)! });
  const cursors = { second: first.nextCursor!, deep: deep.nextCursor! };
  const ops = operations(db, person, cursors, first.conversations[0].id);

  console.log(`  ${'via'.padEnd(6)} ${'operation'.padEnd(44)} ${'median'.padStart(8)} ${'p95 ms'.padStart(8)} ${'rows'.padStart(5)}`);
  for (const op of ops) await measure(kind, 'store', op.name, ROUNDS, op.store);
  await database.close();

  // The same through HTTP: the production server on this database, with a personal API token.
  const server = await startServer({ dataDir, env: databaseUrl ? { DATABASE_URL: databaseUrl } : {} });
  try {
    for (const op of ops) {
      await measure(kind, 'HTTP', op.name, HTTP_ROUNDS, async () => {
        const response = await fetch(`${server.url}${op.url}`, { headers: { authorization: `Bearer ${token}` } });
        if (!response.ok) throw new Error(`${op.url}: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { conversations?: unknown[]; turns?: unknown[] };
        return (body.conversations ?? body.turns ?? []).length;
      });
    }
  } finally {
    await server.stop();
  }
}

function postgresUrl(): string | undefined {
  if (process.env.PARLEY_BENCH_DATABASE_URL) return process.env.PARLEY_BENCH_DATABASE_URL;
  try {
    return execFileSync('bash', [path.resolve(import.meta.dirname, 'postgres-test-db.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

console.log(`\nParley history benchmark: ${CONVERSATIONS.toLocaleString('en')} conversations × ${TURNS_PER_CONVERSATION} turns for one person; median and p95 of ${ROUNDS} calls (HTTP: ${HTTP_ROUNDS}), in ms`);
const only = process.env.BENCH_DATABASES?.toLowerCase();
if (!only || only.includes('pglite')) await benchmark('PGlite', undefined);
const url = !only || only.includes('postgres') ? postgresUrl() : undefined;
if (url) await benchmark('PostgreSQL', url);
else if (!only || only.includes('postgres')) console.log('\nPostgreSQL: skipped (set PARLEY_BENCH_DATABASE_URL, or install PostgreSQL for scripts/postgres-test-db.sh)');

const worst = Math.max(...figures.map((f) => f.p95));
console.log(`\nworst p95: ${worst.toFixed(1)} ms (target ≤ 50 ms)`);
