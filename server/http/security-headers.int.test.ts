/**
 * The security headers on the real server's pages and API answers, a fresh nonce on every
 * page (the one Next put on its scripts), no page kept by shared caches, and HSTS once Parley
 * is reached over https. That a browser enforces them: e2e/security-headers.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, type RunningServer } from '../testing/server-process';
import { signUp, type TestUser } from '../testing/users';

const baseUrl = inject('serverUrl');
let person: TestUser;

beforeAll(async () => {
  person = await signUp(baseUrl, 'Headers');
});

function expectSecurityHeaders(response: Response) {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' blob:; /);
  expect(csp).toContain(`connect-src 'self' ws://${new URL(baseUrl).host}`);
  for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"]) expect(csp).toContain(directive);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(response.headers.get('permissions-policy')).toMatch(/^microphone=\(self\), camera=\(\)/);
  expect(response.headers.get('strict-transport-security')).toBeNull(); // plain http here
}

const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1];

describe('security headers', () => {
  it('are on every page, with a fresh nonce that every script of the page carries', async () => {
    const seen = new Set<string>();
    for (const [path, headers] of [
      ['/sign-in', {}],
      ['/sign-up', {}],
      ['/talk', { cookie: person.cookie }],
      ['/conversations', { cookie: person.cookie }],
      ['/settings', { cookie: person.cookie }],
    ] as const) {
      const response = await fetch(`${baseUrl}${path}`, { headers, redirect: 'manual' });
      expect(response.status, path).toBe(200);
      expectSecurityHeaders(response);
      const nonce = nonceOf(response)!;
      seen.add(nonce);
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const script of scripts) expect(script, path).toContain(`nonce="${nonce}"`);
    }
    expect(seen.size).toBe(5);
  });

  it('ignore a policy the client sends: Next only ever sees our nonce', async () => {
    const response = await fetch(`${baseUrl}/sign-in`, { headers: { 'content-security-policy': "script-src 'nonce-chosenByTheClient'" } });
    const html = await response.text();
    expect(html).not.toContain('chosenByTheClient');
    expect(html).toContain(`nonce="${nonceOf(response)}"`);
  });

  it('are on API answers, which no cache may keep', async () => {
    for (const response of [
      await fetch(`${baseUrl}/api/conversations`),
      await fetch(`${baseUrl}/api/conversations`, { headers: { cookie: person.cookie } }),
      await fetch(`${baseUrl}/api/conversations/00000000-0000-4000-8000-000000000000`, { headers: { cookie: person.cookie } }),
    ]) {
      expectSecurityHeaders(response);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('keep / and /sign-in out of shared caches, like every page', async () => {
    for (const [path, status] of [
      ['/', 307],
      ['/sign-in', 200],
      ['/no-such-page', 404],
    ] as const) {
      const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(status);
      const cacheControl = response.headers.get('cache-control') ?? '';
      expect(cacheControl, path).toMatch(/\bprivate\b/);
      expect(cacheControl, path).toMatch(/\bno-store\b/);
      expect(cacheControl, path).not.toMatch(/s-maxage|public/);
      expectSecurityHeaders(response);
    }
  });
});

describe('behind https', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { PUBLIC_URL: 'https://parley.example.com' } });
  });
  afterAll(() => server?.stop());

  it('adds HSTS, a wss: socket and upgrade-insecure-requests', async () => {
    const response = await fetch(`${server.url}/sign-in`);
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' wss://parley.example.com;");
    expect(csp).toMatch(/; upgrade-insecure-requests$/);
  });
});
