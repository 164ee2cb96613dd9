/** Who is asking: a browser session cookie, or `Authorization: Bearer <personal API token>`. */
import type { Auth } from './auth';
import type { Database } from '../store/database';
import { verifyApiToken } from './api-tokens';

export interface Identity {
  userId: string;
  via: 'session' | 'token';
}

export async function identify(
  deps: { auth: Auth; db: Database },
  headers: Headers,
): Promise<Identity | null> {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    // A client that presents a token means it: a bad token is a refusal, not a cookie fallback.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const userId = match ? await verifyApiToken(deps.db, match[1]) : null;
    return userId ? { userId, via: 'token' } : null;
  }
  const session = await deps.auth.api.getSession({ headers });
  return session ? { userId: session.user.id, via: 'session' } : null;
}
