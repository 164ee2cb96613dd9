/**
 * The security headers of every HTTP answer, set by the custom server before Next handles the
 * request: one place for pages, route handlers, static files and the operations endpoints,
 * with the validated configuration (PUBLIC_URL) at hand.
 *
 * The Content-Security-Policy carries a fresh nonce per request. Next reads it from the
 * request's own Content-Security-Policy header and puts it on every script it renders (pages
 * are rendered per request for that: app/layout.tsx), so only Next's scripts run.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config';

export function contentSecurityPolicy(options: { nonce: string; publicUrl: string; development: boolean }): string {
  const { nonce, development } = options;
  const publicUrl = new URL(options.publicUrl);
  const https = publicUrl.protocol === 'https:';
  const socketOrigin = `${https ? 'wss' : 'ws'}://${publicUrl.host}`;
  const directives = [
    "default-src 'self'",
    // blob: for the talk page's AudioWorklet modules, which it builds from its own code
    // (app/(app)/talk/worklets.ts); only a script already running can make a blob: URL.
    // Development: React's debugging aids use eval.
    `script-src 'self' 'nonce-${nonce}' blob:${development ? " 'unsafe-eval'" : ''}`,
    // Development: hot reloading injects styles without the nonce.
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    // style="" attributes in server-rendered HTML (React's style prop, Next's error pages); they
    // cannot run code or load anything that img-src and font-src (default-src) do not allow.
    "style-src-attr 'unsafe-inline'",
    // 'self' covers the same origin over ws(s) in current browsers; the origin is spelt out for the others.
    `connect-src 'self' ${socketOrigin}`,
    // Kept recordings play straight from their route (/api/conversations/:id/turns/:turnId/audio):
    // our origin only, no blob: or data: audio (default-src says as much; spelt out for readers).
    "media-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** The headers that do not change from one request to the next. */
export function fixedSecurityHeaders(publicUrl: string): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    // The microphone for our own pages only; nothing else a page could ask for.
    'Permissions-Policy': 'microphone=(self), camera=(), geolocation=(), payment=(), usb=()',
    // For browsers without CSP frame-ancestors.
    'X-Frame-Options': 'DENY',
    ...(new URL(publicUrl).protocol === 'https:' ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  };
}

/** Sets the headers on `res`, and the nonce's policy on `req` for Next to find. */
export function createSecurityHeaders(config: Pick<Config, 'publicUrl' | 'env'>): (req: IncomingMessage, res: ServerResponse) => void {
  const fixed = Object.entries(fixedSecurityHeaders(config.publicUrl));
  return (req, res) => {
    const policy = contentSecurityPolicy({ nonce: randomBytes(16).toString('base64'), publicUrl: config.publicUrl, development: config.env === 'development' });
    // Whatever the client sent under this name is replaced: Next must only ever see our nonce.
    req.headers['content-security-policy'] = policy;
    delete req.headers['content-security-policy-report-only'];
    res.setHeader('Content-Security-Policy', policy);
    for (const [name, value] of fixed) res.setHeader(name, value);
    // The JSON API answers for whoever asks: no cache may keep them (pages: app/layout.tsx).
    if (req.url?.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
  };
}
