/**
 * WebRTC through the real server: a werift client peer on loopback offers over /ws and speaks
 * synthesised speech as Opus RTP; the embedded engines (pocketsphinx, the built-in agent,
 * Flite) answer on the track. No browser: the Playwright e2e does the same in Chromium.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { wordErrorRate } from '../evaluation/stt/wer';
import { ContractClient } from '../testing/contract-client';
import { RtcTestClient } from '../testing/rtc-client';
import { startServer } from '../testing/server-process';
import { closeSpeechEngines, rms, synthesizeSpeech } from '../testing/test-speech';
import { signUp, type TestUser } from '../testing/users';
import { seededRandom } from '../../lib/seeded-random';

const baseUrl = inject('serverUrl');
const serverPid = inject('serverPid');
let person: TestUser;

beforeAll(async () => {
  person = await signUp(baseUrl, 'Caller');
});
afterAll(() => closeSpeechEngines());

const speech = (text: string) => synthesizeSpeech(text, { leadingSilenceMs: 400, trailingSilenceMs: 1200 });

async function call(url = baseUrl, user = person) {
  const socket = await ContractClient.connect(url, { cookie: user.cookie });
  const { conversationId } = await socket.next('session.ready');
  const peer = await RtcTestClient.connect(socket);
  return { socket, peer, conversationId };
}

async function storedTurns(conversationId: string) {
  const response = await fetch(`${baseUrl}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { turns: Array<{ role: string; text: string; interrupted: boolean }> }).turns;
}

/** UDP sockets the server process holds (its fds that are sockets listed in /proc/net/udp). */
function udpSockets(pid: number): number {
  const inodes = new Set(
    fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m ? [m[1]] : [];
      } catch {
        return [];
      }
    }),
  );
  const rows = ['/proc/net/udp', '/proc/net/udp6'].flatMap((file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(1) : []));
  return rows.filter((row) => inodes.has(row.trim().split(/\s+/)[9])).length;
}

