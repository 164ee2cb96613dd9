/**
 * The history queries on the real database of this run (PGlite, or PostgreSQL in the second
 * pass), with turns written by the real store: search, paging while history changes, dates,
 * what is never listed, and deleting.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, turns, users } from '../../lib/db/schema';
import { historyListParams } from '../history/params';
import { openTestDatabase } from '../testing/test-database';
import { openDatabase, type OpenDatabase } from './database';
import { appendTurn, createConversation, deleteConversation, renameConversation, truncateAgentTurn } from './conversations';
import { decodeCursor, findConversationSummary, listHistory, listStoredTurns, type HistoryQuery } from './history';

let database: OpenDatabase;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

async function person(): Promise<string> {
  const id = crypto.randomUUID();
  await database.db.insert(users).values({ id, name: 'Someone', email: `${id}@example.com` });
  return id;
}

/** A conversation started at `createdAt` (default: now, at the database's microsecond precision) with these turns, in order. */
async function conversation(userId: string, said: Array<[role: 'user' | 'agent', text: string]>, createdAt?: Date): Promise<string> {
  const { id } = createdAt
    ? (await database.db.insert(conversations).values({ userId, createdAt }).returning())[0]
    : await createConversation(database.db, userId);
  const start = createdAt ?? new Date();
  for (const [index, [role, text]] of said.entries()) {
    await appendTurn(database.db, {
      conversationId: id,
      role,
      text,
      utteranceId: `u${index}`,
      startedAt: new Date(start.getTime() + index * 2000),
      endedAt: new Date(start.getTime() + index * 2000 + 1500),
    });
  }
  return id;
}

const ids = async (userId: string, query: Partial<HistoryQuery> = {}) =>
  (await listHistory(database.db, userId, { limit: 100, ...query })).conversations.map((c) => c.id);

/** Every page, following nextCursor; `between` runs after each page but the last. */
async function allPages(userId: string, limit: number, between: (page: number) => Promise<void> = async () => {}) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; ; page++) {
    const result = await listHistory(database.db, userId, { limit, after: cursor ? decodeCursor(cursor)! : undefined });
    expect(result.conversations.length).toBeLessThanOrEqual(limit);
    seen.push(...result.conversations.map((c) => c.id));
    cursor = result.nextCursor;
    if (!cursor) return seen;
    await between(page);
  }
}

describe('search', () => {
  it('finds a word said in turn 3 of one conversation, in no other, and never in another person\'s', async () => {
    const [alice, bob] = [await person(), await person()];
    const other = await conversation(alice, [['user', 'what is twelve times seven'], ['agent', 'Twelve times seven is 84.']]);
    const target = await conversation(alice, [
      ['user', 'what time is it'],
      ['agent', 'It is ten past nine.'],
      ['user', 'tell me about Zanzibar and its beaches'],
      ['agent', 'I only know arithmetic and the time.'],
    ]);
    const bobs = await conversation(bob, [['user', 'zanzibar is lovely']]);

    const found = await listHistory(database.db, alice, { limit: 20, search: 'zanzibar' });
    expect(found.conversations.map((c) => c.id)).toEqual([target]);
    // The preview is the turn that matched, not the first one.
    expect(found.conversations[0]).toMatchObject({ preview: 'tell me about Zanzibar and its beaches', turnCount: 4, title: 'what time is it' });
    expect(await ids(bob, { search: 'zanzibar' })).toEqual([bobs]);

    // Both sides are searched, words are stemmed, and web-search syntax works.
    expect(await ids(alice, { search: 'arithmetic' })).toEqual([target]);
    expect(await ids(alice, { search: 'beach' })).toEqual([target]);
    expect(await ids(alice, { search: 'seven' })).toEqual([other]);
    expect(await ids(alice, { search: '"twelve times"' })).toEqual([other]);
    expect(await ids(alice, { search: '"times twelve"' })).toEqual([]);
    // A conversation matches when all the words were said in it (and none of the excluded ones),
    // in one turn or several; the preview is then the first turn with them all, if any.
    expect(await ids(alice, { search: 'beaches -zanzibar' })).toEqual([]);
    expect(await ids(alice, { search: 'time -zanzibar' })).toEqual([other]);
    expect(await ids(alice, { search: 'zanzibar twelve' })).toEqual([]);
    const spread = await listHistory(database.db, alice, { limit: 20, search: 'zanzibar arithmetic' });
    expect(spread.conversations.map((c) => [c.id, c.preview])).toEqual([[target, 'what time is it']]);
    expect(await ids(alice, { search: 'zanzibar or seven' })).toEqual([target, other]);
    // Words that are not words to search (only stop words, punctuation, SQL) find nothing and fail nothing.
    expect(await ids(alice, { search: 'the' })).toEqual([]);
    expect(await ids(alice, { search: `'); drop table turns; --` })).toEqual([]);
    expect(await ids(alice, { search: '!!! & | <->' })).toEqual([]);
  });

  it('follows a turn whose text was cut to what was heard', async () => {
    const alice = await person();
    const id = await conversation(alice, [['user', 'what can you do'], ['agent', 'Arithmetic is easy, and clocks too.']]);
    const [, agent] = await listStoredTurns(database.db, id);
    expect(await ids(alice, { search: 'clocks' })).toEqual([id]);
    await truncateAgentTurn(database.db, id, agent.id, 'Arithmetic is easy');
    expect(await ids(alice, { search: 'clocks' })).toEqual([]);
    expect(await ids(alice, { search: 'easy' })).toEqual([id]);
  });
});

