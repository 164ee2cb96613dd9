/**
 * Personal API tokens for clients that cannot hold a browser session.
 * Tokens carry 256 random bits, so a plain SHA-256 is a safe way to store them (a slow
 * password hash guards low-entropy secrets; these are not): the database never holds one.
 */
import crypto from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { apiTokens } from '../../lib/db/schema';
import type { Database } from '../store/database';

const TOKEN_PREFIX = 'prl_';

export interface ApiTokenSummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

const summaryColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
};

/** Creates a token; the plain token is returned this once and never again. */
export async function createApiToken(db: Database, userId: string, name: string) {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) })
    .returning(summaryColumns);
  return { token, summary: row as ApiTokenSummary };
}

export async function listApiTokens(db: Database, userId: string): Promise<ApiTokenSummary[]> {
  return db
    .select(summaryColumns)
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the user's own tokens; false when there is no such token of theirs. */
export async function revokeApiToken(db: Database, userId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(apiTokens)
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId)))
    .returning({ id: apiTokens.id });
  return deleted.length > 0;
}

/** The owner of a presented token, or null. Records when it was last used. */
export async function verifyApiToken(db: Database, token: string): Promise<string | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const [row] = await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .returning({ userId: apiTokens.userId });
  return row?.userId ?? null;
}
