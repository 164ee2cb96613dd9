/** The conversation a route's :id names, if it is the caller's; anything else is the same 404. */
import { z } from 'zod';
import { jsonError } from '@/server/http/route';
import type { Database } from '@/server/store/database';
import { findConversationSummary, type ConversationSummary } from '@/server/store/history';

export async function ownConversation(db: Database, userId: string, id: string): Promise<{ ok: true; conversation: ConversationSummary } | { ok: false; response: Response }> {
  const conversation = z.uuid().safeParse(id).success ? await findConversationSummary(db, userId, id) : null;
  return conversation ? { ok: true, conversation } : { ok: false, response: notFound() };
}

export function notFound(): Response {
  return jsonError(404, 'not_found', 'No such conversation of yours.');
}
