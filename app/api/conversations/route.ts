import { listConversations } from '@/server/store/conversations';
import { withIdentity } from '@/server/http/route';

export const dynamic = 'force-dynamic';

export const GET = withIdentity(async (_request, { identity, runtime }) => {
  return Response.json({ conversations: await listConversations(runtime.db, identity.userId) });
});
