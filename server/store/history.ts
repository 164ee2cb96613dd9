/**
 * The history dashboard's reads: a person's conversations page by page (newest first,
 * searchable, by date) and one conversation with its turns (renaming and deleting are in
 * conversations.ts, with every other write). Another person's conversation is the same as none.
 *
 * A conversation is listed only once it has a turn: /ws makes a row per connection, and a
 * connection where nobody spoke is not a conversation worth showing.
 */
import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { conversations, TEXT_SEARCH_CONFIG, turnAudio, turns } from '../../lib/db/schema';
import type { Database } from './database';

export interface ConversationSummary {
  id: string;
  /** The stored title (the first user words, until renamed), or null. */
  title: string | null;
  createdAt: Date;
  updatedAt: Date;
  turnCount: number;
  /** Last turn's end − first turn's start; 0 without turns. */
  durationMs: number;
  /** The start of the first user turn, or of the first turn with all the words searched for; '' if none. */
  preview: string;
}

export interface StoredTurn {
  id: string;
  position: number;
  role: 'user' | 'agent';
  /** The contract's utteranceId, to match the turn with a live session's messages. */
  utteranceId: string;
  text: string;
  interrupted: boolean;
  startedAt: Date;
  endedAt: Date;
  /** Agent turns: the user turns (ids) this reply answers; null for user turns. */
  replyTo: string[] | null;
  sttLatencyMs: number | null;
  agentLatencyMs: number | null;
  ttsLatencyMs: number | null;
  voiceToVoiceMs: number | null;
  /** Which engines made it: the recogniser for user turns, agent and voice for agent turns. */
  sttProvider: string | null;
  agentProvider: string | null;
  ttsProvider: string | null;
  /** Its kept recording (GET /api/conversations/:id/turns/:turnId/audio), or null: none kept. */
  audio: { mimeType: string; durationMs: number } | null;
}

/**
 * Where a page ends: the last conversation's start time (in microseconds since the epoch, the
 * database's own precision: a JavaScript Date would round it and repeat or skip rows) and id.
 */
export interface HistoryCursor {
  createdAtMicros: bigint;
  id: string;
}

export interface HistoryQuery {
  /** Words to find in what either side said, anywhere in the conversation (web-search syntax: "a phrase", -without, or). */
  search?: string;
  /** Started at or after this instant. */
  from?: Date;
  /** Started before this instant. */
  before?: Date;
  /** 1–100. */
  limit: number;
  /** Continue after this conversation. */
  after?: HistoryCursor;
}

export interface HistoryPage {
  conversations: ConversationSummary[];
  /** Pass back to get the next page; null on the last one. */
  nextCursor: string | null;
}

export const PREVIEW_CHARS = 120;

/** The caller's conversations that have turns, newest first (createdAt desc, id desc). */
export async function listHistory(db: Database, userId: string, query: HistoryQuery): Promise<HistoryPage> {
  const words = query.search?.trim() ? sql`websearch_to_tsquery(${TEXT_SEARCH_CONFIG}::regconfig, ${query.search.trim()})` : null;
  const rows = await summaries(db, {
    where: and(
      eq(conversations.userId, userId),
      // A document matches only if something was said, so a search needs no check for turns.
      words ? sql`${conversations.searchDocument} @@ ${words}` : hasTurns(),
      query.from && gte(conversations.createdAt, query.from),
      query.before && lt(conversations.createdAt, query.before),
      query.after &&
        sql`(${conversations.createdAt}, ${conversations.id}) < (${microsToTimestamp(query.after.createdAtMicros)}, ${query.after.id}::uuid)`,
    ),
    // One more than asked tells whether there is a next page.
    limit: query.limit + 1,
    matching: words ?? undefined,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    conversations: page.map(({ cursorMicros: _, ...summary }) => summary),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ createdAtMicros: BigInt(last.cursorMicros), id: last.id }) : null,
  };
}

/** One of the caller's conversations, with or without turns; null for a missing id and for anyone else's alike. */
export async function findConversationSummary(db: Database, userId: string, conversationId: string): Promise<ConversationSummary | null> {
  const [row] = await summaries(db, {
    where: and(eq(conversations.id, conversationId), eq(conversations.userId, userId)),
    limit: 1,
  });
  if (!row) return null;
  const { cursorMicros: _, ...summary } = row;
  return summary;
}

