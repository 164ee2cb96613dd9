/**
 * Exactly one process may own an embedded database directory, and after a crash the next one
 * starts at once (server/store/data-dir-lock.ts), with every turn that was stored.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ContractClient } from '../testing/contract-client';
import { startServer, type RunningServer } from '../testing/server-process';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { signUp } from '../testing/users';

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  closeSpeechEngines();
});

async function start(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  const server = await startServer(options);
  servers.push(server);
  return server;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

type StoredTurn = { id: string; role: string; text: string; interrupted: boolean };

async function storedTurns(server: RunningServer, cookie: string, conversationId: string): Promise<StoredTurn[]> {
  const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { turns: StoredTurn[] }).turns;
}

describe.skipIf(inject('databaseKind') !== 'pglite')('the embedded database lock', () => {
  it('makes a second server on the same DATA_DIR fail with a clear message naming the first', async () => {
    const first = await start();
    const startedAt = performance.now();
    const error = await startServer({ dataDir: first.dataDir }).then(
      () => null,
      (e: Error) => e,
    );
    console.log(`second server refused after ${Math.round(performance.now() - startedAt)} ms`);
    expect(error?.message).toMatch(/exited with 2/);
    expect(error?.message).toMatch(/in use by another Parley process \(pid \d+/);
    expect(error?.message).toContain(`pid ${first.process.pid} `);
    // The first one is unharmed.
    expect((await fetch(`${first.url}/sign-in`)).status).toBe(200);
  });

  it('restarts at once after the server is killed, with every turn that was stored', async () => {
    const crashed = await start();
    const person = await signUp(crashed.url, 'Crash');
    const client = await ContractClient.connect(crashed.url, { cookie: person.cookie });
    const { conversationId } = await client.next('session.ready');
    await client.speak('ask', await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 200, trailingSilenceMs: 200 }), { realtime: true });
    await client.next('agent.audio.end', (e) => e.reason === 'completed', { timeoutMs: 60_000 });
    // Both turns are written once the reply is over; wait until the API shows them.
    await expect.poll(async () => (await storedTurns(crashed, person.cookie, conversationId)).length, { timeout: 30_000 }).toBe(2);
    const before = await storedTurns(crashed, person.cookie, conversationId);

    crashed.process.kill('SIGKILL');
    await Promise.all([client.closed, exited(crashed.process)]);
    // As if the dead server had refreshed its lock a moment ago, for an hour: only knowing
    // that its holder is gone can let the restart through, not waiting for the lock to age.
    const lockDir = path.join(crashed.dataDir, 'pglite.lock');
    const later = new Date(Date.now() + 3_600_000);
    for (const name of fs.readdirSync(lockDir)) fs.utimesSync(path.join(lockDir, name), later, later);
    const restartedAt = performance.now();
    const restarted = await start({ dataDir: crashed.dataDir });
    console.log(`restarted after SIGKILL in ${Math.round(performance.now() - restartedAt)} ms`);

    expect(await storedTurns(restarted, person.cookie, conversationId)).toEqual(before);
    expect(before.map((t) => t.role)).toEqual(['user', 'agent']);
    expect(before[1].text).toContain('84');
  });
});
