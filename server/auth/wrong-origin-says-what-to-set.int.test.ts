/**
 * Signing up or in from an origin other than PUBLIC_URL's (here: the server's address instead
 * of its name) is refused with what to set, instead of better-auth's "Invalid origin".
 */
import { expect, inject, it } from 'vitest';

it.each(['sign-up', 'sign-in'])('%s from another origin says to set PUBLIC_URL to it', async (action) => {
  const url = inject('serverUrl');
  const other = url.replace('localhost', '127.0.0.1');
  const response = await fetch(`${other}/api/auth/${action}/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: other },
    body: JSON.stringify({ email: `origin-${action}@example.com`, password: 'a long enough password', name: 'Origin' }),
  });
  expect(response.status).toBe(403);
  expect(response.headers.getSetCookie()).toEqual([]);
  const body = (await response.json()) as { code: string; message: string };
  expect(body.code).toBe('ORIGIN_IS_NOT_PUBLIC_URL');
  expect(body.message).toContain(`set PUBLIC_URL=${other}`);
  expect(body.message).toContain(`Open ${url} instead`);
  expect(body.message).not.toMatch(/Invalid origin/i);
});

it('the same request from PUBLIC_URL goes through', async () => {
  const url = inject('serverUrl');
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email: `origin-ok-${Date.now()}@example.com`, password: 'a long enough password', name: 'Origin' }),
  });
  expect(response.status).toBe(200);
});
