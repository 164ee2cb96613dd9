/**
 * Built-in HTTPS with TLS=self-signed: the server generates a certificate into its data
 * directory and serves pages, the API and /ws over it (verified against that certificate, not
 * with verification turned off); HSTS is sent since PUBLIC_URL is https; a restart on the same
 * data directory keeps the certificate.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort, startServer, type RunningServer } from '../testing/server-process';

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function request(url: string, ca: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = https.request(url, { method: options.method ?? 'GET', ca, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

it('serves pages, sign-up and a voice session over https with the generated certificate, and keeps it', async () => {
  const port = await freePort();
  const publicUrl = `https://localhost:${port}`;
  const env = { TLS: 'self-signed', PUBLIC_URL: publicUrl };
  server = await startServer({ port, env });
  const certFile = path.join(server.dataDir, 'tls', 'self-signed-cert.pem');
  const ca = fs.readFileSync(certFile, 'utf8');
  expect(new X509Certificate(ca).checkHost('localhost')).toBe('localhost');

  // Plain HTTP is not served on that port.
  await expect(fetch(`http://localhost:${port}/healthz`)).rejects.toThrow();
  // A client that does not know the certificate refuses it: it is verified, not waved through.
  await expect(request(`${publicUrl}/healthz`, '')).rejects.toThrow(/self-signed|certificate/i);

  expect((await request(`${publicUrl}/healthz`, ca)).status).toBe(200);
  const page = await request(`${publicUrl}/sign-in`, ca);
  expect(page.status).toBe(200);
  expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
  expect(String(page.headers['content-security-policy'])).toContain(`wss://localhost:${port}`);

  const signUp = await request(`${publicUrl}/api/auth/sign-up/email`, ca, {
    method: 'POST',
    body: { email: `tls-${port}@example.com`, password: 'a long enough password', name: 'TLS Person' },
    headers: { origin: publicUrl },
  });
  expect(signUp.status).toBe(200);
  const cookie = ([] as string[]).concat(signUp.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Secure-better-auth.session_token=') || c.startsWith('better-auth.session_token='));
  expect(cookie).toBeDefined();

  const ws = new WebSocket(`wss://localhost:${port}/ws`, { ca, origin: publicUrl, headers: { cookie: cookie!.split(';')[0] } });
  const ready = await new Promise<{ type: string; conversationId: string }>((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  expect(ready.type).toBe('session.ready');
  ws.close();

  // The certificate is kept in the data directory: a restart serves the same one.
  const fingerprint = new X509Certificate(ca).fingerprint256;
  const dataDir = server.dataDir;
  await server.stop();
  server = await startServer({ port, env, dataDir });
  expect(new X509Certificate(fs.readFileSync(certFile, 'utf8')).fingerprint256).toBe(fingerprint);
  expect((await request(`${publicUrl}/healthz`, ca)).status).toBe(200);
}, 240_000);
