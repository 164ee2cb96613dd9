import { historyListParams } from '@/server/history/params';
import { readQuery, withIdentity } from '@/server/http/route';
import { listHistory } from '@/server/store/history';

export const dynamic = 'force-dynamic';

/** The caller's conversations, newest first, a page at a time (README, "API"). */
export const GET = withIdentity(async (request, { identity, runtime }) => {
  const query = readQuery(request, historyListParams);
  if (!query.ok) return query.response;
  return Response.json(await listHistory(runtime.db, identity.userId, query.value));
});
