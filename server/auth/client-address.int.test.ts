/**
 * Whose address counts for the sign-in limit and goes on the session: the TCP peer's, unless
 * TRUST_PROXY says which proxies may speak for the client in X-Forwarded-For.
 *
 * Each test connects from its own loopback address (127.0.0.x), so each is a different real
 * client with its own rate-limit buckets, on a server of its own with a small AUTH_RATE_LIMIT.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../testing/server-process';

const LIMIT = 5;

interface Reply {
  status: number;
  body: unknown;
  cookie: string | undefined;
}

/** One request to the server from a chosen local address, with whatever headers a client likes. */
function request(
  server: RunningServer,
  from: string,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        localAddress: from,
        method,
        path,
        headers: {
          origin: server.url,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const cookie = (res.headers['set-cookie'] ?? [])
            .find((c) => c.startsWith('better-auth.session_token='))
            ?.split(';')[0];
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body, cookie });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function newAccount() {
  return { email: `person-${crypto.randomUUID().slice(0, 8)}@example.com`, password: `pw-${crypto.randomUUID()}`, name: 'Person' };
}

const signUp = (server: RunningServer, from: string, account: ReturnType<typeof newAccount>, headers: Record<string, string> = {}) =>
  request(server, from, 'POST', '/api/auth/sign-up/email', { body: account, headers });

const signIn = (server: RunningServer, from: string, email: string, password: string, headers: Record<string, string> = {}) =>
  request(server, from, 'POST', '/api/auth/sign-in/email', { body: { email, password }, headers });

async function sessionAddress(server: RunningServer, cookie: string | undefined): Promise<unknown> {
  expect(cookie).toBeDefined();
  const reply = await request(server, '127.0.0.1', 'GET', '/api/auth/get-session', { headers: { cookie: cookie! } });
  expect(reply.status).toBe(200);
  return (reply.body as { session: { ipAddress: unknown } }).session.ipAddress;
}

/** A different documentation address (RFC 5737) every call: what a forger sends. */
let forgeries = 0;
const forged = () => `203.0.113.${++forgeries % 250}`;

describe('without TRUST_PROXY: the connecting address counts, whatever X-Forwarded-For says', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { AUTH_RATE_LIMIT: String(LIMIT) } });
  });
  afterAll(() => server?.stop());

  it('answers 429 after AUTH_RATE_LIMIT guesses, each with a new forged X-Forwarded-For', async () => {
    const from = '127.0.0.11';
    const account = newAccount();
    expect((await signUp(server, from, account)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      statuses.push((await signIn(server, from, account.email, `wrong-${i}`, { 'x-forwarded-for': forged() })).status);
    }
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429]);
    // Locked out for the rest of the minute, right password or not.
    expect((await signIn(server, from, account.email, account.password, { 'x-forwarded-for': forged() })).status).toBe(429);
  });

  it('records the connecting address on the session, not a forged X-Forwarded-For', async () => {
    const from = '127.0.0.12';
    const account = newAccount();
    const signedUp = await signUp(server, from, account, { 'x-forwarded-for': '198.51.100.7' });
    expect(signedUp.status).toBe(200);
    expect(await sessionAddress(server, signedUp.cookie)).toBe(from);
    const signedIn = await signIn(server, from, account.email, account.password, { 'x-forwarded-for': '198.51.100.8' });
    expect(signedIn.status).toBe(200);
    expect(await sessionAddress(server, signedIn.cookie)).toBe(from);
  });

  it('ignores a client-sent copy of the internal address header', async () => {
    const from = '127.0.0.16';
    const account = newAccount();
    const signedUp = await signUp(server, from, account, { 'x-parley-client-address': '198.51.100.9' });
    expect(signedUp.status).toBe(200);
    expect(await sessionAddress(server, signedUp.cookie)).toBe(from);
  });

  it('keeps one client exhausting its limit from locking out another, with two-entry headers', async () => {
    const attacker = '127.0.0.13';
    const victim = '127.0.0.14';
    const account = newAccount();
    expect((await signUp(server, victim, account)).status).toBe(200);
    for (let i = 0; i < LIMIT + 1; i++) {
      await signIn(server, attacker, account.email, `wrong-${i}`, { 'x-forwarded-for': `${forged()}, 198.51.100.1` });
    }
    expect((await signIn(server, attacker, account.email, 'wrong', { 'x-forwarded-for': `${forged()}, 198.51.100.1` })).status).toBe(429);
    expect((await signIn(server, victim, account.email, account.password, { 'x-forwarded-for': `${forged()}, 198.51.100.2` })).status).toBe(200);
  });

  // Sign-up says when an email is taken (README: "Accounts"); what bounds that is this limit.
  it('says an email is registered at most AUTH_RATE_LIMIT times a minute per address, forged headers or not', async () => {
    const account = newAccount();
    expect((await signUp(server, '127.0.0.15', account)).status).toBe(200);
    const from = '127.0.0.17';
    const replies: Reply[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      replies.push(await signUp(server, from, { ...account, password: `guess-${crypto.randomUUID()}` }, { 'x-forwarded-for': forged() }));
    }
    expect(replies.map((r) => r.status)).toEqual([...Array<number>(LIMIT).fill(422), 429]);
    expect(replies[0].body).toMatchObject({ code: 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL' });
    expect(replies[0].cookie).toBeUndefined();
  });
});

describe('TRUST_PROXY=1: the right-most X-Forwarded-For entry, written by the one proxy, counts', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { AUTH_RATE_LIMIT: String(LIMIT), TRUST_PROXY: '1' } });
  });
  afterAll(() => server?.stop());

  it('gives each right-most address its own bucket and ignores the forged part on its left', async () => {
    const proxy = '127.0.0.21';
    const account = newAccount();
    expect((await signUp(server, proxy, account, { 'x-forwarded-for': '192.0.2.99' })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      const reply = await signIn(server, proxy, account.email, `wrong-${i}`, { 'x-forwarded-for': `${forged()}, 192.0.2.10` });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429]);
    // Another client behind the same proxy still signs in.
    const other = await signIn(server, proxy, account.email, account.password, { 'x-forwarded-for': `192.0.2.10, 192.0.2.11` });
    expect(other.status).toBe(200);
  });

  it('records the right-most entry on the session, and the peer when there is no header', async () => {
    const proxy = '127.0.0.22';
    const account = newAccount();
    const signedUp = await signUp(server, proxy, account, { 'x-forwarded-for': '198.51.100.9, 192.0.2.20' });
    expect(signedUp.status).toBe(200);
    expect(await sessionAddress(server, signedUp.cookie)).toBe('192.0.2.20');
    const direct = await signIn(server, proxy, account.email, account.password);
    expect(direct.status).toBe(200);
    expect(await sessionAddress(server, direct.cookie)).toBe(proxy);
  });
});
