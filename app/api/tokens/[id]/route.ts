import { z } from 'zod';
import { revokeApiToken } from '@/server/auth/api-tokens';
import { jsonError, withIdentity } from '@/server/http/route';

export const dynamic = 'force-dynamic';

export const DELETE = withIdentity<{ params: Promise<{ id: string }> }>(async (_request, { params, identity, runtime }) => {
  const { id } = await params;
  const revoked = z.uuid().safeParse(id).success && (await revokeApiToken(runtime.db, identity.userId, id));
  return revoked ? new Response(null, { status: 204 }) : jsonError(404, 'not_found', 'No such token of yours.');
});