describe('what is listed', () => {
  it('never lists or finds a conversation without turns, and sums up the others', async () => {
    const alice = await person();
    const long = `please ${'remember this long sentence '.repeat(8)}`;
    const spoken = await conversation(alice, [['user', long], ['agent', 'I will.'], ['user', 'thanks']], new Date('2025-03-01T10:00:00Z'));
    const empty = await createConversation(database.db, alice);
    await createConversation(database.db, alice);

    const [summary] = (await listHistory(database.db, alice, { limit: 20 })).conversations;
    expect((await listHistory(database.db, alice, { limit: 20 })).conversations.map((c) => c.id)).toEqual([spoken]);
    expect(await ids(alice, { search: 'remember' })).toEqual([spoken]);
    expect(summary).toMatchObject({ id: spoken, title: 'please remember this long sentence remember this long…', turnCount: 3 });
    // From the first turn's start (10:00:00) to the last one's end (10:00:05.5).
    expect(summary.durationMs).toBe(5500);
    expect(summary.createdAt).toEqual(new Date('2025-03-01T10:00:00Z'));
    expect(summary.preview.length).toBeLessThanOrEqual(120);
    expect(summary.preview.endsWith('…')).toBe(true);
    expect(long.startsWith(summary.preview.slice(0, -1))).toBe(true);

    // Its own empty conversation can still be looked at (the talk page does, before anyone speaks).
    expect(await findConversationSummary(database.db, alice, empty.id)).toMatchObject({ id: empty.id, turnCount: 0, durationMs: 0, preview: '', title: null });
  });

  it("renames only the owner's conversation, and a renamed one keeps its name when more is said", async () => {
    const [alice, bob] = [await person(), await person()];
    const id = await conversation(alice, [['user', 'what is two plus two']]);
    expect(await renameConversation(database.db, bob, id, 'Mine now')).toBe(false);
    expect(await findConversationSummary(database.db, bob, id)).toBeNull();
    expect(await renameConversation(database.db, alice, id, 'Sums')).toBe(true);
    await appendTurn(database.db, { conversationId: id, role: 'user', text: 'and three plus three', utteranceId: 'later', startedAt: new Date(), endedAt: new Date() });
    expect(await findConversationSummary(database.db, alice, id)).toMatchObject({ title: 'Sums', turnCount: 2 });
  });
});

describe('pages', () => {
  it('stay stable while new conversations arrive and old ones get new turns: no duplicates, no skips', async () => {
    const carol = await person();
    // Two start at the very same instant, so the id breaks the tie; the rest carry microseconds.
    const tied = new Date(Date.now() - 60_000);
    const existing = [
      await conversation(carol, [['user', 'one']], tied),
      await conversation(carol, [['user', 'two']], tied),
    ];
    for (let i = 0; i < 8; i++) existing.push(await conversation(carol, [['user', `number ${i}`], ['agent', 'ok']]));
    const newestFirst = await ids(carol);
    expect(newestFirst.toSorted()).toEqual(existing.toSorted());

    const arrived: string[] = [];
    const seen = await allPages(carol, 3, async (page) => {
      arrived.push(await conversation(carol, [['user', `arrived during page ${page}`]]));
      // An old conversation, on a later page, and one already seen get new turns.
      for (const id of [newestFirst.at(-1)!, newestFirst[0]]) {
        await appendTurn(database.db, { conversationId: id, role: 'user', text: 'more', utteranceId: crypto.randomUUID(), startedAt: new Date(), endedAt: new Date() });
      }
    });
    expect(seen).toEqual(newestFirst);
    expect(arrived.length).toBe(3);
    // The newcomers are on the first page of a fresh listing.
    expect((await ids(carol)).slice(0, 3)).toEqual(arrived.toReversed());
  });

  it('end with nextCursor null, exactly at the last conversation', async () => {
    const dave = await person();
    for (let i = 0; i < 4; i++) await conversation(dave, [['user', `turn ${i}`]]);
    const first = await listHistory(database.db, dave, { limit: 2 });
    const second = await listHistory(database.db, dave, { limit: 2, after: decodeCursor(first.nextCursor!)! });
    expect(second.conversations.length).toBe(2);
    expect(second.nextCursor).toBeNull();
    expect((await listHistory(database.db, dave, { limit: 4 })).nextCursor).toBeNull();
  });
});