/** A conversation's turns in the order they were taken. */
export async function listStoredTurns(db: Database, conversationId: string): Promise<StoredTurn[]> {
  const rows = await db
    .select({
      id: turns.id,
      position: turns.position,
      role: turns.role,
      utteranceId: turns.utteranceId,
      text: turns.text,
      interrupted: turns.interrupted,
      startedAt: turns.startedAt,
      endedAt: turns.endedAt,
      replyTo: turns.replyTo,
      sttLatencyMs: turns.sttLatencyMs,
      agentLatencyMs: turns.agentLatencyMs,
      ttsLatencyMs: turns.ttsLatencyMs,
      voiceToVoiceMs: turns.voiceToVoiceMs,
      sttProvider: turns.sttProvider,
      agentProvider: turns.agentProvider,
      ttsProvider: turns.ttsProvider,
      audioMimeType: turnAudio.mimeType,
      audioDurationMs: turnAudio.durationMs,
    })
    .from(turns)
    .leftJoin(turnAudio, eq(turnAudio.turnId, turns.id))
    .where(eq(turns.conversationId, conversationId))
    .orderBy(asc(turns.position));
  return rows.map(({ audioMimeType, audioDurationMs, ...turn }) => ({
    ...turn,
    audio: audioMimeType !== null && audioDurationMs !== null ? { mimeType: audioMimeType, durationMs: audioDurationMs } : null,
  }));
}

// ── Cursors ──────────────────────────────────────────────────────────────────────────────

/** Opaque to clients: base64url of "<micros>.<id>". */
export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(`${cursor.createdAtMicros}.${cursor.id}`).toString('base64url');
}

/** The cursor a client sent back, or null if it is not one this server gave out. */
export function decodeCursor(value: string): HistoryCursor | null {
  const match = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
    Buffer.from(value, 'base64url').toString('utf8'),
  );
  return match ? { createdAtMicros: BigInt(match[1]), id: match[2] } : null;
}

// ── The one summary query ───────────────────────────────────────────────────────────────

function hasTurns(): SQL {
  return sql`exists (select 1 from ${turns} where ${turns.conversationId} = ${conversations.id})`;
}

/** Exact: integer microseconds added to the epoch, no floating-point seconds in between. */
function microsToTimestamp(micros: bigint): SQL {
  return sql`(timestamptz 'epoch' + ${micros.toString()}::bigint * interval '1 microsecond')`;
}

/**
 * The conversations `where` selects, newest first, at most `limit`, each with its turn count,
 * duration and preview (the first turn `matching` the search words, if there is one: words
 * may be spread over several turns; else the first user turn). The page is chosen first (by the
 * (user, createdAt, id) index) and the figures computed for its rows alone, so the cost follows
 * the page size, not the history's.
 */
async function summaries(db: Database, options: { where: SQL | undefined; limit: number; matching?: SQL }) {
  const page = db
    .select({
      id: conversations.id,
      title: conversations.title,
      createdAt: conversations.createdAt,
      updatedAt: conversations.updatedAt,
      cursorMicros: sql<string>`(extract(epoch from ${conversations.createdAt}) * 1000000)::bigint::text`.as('cursor_micros'),
    })
    .from(conversations)
    .where(options.where)
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(options.limit)
    .as('page');
  const figures = db
    .select({
      turnCount: sql<number>`count(*)::int`.as('turn_count'),
      // float8, not int: a conversation continued weeks later outgrows 2^31 ms.
      durationMs: sql<number>`coalesce(round(extract(epoch from max(${turns.endedAt}) - min(${turns.startedAt})) * 1000), 0)::float8`.as('duration_ms'),
    })
    .from(turns)
    .where(eq(turns.conversationId, page.id))
    .as('figures');
  const firstTurnWhere = (condition: SQL, name: string) =>
    db
      .select({ text: sql<string>`left(btrim(${turns.text}), ${PREVIEW_CHARS + 1})`.as(`${name}_text`) })
      .from(turns)
      .where(and(eq(turns.conversationId, page.id), condition))
      .orderBy(asc(turns.position))
      .limit(1)
      .as(name);
  const matched = firstTurnWhere(options.matching ? sql`${turns.textSearch} @@ ${options.matching}` : sql`false`, 'matched');
  const firstUser = firstTurnWhere(sql`${turns.role} = 'user'`, 'first_user');
  const rows = await db
    .select({
      id: page.id,
      title: page.title,
      createdAt: page.createdAt,
      updatedAt: page.updatedAt,
      turnCount: figures.turnCount,
      durationMs: figures.durationMs,
      preview: sql<string | null>`coalesce(${matched.text}, ${firstUser.text})`,
      cursorMicros: page.cursorMicros,
    })
    .from(page)
    .crossJoinLateral(figures)
    .leftJoinLateral(matched, sql`true`)
    .leftJoinLateral(firstUser, sql`true`)
    .orderBy(desc(page.createdAt), desc(page.id));
  return rows.map((row) => ({ ...row, preview: shorten(row.preview ?? '') }));
}

/**
 * At most PREVIEW_CHARS: `start` is the text's first PREVIEW_CHARS + 1 characters, so a longer
 * one is cut, at a word where there is one near the end, and gets an ellipsis.
 */
function shorten(start: string): string {
  if (start.length <= PREVIEW_CHARS) return start;
  const room = PREVIEW_CHARS - 1;
  const space = start.lastIndexOf(' ', room);
  return `${start.slice(0, space > room / 2 ? space : room).trimEnd()}…`;
}
