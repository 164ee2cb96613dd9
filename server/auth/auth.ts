/** better-auth: email + password accounts and cookie sessions, stored through drizzle. */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { accounts, sessions, users, verifications } from '../../lib/db/schema';
import type { Config } from '../config';
import type { Database } from '../store/database';
import { CLIENT_ADDRESS_HEADER } from '../http/client-address';

export function createAuth(db: Database, config: Config, secret: string) {
  return betterAuth({
    appName: 'Parley',
    baseURL: config.publicUrl,
    secret,
    trustedOrigins: [new URL(config.publicUrl).origin],
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    // Password guessing is slowed per client address; other auth calls get a generous limit.
    rateLimit: {
      enabled: config.env !== 'development',
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/email': { window: 60, max: config.authRateLimit },
        '/sign-up/email': { window: 60, max: config.authRateLimit },
      },
    },
    // The client's address, for the limits above and each session's ipAddress, is the one
    // server/main.ts worked out from the socket and TRUST_PROXY; never X-Forwarded-For as sent.
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * AUTH_SECRET when configured; otherwise one generated at first start and kept in DATA_DIR,
 * so the embedded default needs no configuration and sessions survive restarts.
 */
export function resolveAuthSecret(config: Config): string {
  if (config.authSecret) return config.authSecret;
  const file = path.join(config.dataDir, 'auth-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
