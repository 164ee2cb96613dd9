import { exportConversation } from '@/server/history/export';
import { exportParams } from '@/server/history/params';
import { readQuery, withIdentity } from '@/server/http/route';
import { listStoredTurns } from '@/server/store/history';
import { listConversationAudio } from '@/server/store/turn-audio';
import { ownConversation } from '../own-conversation';

export const dynamic = 'force-dynamic';

/** The conversation as a file: `?format=json` (the default; docs/history-export.md; with the kept recordings) or `markdown`. */
export const GET = withIdentity<{ params: Promise<{ id: string }> }>(async (request, { params, identity, runtime }) => {
  const own = await ownConversation(runtime.db, identity.userId, (await params).id);
  if (!own.ok) return own.response;
  const query = readQuery(request, exportParams);
  if (!query.ok) return query.response;
  const turns = await listStoredTurns(runtime.db, own.conversation.id);
  // The recordings themselves only where the file carries them.
  const audio = query.value.format === 'json' && turns.some((t) => t.audio) ? await listConversationAudio(runtime.db, own.conversation.id) : undefined;
  const file = exportConversation({ conversation: own.conversation, turns }, query.value.format, new Date(), audio);
  return new Response(file.body, {
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'private, no-store',
    },
  });
});
