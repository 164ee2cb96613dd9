/**
 * /ws against the real production server: who may connect, which conversations they reach,
 * and rule 4 (bad input never kills the session) for every class of malformed frame.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ContractClient, UpgradeRefused } from '../testing/contract-client';
import { createToken, signUp, type TestUser } from '../testing/users';
import { encodeAudioChunk } from '../../lib/audio/pcm';

const baseUrl = inject('serverUrl');
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([signUp(baseUrl, 'Alice'), signUp(baseUrl, 'Bob')]);
});

async function refusal(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

const silence = (ms: number) => new Int16Array((ms * 16000) / 1000);

describe('who may open /ws', () => {
  it('refuses an unauthenticated upgrade with 401', async () => {
    expect(await refusal(ContractClient.connect(baseUrl))).toBe(401);
    expect(await refusal(ContractClient.connect(baseUrl, { cookie: 'better-auth.session_token=forged.value' }))).toBe(401);
    expect(await refusal(ContractClient.connect(baseUrl, { token: 'prl_not-a-real-token' }))).toBe(401);
  });

  it('refuses a session cookie sent from another site', async () => {
    expect(await refusal(ContractClient.connect(baseUrl, { cookie: alice.cookie, origin: 'https://evil.example' }))).toBe(401);
  });

  it('starts a new conversation with session.ready, and continues one of the caller\'s own', async () => {
    const first = await ContractClient.connect(baseUrl, { cookie: alice.cookie });
    const ready = await first.next('session.ready');
    expect(ready).toMatchObject({ protocol: 1, audio: { encoding: 'pcm_s16le', sampleRate: 16000, channels: 1 } });
    expect(first.received[0].type).toBe('session.ready');
    await first.close();

    const again = await ContractClient.connect(baseUrl, { cookie: alice.cookie, conversationId: ready.conversationId });
    expect((await again.next('session.ready')).conversationId).toBe(ready.conversationId);
    await again.close();
  });

  it("answers 404 for someone else's conversation and for one that does not exist", async () => {
    const own = await ContractClient.connect(baseUrl, { cookie: alice.cookie });
    const { conversationId } = await own.next('session.ready');
    await own.close();
    expect(await refusal(ContractClient.connect(baseUrl, { cookie: bob.cookie, conversationId }))).toBe(404);
    expect(await refusal(ContractClient.connect(baseUrl, { cookie: bob.cookie, conversationId: '00000000-0000-4000-8000-000000000000' }))).toBe(404);
    expect(await refusal(ContractClient.connect(baseUrl, { cookie: bob.cookie, conversationId: "x' or 1=1" }))).toBe(404);
    const response = await fetch(`${baseUrl}/api/conversations/${conversationId}`, { headers: { cookie: bob.cookie } });
    expect(response.status).toBe(404);
  });

  it('accepts a personal API token, which stops working once revoked', async () => {
    const { token, id } = await createToken(baseUrl, alice);
    const client = await ContractClient.connect(baseUrl, { token });
    expect((await client.next('session.ready')).protocol).toBe(1);
    await client.close();
    const api = await fetch(`${baseUrl}/api/conversations`, { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(200);

    const revoked = await fetch(`${baseUrl}/api/tokens/${id}`, { method: 'DELETE', headers: { cookie: alice.cookie, origin: new URL(baseUrl).origin } });
    expect(revoked.status).toBe(204);
    expect(await refusal(ContractClient.connect(baseUrl, { token }))).toBe(401);
    expect((await fetch(`${baseUrl}/api/conversations`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("never lets one person revoke another's token", async () => {
    const { token, id } = await createToken(baseUrl, alice);
    const attempt = await fetch(`${baseUrl}/api/tokens/${id}`, { method: 'DELETE', headers: { cookie: bob.cookie, origin: new URL(baseUrl).origin } });
    expect(attempt.status).toBe(404);
    const client = await ContractClient.connect(baseUrl, { token });
    await client.next('session.ready');
    await client.close();
  });
});

describe('rule 4: bad input never kills the session', () => {
  let client: ContractClient;

  beforeAll(async () => {
    client = await ContractClient.connect(baseUrl, { cookie: alice.cookie });
    await client.next('session.ready');
  });

  /** Sends a frame and returns the error it provokes, then proves the socket still answers. */
  async function errorFor(frame: Record<string, unknown> | string): Promise<string> {
    const from = client.received.length;
    client.send(frame);
    const error = await client.next('error', () => true, { from });
    expect(error.fatal).toBe(false);
    // Still alive: an unknown type always earns an answer.
    const probeFrom = client.received.length;
    client.send({ type: 'still.there' });
    await client.next('error', (e) => e.code === 'unknown_type', { from: probeFrom });
    return error.code;
  }

  const chunk = (utteranceId: string, sequence: number, audio: string) => ({ type: 'user.audio.chunk', utteranceId, sequence, timestamp: 1, audio });
  const pcm = (samples: number) => encodeAudioChunk(silence(samples / 16));

  it.each([
    ['malformed JSON', '{"type": "user.audio.start",', 'invalid_json'],
    ['a JSON array', '[1,2,3]', 'invalid_json'],
    ['no type', { utteranceId: 'u1' }, 'invalid_message'],
    ['an unknown type', { type: 'user.audio.shout' }, 'unknown_type'],
    ['a missing field', { type: 'user.audio.start', timestamp: 1 }, 'invalid_message'],
    ['a wrong field', { type: 'user.audio.start', utteranceId: 'has spaces!', timestamp: 1 }, 'invalid_message'],
    ['a chunk for an unknown utterance', chunk('never-started', 0, pcm(320)), 'unknown_utterance'],
    ['an unsupported format', { type: 'user.audio.start', utteranceId: 'fmt', timestamp: 1, format: { encoding: 'opus', sampleRate: 48000, channels: 2 } }, 'unsupported_format'],
  ])('%s → %s', async (_name, frame, code) => {
    expect(await errorFor(frame)).toBe(code);
  });

  it('checks the audio of each chunk: odd bytes, oversize, not base64', async () => {
    client.send({ type: 'user.audio.start', utteranceId: 'audio-checks', timestamp: 1 });
    expect(await errorFor(chunk('audio-checks', 0, Buffer.from([1, 2, 3]).toString('base64')))).toBe('odd_byte_count');
    expect(await errorFor(chunk('audio-checks', 0, encodeAudioChunk(silence(250))))).toBe('chunk_too_large');
    expect(await errorFor(chunk('audio-checks', 0, '!!not base64!!'))).toBe('invalid_audio');
    client.send({ type: 'user.audio.end', utteranceId: 'audio-checks', timestamp: 2 });
    expect(await errorFor(chunk('audio-checks', 1, pcm(320)))).toBe('utterance_ended');
  });

  it('drops duplicate sequence numbers silently and reports a gap', async () => {
    client.send({ type: 'user.audio.start', utteranceId: 'seq', timestamp: 1 });
    const from = client.received.length;
    client.send(chunk('seq', 0, pcm(320)));
    client.send(chunk('seq', 0, pcm(320))); // duplicate: no error
    client.send(chunk('seq', 1, pcm(320)));
    client.send(chunk('seq', 4, pcm(320))); // 2–3 missing
    const gap = await client.next('error', (e) => e.code === 'sequence_gap', { from });
    expect(gap).toMatchObject({ utteranceId: 'seq', fatal: false });
    expect(gap.message).toMatch(/2–3/);
    expect(client.received.slice(from).filter((m) => m.type === 'error')).toHaveLength(1);
    client.send({ type: 'user.audio.end', utteranceId: 'seq', sequence: 4, timestamp: 2 });
  });

  it('refuses a second start while an utterance is open, and a reused id', async () => {
    client.send({ type: 'user.audio.start', utteranceId: 'open-one', timestamp: 1 });
    expect(await errorFor({ type: 'user.audio.start', utteranceId: 'other', timestamp: 1 })).toBe('utterance_active');
    client.send({ type: 'user.audio.end', utteranceId: 'open-one', timestamp: 2 });
    expect(await errorFor({ type: 'user.audio.start', utteranceId: 'open-one', timestamp: 3 })).toBe('duplicate_utterance');
  });

  it('answers a binary frame with an error and stays open', async () => {
    const from = client.received.length;
    client.ws.send(Buffer.from([1, 2, 3, 4]));
    expect((await client.next('error', () => true, { from })).code).toBe('unsupported_frame');
  });
});

describe('transport limits', () => {
  it('closes with 1009 on a frame over 64 KiB', async () => {
    const client = await ContractClient.connect(baseUrl, { cookie: alice.cookie });
    await client.next('session.ready');
    client.send({ type: 'user.audio.start', utteranceId: 'big', timestamp: 1, padding: 'x'.repeat(70 * 1024) });
    expect((await client.closed).code).toBe(1009);
  });

  it('closes a flooding client with 1008', async () => {
    const client = await ContractClient.connect(baseUrl, { cookie: alice.cookie });
    await client.next('session.ready');
    for (let i = 0; i < 2000 && client.ws.readyState === client.ws.OPEN; i++) client.send({ type: 'agent.interrupt', timestamp: i });
    expect((await client.closed).code).toBe(1008);
    expect(client.all('error').some((e) => e.code === 'rate_limited' && e.fatal)).toBe(true);
  });
});
