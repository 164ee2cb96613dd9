/**
 * After a reconnect the page shows the conversation as the server kept it: its stored turns
 * (the source of truth: what was said before the drop, as far as it was heard), then whatever
 * the new session has said since. The same request tells a failed reconnect attempt whether
 * trying again can help: 401 (signed out) and 404 (conversation deleted) cannot.
 */
import { ApiError, fetchJson } from '../../fetch-json';
import type { Line } from './voice-client';

interface StoredTurn {
  role: 'user' | 'agent';
  utteranceId: string;
  text: string;
  interrupted: boolean;
}

export type StoredLines = { ok: true; lines: Line[] } | { ok: false; retry: boolean; message: string };

export async function loadStoredLines(conversationId: string): Promise<StoredLines> {
  try {
    const { turns } = await fetchJson<{ turns: StoredTurn[] }>(`/api/conversations/${encodeURIComponent(conversationId)}`);
    return { ok: true, lines: turns.map((t) => ({ id: t.utteranceId, role: t.role, text: t.text, final: true, interrupted: t.interrupted || undefined })) };
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
 * screen when the connection dropped; those not stored were not kept by the server).
 */
export function mergeResumed(stored: Line[], current: Line[], shownBefore: ReadonlySet<string>): Line[] {
  const storedIds = new Set(stored.map((l) => l.id));
  return [...stored, ...current.filter((l) => !storedIds.has(l.id) && !shownBefore.has(l.id))];
}
