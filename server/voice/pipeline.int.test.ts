/**
 * The whole voice pipeline through the real /ws, with the embedded engines (pocketsphinx,
 * the built-in agent, Flite) and speech synthesised from text at test time.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { wordErrorRate } from '../evaluation/stt/wer';
import { ContractClient } from '../testing/contract-client';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { signUp, type TestUser } from '../testing/users';

const baseUrl = inject('serverUrl');
let person: TestUser;

beforeAll(async () => {
  person = await signUp(baseUrl, 'Speaker');
});
afterAll(() => closeSpeechEngines());

const speech = (text: string) => synthesizeSpeech(text, { leadingSilenceMs: 300, trailingSilenceMs: 300 });

async function storedTurns(conversationId: string) {
  const response = await fetch(`${baseUrl}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { turns: Array<{ role: string; text: string; interrupted: boolean; utteranceId: string; voiceToVoiceMs: number | null; sttLatencyMs: number | null }> }).turns;
}

async function connect() {
  const client = await ContractClient.connect(baseUrl, { cookie: person.cookie });
  const { conversationId } = await client.next('session.ready');
  return { client, conversationId };
}

describe('a spoken turn', () => {
  it('is transcribed, answered in text and in audio, and stored', async () => {
    const { client, conversationId } = await connect();
    await client.speak('q1', await speech('what is twelve times seven'), { realtime: true });

    const final = await client.next('transcript.final', (m) => m.utteranceId === 'q1');
    expect(wordErrorRate('what is twelve times seven', final.text)).toBeLessThanOrEqual(0.2);
    expect(client.all('transcript.partial').filter((p) => p.utteranceId === 'q1').length).toBeGreaterThan(0);

    const end = await client.next('agent.audio.end');
    expect(end.reason).toBe('completed');
    const reply = client.all('agent.text').filter((t) => t.utteranceId === end.utteranceId && t.final)[0];
    expect(reply.text).toMatch(/84/);
    const chunks = client.all('agent.audio.chunk').filter((c) => c.utteranceId === end.utteranceId);
    expect(chunks.map((c) => c.sequence)).toEqual(chunks.map((_, i) => i));
    expect(chunks.length).toBeGreaterThan(25); // over half a second of speech
    // Rule 1: agent audio only after the final transcript.
    expect(client.received.indexOf(chunks[0])).toBeGreaterThan(client.received.indexOf(final));

    await client.close();
    const turns = await storedTurns(conversationId);
    expect(turns.map((t) => [t.role, t.interrupted])).toEqual([['user', false], ['agent', false]]);
    expect(turns[0].text).toBe(final.text);
    expect(turns[1].text).toBe(reply.text);
    expect(turns[0].sttLatencyMs).toBeGreaterThanOrEqual(0);
    expect(turns[1].voiceToVoiceMs).toBeGreaterThan(0);
  });
});

describe('barge-in over the real pipeline', () => {
  /** Asks for the (long) list of abilities and waits until the agent is audibly speaking. */
  async function agentSpeaking(client: ContractClient, id: string) {
    await client.speak(id, await speech('what can you do'), { realtime: true });
    return client.next('agent.audio.chunk', (c) => c.sequence >= 10);
  }

  async function nothingMoreOf(client: ContractClient, agentUtteranceId: string, after: number) {
    // A whole further turn later, not one more chunk of the interrupted utterance.
    await client.speak('after', await speech('what time is it'), { realtime: true });
    await client.next('agent.audio.end', (e) => e.utteranceId !== agentUtteranceId, { from: after });
    expect(client.received.slice(after + 1).filter((m) => m.type === 'agent.audio.chunk' && m.utteranceId === agentUtteranceId)).toEqual([]);
  }

  it('stops on agent.interrupt and stores only what was heard', async () => {
    const { client, conversationId } = await connect();
    const chunk = await agentSpeaking(client, 'ask');
    client.send({ type: 'agent.interrupt', utteranceId: chunk.utteranceId, playedMs: 700, timestamp: Date.now() });
    const interrupt = await client.next('agent.interrupt');
    expect(interrupt).toMatchObject({ utteranceId: chunk.utteranceId, reason: 'client' });
    const end = await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId);
    expect(end.reason).toBe('interrupted');
    await nothingMoreOf(client, chunk.utteranceId, client.received.indexOf(end));
    await client.close();

    const agentTurn = (await storedTurns(conversationId)).find((t) => t.utteranceId === chunk.utteranceId)!;
    const fullReply = client.all('agent.text').filter((t) => t.utteranceId === chunk.utteranceId && !t.final).at(-1)!.text;
    expect(agentTurn.interrupted).toBe(true);
    expect(agentTurn.text.length).toBeLessThan(fullReply.length);
    expect(fullReply.startsWith(agentTurn.text)).toBe(true);
  });

  it('stops when the person starts speaking, and hears them at once', async () => {
    const { client, conversationId } = await connect();
    const chunk = await agentSpeaking(client, 'ask');
    const question = await speech('what is nine times six');
    const speaking = client.speak('barge', question, { realtime: true });
    const interrupt = await client.next('agent.interrupt');
    expect(interrupt).toMatchObject({ utteranceId: chunk.utteranceId, reason: 'barge-in' });
    const end = await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId);
    expect(end.reason).toBe('interrupted');
    await speaking;
    const final = await client.next('transcript.final', (f) => f.utteranceId === 'barge');
    expect(wordErrorRate('what is nine times six', final.text)).toBeLessThanOrEqual(0.2);
    const answer = await client.next('agent.text', (t) => t.final && t.utteranceId !== chunk.utteranceId);
    expect(answer.text).toMatch(/54/);
    await client.next('agent.audio.end', (e) => e.utteranceId === answer.utteranceId);
    expect(client.received.slice(client.received.indexOf(end) + 1).some((m) => m.type === 'agent.audio.chunk' && m.utteranceId === chunk.utteranceId)).toBe(false);
    await client.close();
    const turns = await storedTurns(conversationId);
    expect(turns.find((t) => t.utteranceId === chunk.utteranceId)?.interrupted).toBe(true);
    expect(turns.map((t) => t.role)).toEqual(['user', 'agent', 'user', 'agent']);
  });
});