describe('a call over WebRTC', () => {
  it('is transcribed from the track, answered on the track (never on the socket), and stored', async () => {
    const { socket, peer, conversationId } = await call();
    await peer.send(await speech('what is nine times six'));

    const final = await socket.next('transcript.final');
    expect(wordErrorRate('what is nine times six', final.text)).toBeLessThanOrEqual(0.2);
    const end = await socket.next('agent.audio.end');
    expect(end.reason).toBe('completed');
    const reply = socket.all('agent.text').find((t) => t.utteranceId === end.utteranceId && t.final);
    expect(reply?.text).toMatch(/54|fifty[- ]four/i);
    // The reply's packets were all sent before agent.audio.end; on loopback they are here.
    await peer.until(() => peer.received.length > 25, 10_000, 'the agent packets');
    expect(rms(peer.receivedPcm())).toBeGreaterThan(300);
    expect(socket.all('agent.audio.chunk')).toEqual([]);

    await socket.close();
    await peer.close();
    await expect.poll(async () => (await storedTurns(conversationId)).map((t) => t.role), { timeout: 10_000 }).toEqual(['user', 'agent']);
    const turns = await storedTurns(conversationId);
    expect(turns[0].text).toBe(final.text);
    expect(turns[1].text).toBe(reply?.text);
  });

  it('is still transcribed with 5% of packets lost and 5% reordered', async () => {
    const { socket, peer } = await call();
    await peer.send(await speech('what is twelve times seven'), { loss: 0.05, reorder: 0.05, random: seededRandom(11) });
    const final = await socket.next('transcript.final');
    expect(wordErrorRate('what is twelve times seven', final.text)).toBeLessThanOrEqual(0.2);
    await socket.next('agent.audio.end');
    await socket.close();
    await peer.close();
  });

  it('survives garbage packets on the track and goes on', async () => {
    const { socket, peer } = await call();
    await peer.send(await speech('what is nine times six'), { garbageEvery: 7, random: seededRandom(5) });
    const final = await socket.next('transcript.final');
    expect(wordErrorRate('what is nine times six', final.text)).toBeLessThanOrEqual(0.4);
    await socket.next('agent.audio.end');
    expect(socket.all('error')).toEqual([]);
    await socket.close();
    await peer.close();
  });

  it('a second offer replaces the connection: the new one carries the call', async () => {
    const { socket, peer: first } = await call();
    const second = await RtcTestClient.connect(socket);
    await second.send(await speech('what time is it'));
    const final = await socket.next('transcript.final');
    expect(wordErrorRate('what time is it', final.text)).toBeLessThanOrEqual(0.25);
    await socket.next('agent.audio.end');
    await second.until(() => second.received.length > 10, 10_000, 'the agent packets on the new peer');
    expect(first.received.length).toBe(0);
    expect(socket.all('error')).toEqual([]);
    await socket.close();
    await Promise.all([first.close(), second.close()]);
  });

  it('refuses socket audio while the track carries the user (transport_conflict), but honours agent.interrupt', async () => {
    const { socket, peer } = await call();
    await peer.send(await synthesizeSpeech('tell me a story', { leadingSilenceMs: 400, trailingSilenceMs: 600 }));
    const text = await socket.next('agent.text');
    await peer.until(() => peer.received.length > 5, 20_000, 'the agent speaking');
    // The server's side of the connection is up (its packets are here): socket audio is refused.
    socket.send({ type: 'user.audio.start', utteranceId: 'sock-1', timestamp: Date.now() });
    const conflict = await socket.next('error', (e) => e.code === 'transport_conflict');
    expect(conflict).toMatchObject({ fatal: false, utteranceId: 'sock-1' });
    expect(socket.all('transcript.partial').some((p) => p.utteranceId === 'sock-1')).toBe(false);
    socket.send({ type: 'agent.interrupt', utteranceId: text.utteranceId, timestamp: Date.now() });
    await socket.next('agent.interrupt', (m) => m.utteranceId === text.utteranceId && m.reason === 'client');
    const end = await socket.next('agent.audio.end', (m) => m.utteranceId === text.utteranceId);
    expect(end.reason).toBe('interrupted');
    // Silence on the track within a frame or two of the interrupt.
    const count = peer.received.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(peer.received.length - count).toBeLessThanOrEqual(2);
    await socket.close();
    await peer.close();
  });

  it('a peer that goes away gives rtc_failed (not fatal), and the socket audio path works again', async () => {
    const { socket, peer } = await call();
    await peer.close();
    // werift's close tells the far side nothing: ICE consent expiring (~30 s) does.
    const failed = await socket.next('error', (e) => e.code === 'rtc_failed', { timeoutMs: 55_000 });
    expect(failed.fatal).toBe(false);
    await socket.speak('s1', await synthesizeSpeech('what is nine times six', { leadingSilenceMs: 300, trailingSilenceMs: 300 }), { realtime: true });
    const final = await socket.next('transcript.final', (m) => m.utteranceId === 's1');
    expect(wordErrorRate('what is nine times six', final.text)).toBeLessThanOrEqual(0.2);
    await socket.next('agent.audio.chunk');
    await socket.close();
  }, 90_000);

  it('leaves no UDP socket open once the session ends', async () => {
    const before = udpSockets(serverPid);
    const { socket, peer } = await call();
    expect(udpSockets(serverPid)).toBeGreaterThan(before);
    await socket.close();
    await expect.poll(() => udpSockets(serverPid), { timeout: 10_000 }).toBe(before);
    await peer.close();
  });
});

describe('server shutdown during a call', () => {
  it('closes the peer and its sockets, keeps what was said, and exits', async () => {
    const server = await startServer();
    try {
      const user = await signUp(server.url, 'Shutdown');
      const { socket, peer } = await call(server.url, user);
      const pid = server.process.pid!;
      const withCall = udpSockets(pid);
      expect(withCall).toBeGreaterThan(0);
      const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
      server.process.kill('SIGTERM');
      expect(await exited).toBe(0);
      const closed = server.logRecords().find((r) => r.msg === 'webrtc closed');
      expect(closed).toMatchObject({ reason: 'the session ended' });
      await socket.close();
      await peer.close();
    } finally {
      await server.stop();
    }
  });
});
