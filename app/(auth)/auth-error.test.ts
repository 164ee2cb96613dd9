import { describe, expect, it } from 'vitest';
import { authErrorMessage } from './auth-error';

describe('authErrorMessage', () => {
  it('sends someone signing up with a registered email to sign in', () => {
    const reply = { status: 422, code: 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', message: 'User already exists. Use another email.' };
    expect(authErrorMessage('sign-up', reply)).toEqual({
      text: 'There is already an account with this email. Sign in instead, or use another email.',
      offerSignIn: true,
    });
  });

  it('says plainly when the rate limit is reached, and when to try again', () => {
    const reply = { status: 429, message: 'Too many requests. Please try again later.' };
    expect(authErrorMessage('sign-in', reply)).toEqual({ text: expect.stringMatching(/wait a minute/i), offerSignIn: false });
    expect(authErrorMessage('sign-up', reply).text).toMatch(/wait a minute/i);
  });

  it("passes better-auth's own message on otherwise", () => {
    const reply = { status: 401, code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' };
    expect(authErrorMessage('sign-in', reply)).toEqual({ text: 'Invalid email or password', offerSignIn: false });
    expect(authErrorMessage('sign-in', { status: 500 }).text).toBe('That did not work; please try again.');
  });
});
