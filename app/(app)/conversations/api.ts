/**
 * The history JSON API as the pages use it (app/api/conversations/**): the shapes it answers
 * with (dates as ISO strings) and the URLs to ask it.
 */

export interface ConversationSummary {
  id: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  turnCount: number;
  /** Last turn's end − first turn's start. */
  durationMs: number;
  /** The start of the first user turn, or of the first turn a search matched; '' if none. */
  preview: string;
}

export interface ConversationPage {
  conversations: ConversationSummary[];
  nextCursor: string | null;
}

export interface StoredTurn {
  id: string;
  position: number;
  role: 'user' | 'agent';
  /** For an interrupted agent turn, only what was heard. */
  text: string;
  interrupted: boolean;
  startedAt: string;
  endedAt: string;
  /** Agent turns: the user turns this reply answers, in speaking order. */
  replyTo: string[] | null;
  sttLatencyMs: number | null;
  agentLatencyMs: number | null;
  ttsLatencyMs: number | null;
  voiceToVoiceMs: number | null;
  /** Its kept recording (people who keep their audio), or null. */
  audio: { mimeType: string; durationMs: number } | null;
}

export interface ConversationWithTurns {
  conversation: ConversationSummary;
  turns: StoredTurn[];
}

export type ExportFormat = 'markdown' | 'json';

export const PAGE_SIZE = 20;

/** While a page is visible it asks again this often, so a conversation going on shows up. */
export const LIVE_REFRESH_MS = 3_000;

export function conversationUrl(id: string): string {
  return `/api/conversations/${encodeURIComponent(id)}`;
}

export function turnAudioUrl(conversationId: string, turnId: string): string {
  return `${conversationUrl(conversationId)}/turns/${encodeURIComponent(turnId)}/audio`;
}

export function exportUrl(id: string, format: ExportFormat): string {
  return `${conversationUrl(id)}/export?format=${format}`;
}
