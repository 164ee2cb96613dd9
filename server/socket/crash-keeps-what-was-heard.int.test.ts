/**
 * A SIGKILL mid-conversation (issue 12): every finalized turn is stored as it happens, and the
 * reply being spoken is stored as far as it was sent. After a restart on the same data
 * directory — at once: the lock of the dead process is taken over because its holder is gone,
 * not because it aged — the conversation is all there: the finished turns as they were, the
 * cut reply marked interrupted, cut to what had been sent.
 */
import fs from 'node:fs';
import path from 'node:path';
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

const speech = (text: string) => synthesizeSpeech(text, { leadingSilenceMs: 200, trailingSilenceMs: 200 });

it('keeps every finished turn and the reply cut by a crash as far as it was sent', async () => {
  server = await startServer();
  const running = server;
  const person = await signUp(running.url, 'Crash');
  const client = await ContractClient.connect(running.url, { cookie: person.cookie });
  const { conversationId } = await client.next('session.ready');
  const storedReplies = () => running.logRecords().filter((r) => r.msg === 'turn stored' && r.role === 'agent' && r.conversationId === conversationId).length;

  // Two finished turns, each stored once its reply is over.
  const finished: Array<{ question: string; answer: string }> = [];
  for (const [id, question] of [['first', 'what is twelve times seven'], ['second', 'my name is peter']] as const) {
    const from = client.received.length;
    await client.speak(id, await speech(question), { realtime: true });
    const final = await client.next('transcript.final', (f) => f.utteranceId === id, { from });
    const answer = await client.next('agent.text', (t) => t.final, { from });
    await client.next('agent.audio.end', (e) => e.utteranceId === answer.utteranceId && e.reason === 'completed', { from });
    await running.waitForLog(() => storedReplies() >= finished.length + 1);
    finished.push({ question: final.text, answer: answer.text });
  }

  // The third is killed mid-reply: more than a second of its audio has gone out.
  const from = client.received.length;
  await client.speak('ask', await speech('what can you do'), { realtime: true });
  const final = await client.next('transcript.final', (f) => f.utteranceId === 'ask', { from });
  const chunk = await client.next('agent.audio.chunk', (c) => c.sequence >= 75, { from });
  const fullReply = client.all('agent.text').filter((t) => t.utteranceId === chunk.utteranceId).at(-1)!.text;
  running.process.kill('SIGKILL');
  await Promise.all([client.closed, running.stop()]);

  // As if the dead server had refreshed its lock just now, for an hour: only seeing that its
  // holder is gone lets the restart through at once.
  const lockDir = path.join(running.dataDir, 'pglite.lock');
  const later = new Date(Date.now() + 3_600_000);
  for (const name of fs.readdirSync(lockDir)) fs.utimesSync(path.join(lockDir, name), later, later);
  const restartedAt = performance.now();
  server = await startServer({ dataDir: running.dataDir });
  console.log(`restarted on the same data directory ${Math.round(performance.now() - restartedAt)} ms after the SIGKILL`);

  const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
  const { turns } = (await response.json()) as { turns: Array<{ role: string; text: string; interrupted: boolean }> };
  expect(turns.map((t) => [t.role, t.interrupted])).toEqual([
    ['user', false], ['agent', false],
    ['user', false], ['agent', false],
    ['user', false], ['agent', true],
  ]);
  expect(turns.slice(0, 4).map((t) => t.text)).toEqual(finished.flatMap((f) => [f.question, f.answer]));
  expect(turns[1].text).toContain('84');
  expect(turns[4].text).toBe(final.text);
  expect(turns[5].text.length).toBeGreaterThan(0);
  expect(turns[5].text.length).toBeLessThan(fullReply.length);
  expect(fullReply.startsWith(turns[5].text)).toBe(true);
});
