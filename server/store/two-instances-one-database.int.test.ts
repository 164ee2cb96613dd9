/**
 * Beyond one machine (issue 12): two Parley instances on one PostgreSQL, as behind a load
 * balancer that keeps each socket on one instance. A person signed in on A is signed in on B
 * (shared AUTH_SECRET, sessions in the database), and a conversation begun on A is continued on
 * B with its context: B's agent knows what was said to A. Both start at once on the same
 * database (migrations take turns). Needs PostgreSQL: PARLEY_TEST_DATABASE_URL.
 */
import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ContractClient } from '../testing/contract-client';
import { startServer, type RunningServer } from '../testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { signUp } from '../testing/users';

const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  closeSpeechEngines();
});

const speech = (text: string) => synthesizeSpeech(text, { leadingSilenceMs: 200, trailingSilenceMs: 300 });

/** Speaks one question and waits until its whole reply is out and this server has stored it. */
async function turn(server: RunningServer, client: ContractClient, conversationId: string, id: string, text: string): Promise<string> {
  const from = client.received.length;
  const storedReplies = () => server.logRecords().filter((r) => r.msg === 'turn stored' && r.role === 'agent' && r.conversationId === conversationId).length;
  const before = storedReplies();
  await client.speak(id, await speech(text), { realtime: true });
  expect((await client.next('transcript.final', (f) => f.utteranceId === id, { from })).text).not.toBe('');
  const reply = await client.next('agent.text', (t) => t.final, { from });
  await server.waitForLog(() => storedReplies() > before);
  return reply.text;
}

describe.skipIf(!databaseUrl)('two instances on one PostgreSQL (skipped: PARLEY_TEST_DATABASE_URL is not set)', () => {
  it('continues on B a conversation begun on A, with its context', async () => {
    const env = { DATABASE_URL: databaseUrl!, AUTH_SECRET: crypto.randomBytes(32).toString('base64url') };
    const [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
    servers.push(a, b);
    expect(a.dataDir).not.toBe(b.dataDir); // nothing on disk is shared: only the database and the secret

    const person = await signUp(a.url, 'Roaming');
    const onA = await ContractClient.connect(a.url, { cookie: person.cookie });
    const { conversationId } = await onA.next('session.ready');
    await turn(a, onA, conversationId, 'name', 'my name is peter');
    await onA.close();

    // The same cookie, another instance: the session is found in the shared database.
    const onB = await ContractClient.connect(b.url, { cookie: person.cookie, conversationId });
    expect((await onB.next('session.ready')).conversationId).toBe(conversationId);
    expect((await turn(b, onB, conversationId, 'recall', 'what is my name')).toLowerCase()).toContain('peter');
    await onB.close();

    // Either instance shows the whole conversation, in order.
    for (const server of [a, b]) {
      const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
      const { turns } = (await response.json()) as { turns: Array<{ role: string }> };
      expect(turns.map((t) => t.role)).toEqual(['user', 'agent', 'user', 'agent']);
    }
  });
});
