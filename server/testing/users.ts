/** Signing people up and in against a running server, as the browser would. */
import crypto from 'node:crypto';

export interface TestUser {
  email: string;
  password: string;
  /** The `Cookie` header value of a signed-in session. */
  cookie: string;
  userId: string;
}

export async function signUp(baseUrl: string, name = 'Test Person'): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${crypto.randomUUID()}`;
  const response = await fetch(`${baseUrl}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(baseUrl).origin },
    body: JSON.stringify({ email, password, name }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string } };
  return { email, password, cookie: sessionCookie(response), userId: body.user.id };
}

function sessionCookie(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('better-auth.session_token='));
  if (!cookie) throw new Error('no session cookie in the response');
  return cookie.split(';')[0];
}

/** Creates a personal API token through the JSON API, as the settings page does. */
export async function createToken(baseUrl: string, user: TestUser, name = 'test client'): Promise<{ token: string; id: string }> {
  const response = await fetch(`${baseUrl}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: user.cookie, origin: new URL(baseUrl).origin },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`token creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; id: string };
}
