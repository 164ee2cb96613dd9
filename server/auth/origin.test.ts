/** A sign-in from an origin other than PUBLIC_URL's says what to set. */
import { describe, expect, it } from 'vitest';
import { WRONG_ORIGIN_CODE, wrongOriginResponse } from './origin';

const post = (origin?: string) =>
  new Request('http://parley.test/api/auth/sign-in/email', { method: 'POST', headers: origin === undefined ? {} : { origin } });

describe('wrongOriginResponse', () => {
  it('lets requests from PUBLIC_URL, and without an Origin, go on to better-auth', () => {
    expect(wrongOriginResponse(post('https://parley.example.com'), 'https://parley.example.com/')).toBeNull();
    expect(wrongOriginResponse(post(), 'https://parley.example.com')).toBeNull();
    expect(wrongOriginResponse(new Request('http://x/api/auth/get-session', { headers: { origin: 'http://other' } }), 'https://parley.example.com')).toBeNull();
  });

  it('names the origin used and the variable to set', async () => {
    const response = wrongOriginResponse(post('http://192.168.1.20:3000'), 'http://localhost:3000')!;
    expect(response.status).toBe(403);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe(WRONG_ORIGIN_CODE);
    expect(body.message).toContain('PUBLIC_URL=http://192.168.1.20:3000');
    expect(body.message).toContain('Open http://localhost:3000 instead');
  });

  it('does not suggest an origin that is not one (a sandboxed frame sends "null")', async () => {
    const body = (await wrongOriginResponse(post('null'), 'http://localhost:3000')!.json()) as { message: string };
    expect(body.message).not.toContain('PUBLIC_URL=');
    expect(body.message).toContain('Open http://localhost:3000');
  });
});
