/** The store on the real database of this run (PGlite, or PostgreSQL in the second pass). */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../lib/db/schema';
import { openTestDatabase } from '../testing/test-database';
import type { OpenDatabase } from './database';
import { appendTurn, createConversation, findOwnConversation, listTurns } from './conversations';

let database: OpenDatabase;
const alice = crypto.randomUUID();
const bob = crypto.randomUUID();

beforeAll(async () => {
  database = await openTestDatabase();
  await database.db.insert(users).values([
    { id: alice, name: 'Alice', email: `${alice}@example.com` },
    { id: bob, name: 'Bob', email: `${bob}@example.com` },
  ]);
});
afterAll(() => database?.close());

const turn = (conversationId: string, role: 'user' | 'agent', text: string) => ({
  conversationId,
  role,
  text,
  utteranceId: crypto.randomUUID(),
  startedAt: new Date(),
  endedAt: new Date(),
});

describe('conversations and turns', () => {
  it('keeps turns in the order they were taken, and titles a conversation by its first words', async () => {
    const conversation = await createConversation(database.db, alice);
    await appendTurn(database.db, turn(conversation.id, 'user', 'what is twelve times seven'));
    await appendTurn(database.db, { ...turn(conversation.id, 'agent', 'Twelve times seven is 84.'), voiceToVoiceMs: 280, interrupted: false });
    await appendTurn(database.db, turn(conversation.id, 'user', 'thanks'));
    const turns = await listTurns(database.db, conversation.id);
    expect(turns.map((t) => [t.position, t.role, t.text])).toEqual([
      [0, 'user', 'what is twelve times seven'],
      [1, 'agent', 'Twelve times seven is 84.'],
      [2, 'user', 'thanks'],
    ]);
    expect(turns[1].voiceToVoiceMs).toBe(280);
    expect((await findOwnConversation(database.db, alice, conversation.id))?.title).toBe('what is twelve times seven');
  });

  it('appends concurrently without two turns at one position', async () => {
    const conversation = await createConversation(database.db, alice);
    await Promise.all(Array.from({ length: 5 }, (_, i) => appendTurn(database.db, turn(conversation.id, 'user', `turn ${i}`))));
    const stored = await listTurns(database.db, conversation.id);
    expect(stored.map((t) => t.position)).toEqual([0, 1, 2, 3, 4]);
  });

  it("never finds one person's conversation for another", async () => {
    const own = await createConversation(database.db, bob);
    expect((await findOwnConversation(database.db, bob, own.id))?.id).toBe(own.id);
    expect(await findOwnConversation(database.db, alice, own.id)).toBeNull();
  });
});
