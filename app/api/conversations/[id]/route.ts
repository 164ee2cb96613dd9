import { z } from 'zod';
import { findOwnConversation, listTurns } from '@/server/store/conversations';
import { jsonError, withIdentity } from '@/server/http/route';

export const dynamic = 'force-dynamic';

export const GET = withIdentity<{ params: Promise<{ id: string }> }>(async (_request, { params, identity, runtime }) => {
  const { id } = await params;
  const conversation = z.uuid().safeParse(id).success ? await findOwnConversation(runtime.db, identity.userId, id) : null;
  if (!conversation) return jsonError(404, 'not_found', 'No such conversation of yours.');
  return Response.json({ conversation, turns: await listTurns(runtime.db, conversation.id) });
});
