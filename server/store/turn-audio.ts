/**
 * Kept turn audio (turn_audio): written once per turn by a recording session, read back only
 * through its owner's conversation, gone with its turn (the foreign key cascades), with the
 * person's "delete my recordings", or once older than the retention period.
 */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { conversations, turnAudio, turns } from '../../lib/db/schema';
import type { EncodedAudio } from '../audio/ogg-opus';
import type { Database } from './database';

export interface KeptAudio extends EncodedAudio {
  turnId: string;
}

/** Keeps a turn's audio (a second write for the same turn replaces the first). */
export async function saveTurnAudio(db: Database, turnId: string, audio: EncodedAudio): Promise<void> {
  const values = { mimeType: audio.mimeType, durationMs: audio.durationMs, audio: audio.audio };
  await db
    .insert(turnAudio)
    .values({ turnId, ...values })
    .onConflictDoUpdate({ target: turnAudio.turnId, set: values });
}

/** The audio of a turn of one of the caller's conversations; null for none, and for anyone else's alike. */
export async function findOwnTurnAudio(db: Database, userId: string, conversationId: string, turnId: string): Promise<KeptAudio | null> {
  const [row] = await db
    .select({ turnId: turnAudio.turnId, mimeType: turnAudio.mimeType, durationMs: turnAudio.durationMs, audio: turnAudio.audio })
    .from(turnAudio)
    .innerJoin(turns, eq(turns.id, turnAudio.turnId))
    .innerJoin(conversations, eq(conversations.id, turns.conversationId))
    .where(and(eq(turnAudio.turnId, turnId), eq(turns.conversationId, conversationId), eq(conversations.userId, userId)));
  return row ? { ...row, audio: asBytes(row.audio) } : null;
}

/** Every kept audio of a conversation (whose owner the caller checked), by turn id: for the export. */
export async function listConversationAudio(db: Database, conversationId: string): Promise<Map<string, KeptAudio>> {
  const rows = await db
    .select({ turnId: turnAudio.turnId, mimeType: turnAudio.mimeType, durationMs: turnAudio.durationMs, audio: turnAudio.audio })
    .from(turnAudio)
    .innerJoin(turns, eq(turns.id, turnAudio.turnId))
    .where(eq(turns.conversationId, conversationId));
  return new Map(rows.map((row) => [row.turnId, { ...row, audio: asBytes(row.audio) }]));
}

/** Deletes every recording of the person's conversations (the transcripts stay); how many went. */
export async function deletePersonRecordings(db: Database, userId: string): Promise<number> {
  const theirTurns = db
    .select({ id: turns.id })
    .from(turns)
    .innerJoin(conversations, eq(conversations.id, turns.conversationId))
    .where(eq(conversations.userId, userId));
  const deleted = await db.delete(turnAudio).where(inArray(turnAudio.turnId, theirTurns)).returning({ turnId: turnAudio.turnId });
  return deleted.length;
}

/** Deletes the recordings kept before `cutoff` (the retention period); how many went. */
export async function purgeRecordingsBefore(db: Database, cutoff: Date): Promise<number> {
  const deleted = await db.delete(turnAudio).where(lt(turnAudio.createdAt, cutoff)).returning({ turnId: turnAudio.turnId });
  return deleted.length;
}

/** How many recordings the person has, and their bytes: for Settings. */
export async function countPersonRecordings(db: Database, userId: string): Promise<{ count: number; bytes: number }> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int`, bytes: sql<number>`coalesce(sum(octet_length(${turnAudio.audio})), 0)::bigint` })
    .from(turnAudio)
    .innerJoin(turns, eq(turns.id, turnAudio.turnId))
    .innerJoin(conversations, eq(conversations.id, turns.conversationId))
    .where(eq(conversations.userId, userId));
  return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/** node-postgres gives a Buffer, PGlite a Uint8Array: one of ours either way. */
function asBytes(value: Uint8Array): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(value);
}
