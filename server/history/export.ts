/**
 * A conversation as a download: JSON (the detail API's shape plus a version, described in
 * docs/history-export.md) or Markdown to read. Times in Markdown are UTC: the server does not
 * know the reader's time zone.
 */
import type { EncodedAudio } from '../audio/ogg-opus';
import type { ConversationSummary, StoredTurn } from '../store/history';
import type { ExportFormat } from './params';

/** Bumped whenever the JSON export's shape changes in a way readers must know about. */
export const EXPORT_VERSION = 1;

export interface ConversationDetail {
  conversation: ConversationSummary;
  turns: StoredTurn[];
}

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

/**
 * `audio`: the kept recordings by turn id, which the JSON carries in each turn's `audio.data`
 * (base64 of the file); the Markdown only says a recording exists.
 */
export function exportConversation(detail: ConversationDetail, format: ExportFormat, now = new Date(), audio: ReadonlyMap<string, EncodedAudio> = new Map()): ExportFile {
  const filename = `${fileStem(detail.conversation)}.${format === 'json' ? 'json' : 'md'}`;
  if (format === 'markdown') return { filename, contentType: 'text/markdown; charset=utf-8', body: toMarkdown(detail) };
  const turns = detail.turns.map((turn) => {
    const kept = turn.audio && audio.get(turn.id);
    return kept ? { ...turn, audio: { ...turn.audio, data: Buffer.from(kept.audio).toString('base64') } } : turn;
  });
  return { filename, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify({ exportVersion: EXPORT_VERSION, exportedAt: now, ...detail, turns }, null, 2)}\n` };
}

/** "parley-2025-01-31-what-is-twelve-times-seven": ASCII only, so every browser keeps it as is. */
export function fileStem(conversation: Pick<ConversationSummary, 'title' | 'createdAt'>): string {
  const slug = (conversation.title ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // the accents NFKD split off: "é" → "e"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 60)
    .replace(/^-+|-+$/g, '');
  return `parley-${conversation.createdAt.toISOString().slice(0, 10)}${slug ? `-${slug}` : ''}`;
}

export function toMarkdown({ conversation, turns }: ConversationDetail): string {
  const started = conversation.createdAt;
  const lines = [
    `# ${escapeMarkdown(conversation.title ?? 'Untitled conversation')}`,
    '',
    `${utcDate(started)} ${utcTime(started)} UTC · ${turns.length} ${turns.length === 1 ? 'turn' : 'turns'} · ${duration(conversation.durationMs)}`,
  ];
  for (const turn of turns) {
    const speaker = turn.role === 'user' ? 'You' : 'Parley';
    // A conversation continued on another day says which day each later turn was on.
    const time = utcDate(turn.startedAt) === utcDate(started) ? utcTime(turn.startedAt) : `${utcDate(turn.startedAt)} ${utcTime(turn.startedAt)}`;
    const text = escapeMarkdown(turn.text.replace(/\s+/g, ' ').trim()) || '*(nothing heard)*';
    const recording = turn.audio ? ` *(recording kept: ${(turn.audio.durationMs / 1000).toFixed(1)} s, in the JSON export)*` : '';
    lines.push('', `**${speaker}** (${time}): ${text}${turn.interrupted ? ' *(interrupted)*' : ''}${recording}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A backslash before each character Markdown could read as formatting in the middle of a line
 * (emphasis, code, links, HTML, tables, entities, a heading's closing #), so text shows as said.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&#]/g, '\\$&');
}

function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function utcTime(date: Date): string {
  return date.toISOString().slice(11, 19);
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