describe('an engine fault', () => {
  it('gives an error mid-turn, and the next turn works', async () => {
    const serverPid = Number(inject('serverPid'));
    const { client } = await connect();
    const audio = await speech('hello there');
    await client.speak('doomed', audio.subarray(0, audio.length / 2), { realtime: true, end: false });
    // Kill every recogniser process of the server while the utterance is open.
    const decoders = execFileSync('pgrep', ['-P', String(serverPid), '-f', 'pocketsphinx-decoder'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    expect(decoders.length).toBeGreaterThan(0);
    for (const pid of decoders) process.kill(Number(pid), 'SIGKILL');
    client.send({ type: 'user.audio.end', utteranceId: 'doomed', timestamp: Date.now() });
    const error = await client.next('error', (e) => e.utteranceId === 'doomed');
    expect(error).toMatchObject({ code: 'stt_failed', fatal: false });
    // The embedded voice says sorry once the person has stopped; they let it finish.
    const sorry = await client.next('agent.text', (t) => t.final);
    expect(sorry.text).toMatch(/say it again/);
    expect(await client.next('agent.audio.end', (e) => e.utteranceId === sorry.utteranceId)).toMatchObject({ reason: 'completed' });

    const from = client.received.length;
    await client.speak('next', await speech('what is two plus three'), { realtime: true });
    const final = await client.next('transcript.final', (f) => f.utteranceId === 'next', { from });
    expect(final.text.length).toBeGreaterThan(0);
    expect((await client.next('agent.audio.end', () => true, { from })).reason).toBe('completed');
    await client.close();
  });
});
