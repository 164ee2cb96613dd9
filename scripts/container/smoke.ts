/**
 * What scripts/container-test.sh checks through the container's published port: a person signs
 * up (better-auth, Origin = PUBLIC_URL) and holds one spoken turn over /ws, hearing the answer.
 *   tsx scripts/container/smoke.ts http://localhost:PORT
 * Prints one JSON line of what it saw; exits non-zero with the reason otherwise.
 */
import { ContractClient } from '../../server/testing/contract-client';
import { closeSpeechEngines, synthesizeSpeech } from '../../server/testing/test-speech';
import { signUp } from '../../server/testing/users';

const baseUrl = process.argv[2];
if (!baseUrl || !/^http:\/\/[^/]+$/.test(baseUrl)) {
  console.error('usage: tsx scripts/container/smoke.ts http://localhost:PORT (the PUBLIC_URL the container was given)');
  process.exit(2);
}

const started = performance.now();
const person = await signUp(baseUrl, 'Container Smoke');
const client = await ContractClient.connect(baseUrl, { cookie: person.cookie });
try {
  const { conversationId } = await client.next('session.ready', () => true, { timeoutMs: 30_000 });
  await client.speak('ask', await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 200, trailingSilenceMs: 300 }), { realtime: true });
  const transcript = (await client.next('transcript.final', (f) => f.utteranceId === 'ask', { timeoutMs: 60_000 })).text;
  const reply = (await client.next('agent.text', (t) => t.final, { timeoutMs: 60_000 })).text;
  const end = await client.next('agent.audio.end', () => true, { timeoutMs: 60_000 });
  const audioChunks = client.all('agent.audio.chunk').length;
  const problems = [
    !/twelve times seven/.test(transcript) && `the transcript was ${JSON.stringify(transcript)}, not "what is twelve times seven"`,
    !/84|eighty[- ]four/i.test(reply) && `the reply was ${JSON.stringify(reply)}, without 84`,
    end.reason !== 'completed' && `the reply's audio ended with ${end.reason}, not completed`,
    audioChunks === 0 && 'no agent audio arrived',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join('; '));
  console.log(JSON.stringify({ signedUp: person.userId, conversationId, transcript, reply, audioChunks, ms: Math.round(performance.now() - started) }));
} finally {
  await client.close();
  await closeSpeechEngines();
}
