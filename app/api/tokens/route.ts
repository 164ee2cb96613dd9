import { z } from 'zod';
import { createApiToken, listApiTokens } from '@/server/auth/api-tokens';
import { jsonError, readJson, withIdentity } from '@/server/http/route';

export const dynamic = 'force-dynamic';

export const GET = withIdentity(async (_request, { identity, runtime }) => {
  return Response.json({ tokens: await listApiTokens(runtime.db, identity.userId) });
});

const createTokenBody = z.object({
  name: z.string({ error: 'name must be a string' }).trim().min(1, 'give the token a name, e.g. "my laptop"').max(100, 'at most 100 characters'),
});

export const POST = withIdentity(async (request, { identity, runtime }) => {
  // Minting credentials needs the person: a token may not make more tokens.
  if (identity.via !== 'session') return jsonError(403, 'session_required', 'Create API tokens from the settings page while signed in.');
  const body = await readJson(request, createTokenBody);
  if (!body.ok) return body.response;
  const { token, summary } = await createApiToken(runtime.db, identity.userId, body.value.name);
  return Response.json({ token, ...summary }, { status: 201 });
});
