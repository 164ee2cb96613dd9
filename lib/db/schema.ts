/**
 * The one database schema (PostgreSQL dialect), used by the embedded PGlite and by a real
 * PostgreSQL server alike. Migrations in drizzle/ are generated from this file.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

// ── better-auth's tables (field names are the ones its drizzle adapter expects) ──────────

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').notNull().default(false),
  image: text('image'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    token: text('token').notNull().unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('accounts_user_id_idx').on(t.userId)],
);

export const verifications = pgTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

// ── Parley's own tables ──────────────────────────────────────────────────────────────────

/** Personal API tokens for non-browser clients. Only a SHA-256 of the token is stored. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, so a person can tell their tokens apart. */
    prefix: text('prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_id_idx').on(t.userId, t.createdAt)],
);

/** PostgreSQL's text-search document type; drizzle has none built in. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * The text-search configuration of the stored documents, which queries must parse their words
 * with too: English stems words, so "running" finds "runs".
 */
export const TEXT_SEARCH_CONFIG = 'english';

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Set from the person's first words; null until then. */
    title: text('title'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * Everything said in it, both sides, as full-text search reads it; the store rewrites it with
     * every change to its turns. One document per conversation, not per turn, so a search costs
     * at most one check per conversation, however long the conversations are.
     */
    searchDocument: tsvector('search_document').notNull().default(sql`''::tsvector`),
  },
  (t) => [
    // The history dashboard pages through a person's conversations newest first, by (createdAt, id).
    // Ascending on purpose: read backwards it is `desc` with nulls first, PostgreSQL's own `desc`;
    // drizzle's .desc() would write `desc nulls last`, which an `order by … desc` cannot use.
    index('conversations_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('conversations_search_document_idx').using('gin', t.searchDocument),
  ],
);

export const turns = pgTable(
  'turns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** 0, 1, 2 … within the conversation: the order turns were taken. */
    position: integer('position').notNull(),
    role: text('role', { enum: ['user', 'agent'] }).notNull(),
    /** The contract's utteranceId this turn was spoken under. */
    utteranceId: text('utterance_id').notNull(),
    text: text('text').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }).notNull(),
    /** Agent turns cut short by the person: text holds only what was heard. */
    interrupted: boolean('interrupted').notNull().default(false),
    /** user speech end → final transcript */
    sttLatencyMs: integer('stt_latency_ms'),
    /** final transcript → first reply text */
    agentLatencyMs: integer('agent_latency_ms'),
    /** first reply text → first reply audio */
    ttsLatencyMs: integer('tts_latency_ms'),
    /** user speech end → first agent audio */
    voiceToVoiceMs: integer('voice_to_voice_ms'),
    /** Agent turns: the user turns (ids) this reply answers, in speaking order. */
    replyTo: uuid('reply_to').array(),
    /** Which engines produced the turn: the recogniser for user turns, agent and voice for agent turns. */
    sttProvider: text('stt_provider'),
    agentProvider: text('agent_provider'),
    ttsProvider: text('tts_provider'),
    createdAt: createdAt(),
    /** Its text as full-text search reads it (kept by the database itself): which turn of a found conversation matched. */
    textSearch: tsvector('text_search')
      .notNull()
      .generatedAlwaysAs((): SQL => sql`to_tsvector(${sql.raw(`'${TEXT_SEARCH_CONFIG}'`)}, ${turns.text})`),
  },
  (t) => [
    uniqueIndex('turns_conversation_position_idx').on(t.conversationId, t.position),
    check('turns_role_check', sql`${t.role} in ('user', 'agent')`),
  ],
);

/** A person's own choices for their conversations (Settings): used from their next conversation on. */
export const personSettings = pgTable('person_settings', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Replaces the configured system prompt when an LLM is the agent; null: the configured one. */
  systemPrompt: text('system_prompt'),
  /** One of the configured voice engine's voices; null: the configured one. */
  voice: text('voice'),
  /** Keep the audio of their conversations (turn_audio), from their next conversation on. Off unless they turn it on. */
  keepAudio: boolean('keep_audio').notNull().default(false),
  updatedAt: updatedAt(),
});

/** PostgreSQL's byte string; drizzle has none built in. PGlite reads it as a Uint8Array, node-postgres as a Buffer. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

/**
 * A turn's audio, for people who keep it (person_settings.keep_audio): what they said as the
 * recogniser heard it, or what the agent sent up to where it was cut. In the database, not in
 * files, so that every instance on one PostgreSQL serves it; gone with its turn.
 */
export const turnAudio = pgTable(
  'turn_audio',
  {
    turnId: uuid('turn_id')
      .primaryKey()
      .references(() => turns.id, { onDelete: 'cascade' }),
    /** The file's media type, e.g. `audio/ogg; codecs=opus`. */
    mimeType: text('mime_type').notNull(),
    durationMs: integer('duration_ms').notNull(),
    audio: bytea('audio').notNull(),
    /** RECORDING_RETENTION_DAYS counts from here. */
    createdAt: createdAt(),
  },
  (t) => [index('turn_audio_created_at_idx').on(t.createdAt)],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type TurnRow = typeof turns.$inferSelect;
export type NewTurn = typeof turns.$inferInsert;
export type TurnAudioRow = typeof turnAudio.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
