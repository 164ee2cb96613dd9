import { titleBody } from '@/server/history/params';
import { readJson, withIdentity } from '@/server/http/route';
import { deleteConversation, renameConversation } from '@/server/store/conversations';
import { findConversationSummary, listStoredTurns } from '@/server/store/history';
import { notFound, ownConversation } from './own-conversation';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string }> };

/** One conversation with its turns. */
export const GET = withIdentity<Params>(async (_request, { params, identity, runtime }) => {
  const own = await ownConversation(runtime.db, identity.userId, (await params).id);
  if (!own.ok) return own.response;
  return Response.json({ conversation: own.conversation, turns: await listStoredTurns(runtime.db, own.conversation.id) });
});

/** Renames it: `{ "title": "…" }`. */
export const PATCH = withIdentity<Params>(async (request, { params, identity, runtime }) => {
  const own = await ownConversation(runtime.db, identity.userId, (await params).id);
  if (!own.ok) return own.response;
  const body = await readJson(request, titleBody);
  if (!body.ok) return body.response;
  if (!(await renameConversation(runtime.db, identity.userId, own.conversation.id, body.value.title))) return notFound();
  const conversation = await findConversationSummary(runtime.db, identity.userId, own.conversation.id);
  return conversation ? Response.json({ conversation }) : notFound();
});

/** Deletes it and its turns; it can no longer be continued. */
export const DELETE = withIdentity<Params>(async (_request, { params, identity, runtime }) => {
  const own = await ownConversation(runtime.db, identity.userId, (await params).id);
  if (!own.ok) return own.response;
  if (!(await deleteConversation(runtime.db, identity.userId, own.conversation.id))) return notFound();
  return new Response(null, { status: 204 });
});
