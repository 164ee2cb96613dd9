/**
 * A SIGKILL mid-reply (issue 12): the reply was stored as it was spoken, so after a restart on
 * the same data the agent turn is there, marked interrupted, cut to what had been sent — and
 * every finalized user turn before it.
 */
import { afterAll, expect, it } from 'vitest';
import { ContractClient } from '../testing/contract-client';
import { startServer, type RunningServer } from '../testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { signUp } from '../testing/users';

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop();
  closeSpeechEngines();
});

it('keeps the reply cut by a crash as far as it was sent', async () => {
  server = await startServer();
  const person = await signUp(server.url, 'Crash');
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  const { conversationId } = await client.next('session.ready');
  await client.speak('ask', await synthesizeSpeech('what can you do', { leadingSilenceMs: 200, trailingSilenceMs: 200 }), { realtime: true });
  const final = await client.next('transcript.final', (f) => f.utteranceId === 'ask');
  // Well into the reply: more than a second of its audio has gone out.
  const chunk = await client.next('agent.audio.chunk', (c) => c.sequence >= 75);
  const fullReply = client.all('agent.text').filter((t) => t.utteranceId === chunk.utteranceId).at(-1)!.text;
  server.process.kill('SIGKILL');
  await client.closed;

  const dataDir = server.dataDir;
  await server.stop();
  server = await startServer({ dataDir });
  const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
  const { turns } = (await response.json()) as { turns: Array<{ role: string; text: string; interrupted: boolean }> };
  expect(turns.map((t) => [t.role, t.interrupted])).toEqual([['user', false], ['agent', true]]);
  expect(turns[0].text).toBe(final.text);
  expect(turns[1].text.length).toBeGreaterThan(0);
  expect(turns[1].text.length).toBeLessThan(fullReply.length);
  expect(fullReply.startsWith(turns[1].text)).toBe(true);
});
