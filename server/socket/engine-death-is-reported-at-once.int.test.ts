/**
 * A recogniser that dies mid-utterance is reported at once (not when the person stops), with
 * no process id in what the client sees, logged on the server, and the next turn works.
 * Its own server: killing decoders must not disturb other test files' turns.
 */
import { execFileSync } from 'node:child_process';
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

/** The server's decoder helper processes. */
function decoderPids(parent: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(parent)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm?.startsWith('pocketsphinx'))
    .map(([pid]) => Number(pid));
}

it('says so at once, without process ids, logs it, and hears the next utterance', async () => {
  server = await startServer();
  const person = await signUp(server.url, 'Engine');
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  await client.next('session.ready');
  const speech = await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 200, trailingSilenceMs: 200 });

  // Speak, and kill every decoder once the first partial shows one is listening.
  const speaking = client.speak('dies', new Int16Array([...speech, ...new Int16Array(16000 * 3)]), { realtime: true });
  await client.next('transcript.partial', (p) => p.utteranceId === 'dies');
  const killedAt = performance.now();
  for (const pid of decoderPids(server.process.pid!)) process.kill(pid, 'SIGKILL');
  const error = await client.next('error', (e) => e.code === 'stt_failed');
  const reportedAfterMs = performance.now() - killedAt;
  const stillSpeaking = client.received.every((m) => m.type !== 'transcript.final');
  await speaking;

  expect(error).toMatchObject({ utteranceId: 'dies', fatal: false });
  expect(error.message).not.toMatch(/pid|\d{3,}|\//);
  expect(stillSpeaking).toBe(true); // reported while the person was still speaking
  console.log(`engine death reported ${Math.round(reportedAfterMs)} ms after the kill`);
  // The log says what really happened, the decoder's pid included.
  await expect
    .poll(() => server!.logRecords().find((r) => r.msg === 'recognition failed mid-utterance')?.err?.message, { timeout: 10_000 })
    .toMatch(/pid \d+/);

  // The embedded voice says sorry once the person has stopped; they let it finish.
  const sorry = await client.next('agent.text', (t) => t.final, { timeoutMs: 30_000 });
  expect(sorry.text).toMatch(/say it again/);
  await client.next('agent.audio.end', (e) => e.utteranceId === sorry.utteranceId, { timeoutMs: 30_000 });

  // A new decoder is loaded; the next utterance is heard and answered.
  const from = client.received.length;
  await client.speak('next', speech, { realtime: true });
  const final = await client.next('transcript.final', (f) => f.utteranceId === 'next', { timeoutMs: 60_000, from });
  expect(final.text).toMatch(/twelve times seven/);
  expect((await client.next('agent.text', (t) => t.final, { timeoutMs: 60_000, from })).text).toMatch(/84/);
  await client.close();
});
