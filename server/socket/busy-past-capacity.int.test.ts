/**
 * Past its capacity (MAX_SESSIONS) the server refuses a new session with a clear, non-fatal
 * `server_busy` and closes 1013, instead of slowing everyone down; the sessions it has go on
 * as before, and one leaving lets a new one in. Its own server, with a capacity of 2.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ContractClient } from '../testing/contract-client';
import { startServer, type RunningServer } from '../testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { signUp, type TestUser } from '../testing/users';

const METRICS_TOKEN = 'capacity-test-metrics-token';
let server: RunningServer;
let people: TestUser[];

beforeAll(async () => {
  server = await startServer({ env: { MAX_SESSIONS: '2', METRICS_TOKEN } });
  people = await Promise.all(['Ann', 'Ben', 'Cat'].map((name) => signUp(server.url, name)));
});
afterAll(async () => {
  await server?.stop();
  closeSpeechEngines();
});

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || (!name.includes('{') && l.startsWith(`${name}{`)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

it('refuses the session past capacity as busy, keeps the others talking, and lets one in when one leaves', async () => {
  const [ann, ben, cat] = people;
  const first = await ContractClient.connect(server.url, { cookie: ann.cookie });
  const second = await ContractClient.connect(server.url, { cookie: ben.cookie });
  const { conversationId: firstConversation } = await first.next('session.ready');
  await second.next('session.ready');
  expect(await metric('parley_session_capacity')).toBe(2);
  // Each open session has a recogniser kept warm for it, before its first word.
  expect(await metric('parley_stt_decoders{state="expected"}')).toBe(2);

  const refused = await ContractClient.connect(server.url, { cookie: cat.cookie });
  const busy = await refused.next('error');
  expect(busy).toMatchObject({ code: 'server_busy', fatal: false });
  expect(busy.message).toMatch(/try again/i);
  expect(await refused.closed).toMatchObject({ code: 1013 });
  expect(refused.all('session.ready')).toEqual([]); // no conversation was opened for it
  expect(await metric('parley_sessions_refused_total')).toBe(1);
  expect(await metric('parley_active_sessions')).toBe(2);

  // The sessions already open are unaffected: a spoken turn is heard and answered.
  await second.speak('q1', await synthesizeSpeech('what is nine times six', { leadingSilenceMs: 200, trailingSilenceMs: 200 }), { realtime: true });
  expect((await second.next('transcript.final', (f) => f.utteranceId === 'q1')).text).toMatch(/nine|six/);
  await second.next('agent.audio.end');

  await first.close();
  await server.waitForLog((r) => r.msg === 'session closed' && r.conversationId === firstConversation);
  const admitted = await ContractClient.connect(server.url, { cookie: cat.cookie });
  expect((await admitted.next('session.ready')).protocol).toBe(1);
  expect(admitted.all('error')).toEqual([]);
  await Promise.all([admitted.close(), second.close()]);
});
