/**
 * Kept turn audio on the real database of this run (PGlite, or PostgreSQL in the second pass):
 * the bytes come back as written, and go with their turn, their conversation, their person's
 * "delete my recordings", and the retention period.
 */
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnAudio, users } from '../../lib/db/schema';
import { OGG_OPUS_MIME } from '../audio/ogg-opus';
import { openTestDatabase } from '../testing/test-database';
import type { OpenDatabase } from './database';
import { appendTurn, createConversation, deleteConversation, truncateAgentTurn } from './conversations';
import { listStoredTurns } from './history';
import { countPersonRecordings, deletePersonRecordings, findOwnTurnAudio, listConversationAudio, purgeRecordingsBefore, saveTurnAudio } from './turn-audio';

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

/** A conversation of two turns, both with audio; returns its id and the turns'. */
async function recorded(userId: string) {
  const db = database.db;
  const { id: conversationId } = await createConversation(db, userId);
  const ids: string[] = [];
  for (const role of ['user', 'agent'] as const) {
    const turn = await appendTurn(db, { conversationId, role, text: `${role} words`, utteranceId: `${role}-1`, startedAt: new Date(), endedAt: new Date() });
    await saveTurnAudio(db, turn.id, { mimeType: OGG_OPUS_MIME, durationMs: 1000, audio: bytes(role) });
    ids.push(turn.id);
  }
  return { conversationId, userTurn: ids[0], agentTurn: ids[1] };
}

/** Every byte value, so that no driver's text conversion could pass it through unharmed. */
const bytes = (seed: string) => new Uint8Array([...Array.from({ length: 256 }, (_, i) => i), ...Buffer.from(seed)]);

const audioRows = async (turnIds: string[]) =>
  (await database.db.select({ turnId: turnAudio.turnId }).from(turnAudio)).filter((r) => turnIds.includes(r.turnId)).length;

describe('turn audio in the database', () => {
  it('gives back the bytes written, to the owner only', async () => {
    const [alice, bob] = [await person(), await person()];
    const { conversationId, userTurn } = await recorded(alice);
    const found = await findOwnTurnAudio(database.db, alice, conversationId, userTurn);
    expect(found).toMatchObject({ turnId: userTurn, mimeType: OGG_OPUS_MIME, durationMs: 1000 });
    expect(Buffer.from(found!.audio).equals(Buffer.from(bytes('user')))).toBe(true);
    expect(await findOwnTurnAudio(database.db, bob, conversationId, userTurn)).toBeNull();
    expect((await listConversationAudio(database.db, conversationId)).size).toBe(2);
    expect((await listStoredTurns(database.db, conversationId)).map((t) => t.audio)).toEqual([
      { mimeType: OGG_OPUS_MIME, durationMs: 1000 },
      { mimeType: OGG_OPUS_MIME, durationMs: 1000 },
    ]);
    expect(await countPersonRecordings(database.db, alice)).toEqual({ count: 2, bytes: 2 * 256 + 'user'.length + 'agent'.length });
  });

  it('goes with its turn, cut to nothing', async () => {
    const { conversationId, agentTurn } = await recorded(await person());
    await truncateAgentTurn(database.db, conversationId, agentTurn, '');
    expect(await audioRows([agentTurn])).toBe(0);
  });

  it('goes with its conversation', async () => {
    const alice = await person();
    const { conversationId, userTurn, agentTurn } = await recorded(alice);
    expect(await deleteConversation(database.db, alice, conversationId)).toBe(true);
    expect(await audioRows([userTurn, agentTurn])).toBe(0);
  });

  it("goes with the person's own \"delete my recordings\", and nobody else's", async () => {
    const [alice, bob] = [await person(), await person()];
    const hers = [await recorded(alice), await recorded(alice)];
    const his = await recorded(bob);
    expect(await deletePersonRecordings(database.db, alice)).toBe(4);
    expect(await audioRows(hers.flatMap((c) => [c.userTurn, c.agentTurn]))).toBe(0);
    expect(await audioRows([his.userTurn, his.agentTurn])).toBe(2);
    // The transcripts stay.
    expect((await listStoredTurns(database.db, hers[0].conversationId)).map((t) => [t.text, t.audio])).toEqual([
      ['user words', null],
      ['agent words', null],
    ]);
  });

  it('goes once older than the retention period, and newer ones stay', async () => {
    const old = await recorded(await person());
    const fresh = await recorded(await person());
    await database.db
      .update(turnAudio)
      .set({ createdAt: sql`now() - interval '31 days'` })
      .where(eq(turnAudio.turnId, old.userTurn));
    const deleted = await purgeRecordingsBefore(database.db, new Date(Date.now() - 30 * 86_400_000));
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await audioRows([old.userTurn])).toBe(0);
    expect(await audioRows([old.agentTurn, fresh.userTurn, fresh.agentTurn])).toBe(3);
  });
});