describe('dates', () => {
  it('bound the start time: a date is a whole UTC day, a date and time is inclusive', async () => {
    const erin = await person();
    const at = (iso: string) => conversation(erin, [['user', iso]], new Date(iso));
    const before = await at('2025-01-10T23:59:59.999Z');
    const dayStart = await at('2025-01-11T00:00:00.000Z');
    const dayEnd = await at('2025-01-11T23:59:59.999Z');
    const after = await at('2025-01-12T00:00:00.000Z');
    const list = (params: Record<string, string>) => ids(erin, { ...historyListParams.parse(params), limit: 100 });

    expect(await list({ from: '2025-01-11', to: '2025-01-11' })).toEqual([dayEnd, dayStart]);
    expect(await list({ from: '2025-01-11' })).toEqual([after, dayEnd, dayStart]);
    expect(await list({ to: '2025-01-11' })).toEqual([dayEnd, dayStart, before]);
    expect(await list({ from: '2025-01-11T00:00:00Z', to: '2025-01-11T23:59:59.999Z' })).toEqual([dayEnd, dayStart]);
    expect(await list({ to: '2025-01-11T00:59:59.999+01:00' })).toEqual([before]);
    expect(await list({ from: '2025-01-11T23:59:59.999Z', to: '2025-01-12T00:00:00Z' })).toEqual([after, dayEnd]);
    expect(await list({ from: '2026-01-01' })).toEqual([]);
  });
});

describe('deleting', () => {
  it("takes the turns with it, and only the owner's", async () => {
    const [alice, bob] = [await person(), await person()];
    const id = await conversation(alice, [['user', 'what is nine times six'], ['agent', 'Nine times six is 54.']]);
    expect(await deleteConversation(database.db, bob, id)).toBe(false);
    expect((await listStoredTurns(database.db, id)).length).toBe(2);

    expect(await deleteConversation(database.db, alice, id)).toBe(true);
    expect(await database.db.select().from(turns).where(eq(turns.conversationId, id))).toEqual([]);
    expect(await findConversationSummary(database.db, alice, id)).toBeNull();
    expect(await ids(alice)).toEqual([]);
    expect(await deleteConversation(database.db, alice, id)).toBe(false);
  });
});

describe('the migration', () => {
  it('makes conversations held before search existed findable', async () => {
    // An embedded database at the migration before, with a conversation in it, written as that version's store did.
    const migrations = path.resolve(import.meta.dirname, '..', '..', 'drizzle');
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrations-'));
    fs.cpSync(migrations, before, { recursive: true });
    const journalPath = path.join(before, 'meta', '_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const at = journal.entries.findIndex((entry) => entry.tag === '0002_history_search');
    fs.writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-db-migrated-'));
    const old = await openDatabase({ databaseUrl: undefined, dataDir, migrationsFolder: before });
    const [userId, conversationId] = [crypto.randomUUID(), crypto.randomUUID()];
    await old.db.execute(sql`insert into users (id, name, email) values (${userId}, 'Old', ${`${userId}@example.com`})`);
    await old.db.execute(sql`insert into conversations (id, user_id, title) values (${conversationId}, ${userId}, 'what is twelve times seven')`);
    await old.db.execute(sql`insert into turns (conversation_id, position, role, utterance_id, text, started_at, ended_at)
      values (${conversationId}, 0, 'user', 'a', 'what is twelve times seven', now(), now()),
             (${conversationId}, 1, 'agent', 'b', 'Twelve times seven is 84.', now(), now())`);
    await old.close();

    const migrated = await openDatabase({ databaseUrl: undefined, dataDir, migrationsFolder: migrations });
    try {
      const found = await listHistory(migrated.db, userId, { limit: 20, search: '84' });
      expect(found.conversations.map((c) => [c.id, c.preview, c.turnCount])).toEqual([[conversationId, 'Twelve times seven is 84.', 2]]);
    } finally {
      await migrated.close();
    }
  });
});
