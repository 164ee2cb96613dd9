/**
 * What an operator sees of a real server: /metrics (only with METRICS_TOKEN) moving with a
 * spoken turn, and the log, one JSON object a line, naming the conversation and never what was
 * said or anyone's credentials. Its own server, so that the counts are this file's alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractClient } from './testing/contract-client';
import { startServer, type RunningServer } from './testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from './testing/test-speech';
import { createToken, signUp, type TestUser } from './testing/users';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let server: RunningServer;
let person: TestUser;

beforeAll(async () => {
  // On the same kind of database as the shared test server.
  const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
  server = await startServer({ env: { METRICS_TOKEN, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } });
  person = await signUp(server.url, 'Observed');
});
afterAll(async () => {
  await server?.stop();
  closeSpeechEngines();
});

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return samples(await response.text());
}

/** Prometheus text → `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

const metric = async (key: string) => (await scrape()).get(key) ?? 0;

describe('/metrics', () => {
  it('is refused (401) without the right bearer token', async () => {
    for (const authorization of [undefined, `Bearer ${METRICS_TOKEN}x`, 'Bearer short', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`, METRICS_TOKEN]) {
      const response = await fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.json()).toEqual({ error: { code: 'unauthenticated', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' } });
    }
  });

  it('serves Prometheus text with the named series and the process metrics', async () => {
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const [name, type] of [
      ['parley_active_sessions', 'gauge'],
      ['parley_turns_total', 'counter'],
      ['parley_stt_latency_seconds', 'histogram'],
      ['parley_agent_latency_seconds', 'histogram'],
      ['parley_tts_latency_seconds', 'histogram'],
      ['parley_voice_to_voice_seconds', 'histogram'],
      ['parley_errors_total', 'counter'],
      ['process_cpu_user_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
  });

  it('moves with a session, a bad frame and a spoken turn', async () => {
    const before = await scrape();
    const client = await ContractClient.connect(server.url, { cookie: person.cookie });
    await client.next('session.ready');
    expect(await metric('parley_active_sessions')).toBe((before.get('parley_active_sessions') ?? 0) + 1);

    client.send('not json');
    await client.next('error', (e) => e.code === 'invalid_json');
    await expect.poll(() => metric('parley_errors_total{code="invalid_json"}')).toBe((before.get('parley_errors_total{code="invalid_json"}') ?? 0) + 1);

    await client.speak('ask', await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 200, trailingSilenceMs: 200 }), { realtime: true });
    await client.next('agent.audio.end', (e) => e.reason === 'completed', { timeoutMs: 60_000 });
    await expect.poll(() => metric('parley_turns_total{role="agent"}'), { timeout: 30_000 }).toBe((before.get('parley_turns_total{role="agent"}') ?? 0) + 1);
    const after = await scrape();
    const grew = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect(grew('parley_turns_total{role="user"}')).toBe(1);
    for (const stage of ['stt_latency', 'agent_latency', 'tts_latency', 'voice_to_voice']) {
      expect(grew(`parley_${stage}_seconds_count`), stage).toBe(1);
      expect(grew(`parley_${stage}_seconds_sum`), stage).toBeGreaterThanOrEqual(0);
      expect(grew(`parley_${stage}_seconds_bucket{le="+Inf"}`), stage).toBe(1);
    }
    expect(grew('parley_voice_to_voice_seconds_sum')).toBeGreaterThan(0);

    await client.close();
    await expect.poll(() => metric('parley_active_sessions')).toBe(before.get('parley_active_sessions') ?? 0);
  });
});

describe('the log', () => {
  it('is one JSON object a line, names the conversation, and holds no credentials or words', async () => {
    const { token } = await createToken(server.url, person);
    const client = await ContractClient.connect(server.url, { token });
    const { conversationId } = await client.next('session.ready');
    await client.speak('ask', await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 200, trailingSilenceMs: 200 }), { realtime: true });
    const transcript = (await client.next('transcript.final', (f) => f.utteranceId === 'ask', { timeoutMs: 60_000 })).text;
    const reply = (await client.next('agent.text', (t) => t.final, { timeoutMs: 60_000 })).text;
    await client.next('agent.audio.end', (e) => e.reason === 'completed', { timeoutMs: 60_000 });
    await client.close();
    // The reply's turn may be written after the socket closed.
    const sessionMessages = () => server.logRecords().filter((r) => r.conversationId === conversationId).map((r) => r.msg).sort();
    await expect.poll(sessionMessages, { timeout: 30_000 }).toEqual(['session closed', 'session opened', 'turn stored', 'turn stored']);

    const lines = server.stdoutLines();
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record, line).toMatchObject({ level: expect.any(Number), time: expect.any(String), msg: expect.any(String) });
    }
    const stored = server.logRecords().filter((r) => r.conversationId === conversationId && r.msg === 'turn stored');
    expect(stored.map((r) => r.role)).toEqual(['user', 'agent']);
    expect(stored[0].sttLatencyMs).toEqual(expect.any(Number));
    expect(stored[1].voiceToVoiceMs).toEqual(expect.any(Number));

    const log = lines.join('\n');
    const sessionToken = person.cookie.slice(person.cookie.indexOf('=') + 1);
    expect(transcript).toMatch(/twelve times seven/);
    expect(reply).toMatch(/84/);
    for (const secret of [sessionToken, decodeURIComponent(sessionToken), person.password, token, METRICS_TOKEN, transcript, reply]) {
      expect(log).not.toContain(secret);
    }
  });
});
