/**
 * /healthz and /readyz of the real server, for anyone and revealing nothing; /metrics does not
 * exist on it, since it runs without METRICS_TOKEN (server/observability.int.test.ts has one).
 */
import { describe, expect, inject, it } from 'vitest';

const baseUrl = inject('serverUrl');

describe('health and readiness', () => {
  it('/healthz answers 200 to anyone, and says nothing but that', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${baseUrl}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('/readyz answers 200 once the database answers and the engines are warm', async () => {
    // Right after start the engines may still be warming up: then it is 503 with that reason.
    const first = await fetch(`${baseUrl}/readyz`);
    if (first.status === 503) expect(await first.json()).toEqual({ status: 'not ready', reason: 'The speech engines are still warming up.' });
    await expect.poll(async () => (await fetch(`${baseUrl}/readyz`)).status, { timeout: 60_000 }).toBe(200);
    expect(await (await fetch(`${baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('takes only GET and HEAD', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST' });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('has no /metrics without METRICS_TOKEN: 404, with or without a token', async () => {
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer anything-at-all-here' } })).status).toBe(404);
  });
});
