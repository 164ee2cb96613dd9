/** The policy and headers as built for each kind of deployment (the server's answers: security-headers.int.test.ts). */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, fixedSecurityHeaders } from './security-headers';

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.slice(d.indexOf(' ') + 1)]));

describe('the Content-Security-Policy', () => {
  it('allows our own origin, its socket and nonced scripts, and nothing else', () => {
    const policy = directives(contentSecurityPolicy({ nonce: 'abc123==', publicUrl: 'http://localhost:3000', development: false }));
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': "'self'",
      'script-src': "'self' 'nonce-abc123==' blob:",
      'style-src': "'self' 'nonce-abc123=='",
      'style-src-attr': "'unsafe-inline'",
      'connect-src': "'self' ws://localhost:3000",
      'media-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
  });

  it('behind https: the socket is wss and nothing is loaded over http', () => {
    const policy = directives(contentSecurityPolicy({ nonce: 'n', publicUrl: 'https://parley.example.com', development: false }));
    expect(policy.get('connect-src')).toBe("'self' wss://parley.example.com");
    expect(policy.has('upgrade-insecure-requests')).toBe(true);
  });

  it('in development allows what hot reloading and React debugging need', () => {
    const policy = directives(contentSecurityPolicy({ nonce: 'n', publicUrl: 'http://localhost:3000', development: true }));
    expect(policy.get('script-src')).toBe("'self' 'nonce-n' blob: 'unsafe-eval'");
    expect(policy.get('style-src')).toBe("'self' 'unsafe-inline'");
  });
});

describe('the other headers', () => {
  it('send HSTS only when people reach Parley over https', () => {
    expect(fixedSecurityHeaders('http://localhost:3000')['Strict-Transport-Security']).toBeUndefined();
    expect(fixedSecurityHeaders('https://parley.example.com')['Strict-Transport-Security']).toBe('max-age=31536000');
    expect(fixedSecurityHeaders('https://parley.example.com')).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Permissions-Policy': expect.stringMatching(/^microphone=\(self\), /),
    });
  });
});
