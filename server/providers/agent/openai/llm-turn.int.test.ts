/**
 * A whole turn through /ws of the production server with a local Chat Completions server as
 * the agent (AGENT_PROVIDER=openai): the first sentence is heard while the model still writes
 * the rest, speaking over it closes the upstream request, a failing model gives `agent_failed`
 * and the next turn works. Its own server: the agent is configured by environment.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ContractClient } from '../../../testing/contract-client';
import { startFakeChatServer, tokensOf, type FakeChatServer } from '../../../testing/fake-providers/chat-completions';
import { startServer, type RunningServer } from '../../../testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from '../../../testing/test-speech';
import { signUp, type TestUser } from '../../../testing/users';

let fake: FakeChatServer;
let server: RunningServer;
let person: TestUser;
let question: Int16Array;

const LONG_REPLY = `Twelve times seven is eighty-four. ${'That is a number I like a lot, and here is more about it. '.repeat(2)}`;

beforeAll(async () => {
  fake = await startFakeChatServer();
  server = await startServer({ env: { AGENT_PROVIDER: 'openai', AGENT_BASE_URL: fake.baseUrl, AGENT_MODEL: 'fake-llm', AGENT_API_KEY: 'sk-integration-test-key-0123456789' } });
  person = await signUp(server.url, 'Llm');
  question = await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 200, trailingSilenceMs: 200 });
});

afterAll(async () => {
  await server?.stop();
  await fake?.close();
  closeSpeechEngines();
});

it('speaks the first sentence while the model is still writing, and stores the reply', async () => {
  fake.script = { tokens: tokensOf(LONG_REPLY), tokenIntervalMs: 60 };
  const first = fake.requests.length;
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  const { conversationId } = await client.next('session.ready');
  await client.speak('q1', question, { realtime: true });
  const final = await client.next('transcript.final', (f) => f.utteranceId === 'q1', { timeoutMs: 30_000 });
  expect(final.text).not.toBe('');
  const chunk = await client.next('agent.audio.chunk', () => true, { timeoutMs: 30_000 });
  const firstAudioAt = client.arrivals[client.received.indexOf(chunk)];

  // The test and the fake model share one clock: the first audio came before the last token.
  const upstream = fake.requests[first];
  expect(upstream.body).toMatchObject({ model: 'fake-llm', stream: true });
  expect(upstream.headers.authorization).toBe('Bearer sk-integration-test-key-0123456789');
  expect(upstream.body.messages?.at(-1)).toEqual({ role: 'user', content: final.text });
  expect(upstream.body.messages?.[0].role).toBe('system');
  await upstream.closed;
  expect(upstream.completed).toBe(true);
  expect(firstAudioAt).toBeLessThan(upstream.tokenAt.at(-1)!);
  console.log(`first agent audio ${Math.round(upstream.tokenAt.at(-1)! - firstAudioAt)} ms before the model's last token`);

  const done = await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId, { timeoutMs: 60_000 });
  expect(done.reason).toBe('completed');
  const text = await client.next('agent.text', (t) => t.utteranceId === chunk.utteranceId && t.final);
  expect(text.text).toBe(LONG_REPLY.trim());
  await client.close();

  const stored = (await (await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } })).json()) as { turns: Array<{ role: string; text: string; agentProvider: string | null }> };
  expect(stored.turns.map((t) => t.role)).toEqual(['user', 'agent']);
  expect(stored.turns[1]).toMatchObject({ text: LONG_REPLY.trim(), agentProvider: 'openai:fake-llm' });
});

it('closes the upstream request when the person speaks over the reply', async () => {
  // Slow enough that the model is still writing when the person barges in.
  fake.script = { tokens: tokensOf(LONG_REPLY.repeat(6)), tokenIntervalMs: 60 };
  const first = fake.requests.length;
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  await client.next('session.ready');
  await client.speak('q1', question, { realtime: true });
  const chunk = await client.next('agent.audio.chunk', () => true, { timeoutMs: 30_000 });
  const upstream = fake.requests[first];
  expect(upstream.completed).toBe(false);

  const bargedInAt = performance.now();
  client.send({ type: 'user.audio.start', utteranceId: 'over', timestamp: Date.now() });
  const closedAt = await upstream.closed;
  expect(upstream.completed).toBe(false);
  expect(upstream.tokenAt.length).toBeLessThan(tokensOf(LONG_REPLY.repeat(6)).length);
  expect(await client.next('agent.interrupt', (i) => i.utteranceId === chunk.utteranceId)).toMatchObject({ reason: 'barge-in' });
  console.log(`barge-in → upstream request closed: ${Math.round(closedAt - bargedInAt)} ms`);
  client.send({ type: 'user.audio.end', utteranceId: 'over', timestamp: Date.now() });
  await client.close();
});

it('reports a failing model as agent_failed, without the key, and answers the next turn', async () => {
  fake.script = { status: 401, errorBody: JSON.stringify({ error: { message: 'Incorrect API key provided: sk-integration-test-key-0123456789' } }) };
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  await client.next('session.ready');
  await client.speak('q1', question, { realtime: true });
  const error = await client.next('error', () => true, { timeoutMs: 30_000 });
  expect(error).toMatchObject({ code: 'agent_failed', fatal: false, message: 'The agent failed to reply: The language model server refused the request (HTTP 401): check AGENT_API_KEY.' });
  expect(server.output()).toMatch(/\[agent\] .* answered HTTP 401: .*\[redacted\]/);
  expect(server.output()).not.toContain('sk-integration-test-key');
  // The embedded voice says sorry (never stored, never context); the person lets it finish.
  const apology = await client.next('agent.text', (t) => t.final, { timeoutMs: 30_000 });
  expect(apology.text).toMatch(/^Sorry, something went wrong/);
  expect(await client.next('agent.audio.end', (e) => e.utteranceId === apology.utteranceId, { timeoutMs: 30_000 })).toMatchObject({ reason: 'completed' });

  fake.script = { tokens: tokensOf('Now it works.') };
  const from = client.received.length;
  await client.speak('q2', question, { realtime: true });
  const reply = await client.next('agent.text', (t) => t.final, { from, timeoutMs: 30_000 });
  expect(reply.text).toBe('Now it works.');
  await client.close();
});

it("gives the model the person's own system prompt from their next conversation on", async () => {
  const defaults = (await (await fetch(`${server.url}/api/settings`, { headers: { cookie: person.cookie } })).json()) as { agentTakesPrompt: boolean; defaults: { systemPrompt: string } };
  expect(defaults.agentTakesPrompt).toBe(true);
  const saved = await fetch(`${server.url}/api/settings`, {
    method: 'PUT',
    headers: { cookie: person.cookie, origin: server.url, 'content-type': 'application/json' },
    body: JSON.stringify({ systemPrompt: 'Answer like a ship captain.', voice: null }),
  });
  expect(saved.status).toBe(200);

  fake.script = { tokens: tokensOf('Aye, eighty-four.') };
  const first = fake.requests.length;
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  await client.next('session.ready');
  await client.speak('q1', question, { realtime: true });
  expect((await client.next('agent.text', (t) => t.final, { timeoutMs: 30_000 })).text).toBe('Aye, eighty-four.');
  expect(fake.requests[first].body.messages?.[0].content).toMatch(/^Answer like a ship captain\.\n\nIt is now /);
  await client.close();

  // Someone else still gets the configured default.
  const other = await signUp(server.url, 'Other');
  const theirs = await ContractClient.connect(server.url, { cookie: other.cookie });
  await theirs.next('session.ready');
  const next = fake.requests.length;
  await theirs.speak('q1', question, { realtime: true });
  await theirs.next('agent.text', (t) => t.final, { timeoutMs: 30_000 });
  expect(fake.requests[next].body.messages?.[0].content.startsWith(defaults.defaults.systemPrompt)).toBe(true);
  await theirs.close();
});
