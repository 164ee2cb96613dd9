/**
 * A server shutdown (SIGTERM) mid-reply: the client is told where the reply was cut (its final
 * agent.text and agent.audio.end) before the socket closes with 1001, and the turn is kept as
 * far as it was heard.
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

it('sends the cut reply\'s final agent.text and agent.audio.end, then closes with 1001', async () => {
  server = await startServer();
  const person = await signUp(server.url, 'Shutdown');
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  const { conversationId } = await client.next('session.ready');
  await client.speak('ask', await synthesizeSpeech('what can you do', { leadingSilenceMs: 200, trailingSilenceMs: 200 }), { realtime: true });
  const chunk = await client.next('agent.audio.chunk', (c) => c.sequence >= 10);
  server.process.kill('SIGTERM');
  const { code } = await client.closed;
  expect(code).toBe(1001);
  const end = client.all('agent.audio.end').find((e) => e.utteranceId === chunk.utteranceId);
  expect(end).toEqual({ type: 'agent.audio.end', utteranceId: chunk.utteranceId, reason: 'interrupted' });
  const texts = client.all('agent.text').filter((t) => t.utteranceId === chunk.utteranceId);
  const final = texts.find((t) => t.final)!;
  const full = texts.filter((t) => !t.final).at(-1)!.text;
  expect(final.text.length).toBeGreaterThan(0);
  expect(final.text.length).toBeLessThan(full.length);
  expect(full.startsWith(final.text)).toBe(true);

  // After a restart on the same data, the turn is there as it was heard.
  const dataDir = server.dataDir;
  await server.stop();
  server = await startServer({ dataDir });
  const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
  const { turns } = (await response.json()) as { turns: Array<{ role: string; text: string; interrupted: boolean }> };
  expect(turns.map((t) => [t.role, t.interrupted])).toEqual([['user', false], ['agent', true]]);
  expect(turns[1].text).toBe(final.text);
});
