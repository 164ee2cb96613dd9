/**
 * After a reconnect the page shows the conversation as the server kept it: its stored turns
 * (the source of truth: what was said before the drop, as far as it was heard), then whatever
 * the new session has said since. The same request tells a failed reconnect attempt whether
 * trying again can help: 401 (signed out) and 404 (conversation deleted) cannot.
 */
import { ApiError, fetchJson } from '../../fetch-json';
import type { Line } from './voice-client';

interface StoredTurn {
  id: string;
  role: 'user' | 'agent';
  utteranceId: string;
  text: string;
  interrupted: boolean;
}

/**
 * A stored turn as a line. Its id is the turn's own: utterance ids are only unique within one
 * connection (the server numbers its replies agent-1, agent-2 … per connection).
 */
export interface StoredLine {
  line: Line;
  utteranceId: string;
}

export type StoredLines = { ok: true; turns: StoredLine[] } | { ok: false; retry: boolean; message: string };

export async function loadStoredLines(conversationId: string): Promise<StoredLines> {
  try {
    const { turns } = await fetchJson<{ turns: StoredTurn[] }>(`/api/conversations/${encodeURIComponent(conversationId)}`);
    return {
      ok: true,
      turns: turns.map((t) => ({ utteranceId: t.utteranceId, line: { id: `turn:${t.id}`, role: t.role, text: t.text, final: true, interrupted: t.interrupted || undefined } })),
    };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return { ok: false, retry: false, message: 'You are signed out, so the conversation cannot be continued here. Sign in again, then open it from Conversations.' };
    }
    if (error instanceof ApiError && error.status === 404) {
      return { ok: false, retry: false, message: 'This conversation no longer exists (it was deleted), so it cannot be continued. Press Start talking for a new one.' };
    }
    return { ok: false, retry: true, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The stored turns, then the lines the resumed session showed since (`shownBefore`: the ids on
 * screen when the connection dropped; those not stored were not kept by the server). Turns the
 * resumed session already stored are on screen as its own lines: they start at the first stored
 * user turn the page sent since (user utterance ids are the page's own, unique), and are left out.
 */
export function mergeResumed(stored: readonly StoredLine[], current: readonly Line[], shownBefore: ReadonlySet<string>): Line[] {
  const since = current.filter((l) => !shownBefore.has(l.id));
  const sinceIds = new Set(since.filter((l) => l.role === 'user').map((l) => l.id));
  const cut = stored.findIndex((t) => t.line.role === 'user' && sinceIds.has(t.utteranceId));
  return [...(cut < 0 ? stored : stored.slice(0, cut)).map((t) => t.line), ...since];
}
