/**
 * Kept recordings on the real production server (PGlite, or PostgreSQL in the second pass),
 * spoken through the real /ws: kept only for people who turned it on, each turn's audio what
 * was said and what was sent, played from a route only its owner reaches, carried by the JSON
 * export, and deleted with "delete my recordings". (Cascades and the retention purge on the
 * store itself: server/store/turn-audio.int.test.ts, server/store/recording-retention.int.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { decodeOggOpus, readOggOpus } from '@/server/testing/ogg-opus-file';
import { setKeepAudio, talk, type SpokenConversation } from '@/server/testing/recorded-talk';
import { closeSpeechEngines } from '@/server/testing/test-speech';
import { createToken, signUp, type TestUser } from '@/server/testing/users';

const baseUrl = inject('serverUrl');
const origin = new URL(baseUrl).origin;

interface Turn {
  id: string;
  role: 'user' | 'agent';
  text: string;
  audio: { mimeType: string; durationMs: number } | null;
}
interface Settings {
  keepAudio: boolean;
  recordings: { count: number; bytes: number; retentionDays: number | null };
}

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let bobToken: string;
/** Alice keeps her audio; Carol does not. */
let kept: SpokenConversation;
let notKept: SpokenConversation;

const get = (path: string, headers: Record<string, string>) => fetch(`${baseUrl}${path}`, { headers });
const cookie = (user: TestUser) => ({ cookie: user.cookie, origin });

async function turnsOf(user: TestUser, conversationId: string): Promise<Turn[]> {
  const response = await get(`/api/conversations/${conversationId}`, cookie(user));
  expect(response.status).toBe(200);
  return ((await response.json()) as { turns: Turn[] }).turns;
}

async function settingsOf(user: TestUser): Promise<Settings> {
  return (await (await get('/api/settings', cookie(user))).json()) as Settings;
}

/** Every turn stored, and the audio of each (written after its turn) too. */
async function untilKept(user: TestUser, conversationId: string, turnCount: number, withAudio: boolean): Promise<Turn[]> {
  let turns: Turn[] = [];
  await vi.waitFor(
    async () => {
      turns = await turnsOf(user, conversationId);
      expect(turns.length).toBe(turnCount);
      if (withAudio) expect(turns.every((t) => t.audio)).toBe(true);
    },
    { timeout: 30_000, interval: 100 },
  );
  return turns;
}

const audioPath = (conversationId: string, turnId: string) => `/api/conversations/${conversationId}/turns/${turnId}/audio`;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([signUp(baseUrl, 'Alice'), signUp(baseUrl, 'Bob'), signUp(baseUrl, 'Carol')]);
  bobToken = (await createToken(baseUrl, bob)).token;
  expect((await settingsOf(alice)).keepAudio).toBe(false); // off unless turned on
  await setKeepAudio(baseUrl, alice, true);
  [kept, notKept] = [await talk(baseUrl, alice, ['what is twelve times seven']), await talk(baseUrl, carol, ['what is nine times six'])];
});
afterAll(() => closeSpeechEngines());

describe('keeping audio', () => {
  it('keeps nothing for a person who did not turn it on', async () => {
    const turns = await untilKept(carol, notKept.conversationId, 2, false);
    expect(turns.map((t) => t.audio)).toEqual([null, null]);
    expect((await settingsOf(carol)).recordings).toMatchObject({ count: 0, bytes: 0 });
    for (const turn of turns) expect((await get(audioPath(notKept.conversationId, turn.id), cookie(carol))).status).toBe(404);
  });

  it('keeps what the person said and what the agent sent, compactly, as Ogg Opus that decodes to its length', async () => {
    const [user, agent] = await untilKept(alice, kept.conversationId, 2, true);
    expect(user.audio).toEqual({ mimeType: 'audio/ogg; codecs=opus', durationMs: Math.round(kept.said[0].length / 16) });
    // All that was sent, but for the silence that pads its last 20 ms frame.
    expect(agent.audio?.mimeType).toBe('audio/ogg; codecs=opus');
    expect(agent.audio!.durationMs).toBeLessThanOrEqual(kept.replyChunks[0] * 20);
    expect(agent.audio!.durationMs).toBeGreaterThan(kept.replyChunks[0] * 20 - 20);

    for (const turn of [user, agent]) {
      const response = await get(audioPath(kept.conversationId, turn.id), cookie(alice));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('audio/ogg; codecs=opus');
      const file = new Uint8Array(await response.arrayBuffer());
      expect(readOggOpus(file).pages.every((p) => p.crcOk)).toBe(true);
      expect(Math.round(decodeOggOpus(file).length / 16)).toBe(turn.audio!.durationMs);
      // Compact: well under a tenth of 16 kHz PCM (32 KB a second).
      expect(file.byteLength / (turn.audio!.durationMs / 1000)).toBeLessThan(3200);
    }
    // What she said, sample for sample as long as what was sent.
    expect(decodeOggOpus(new Uint8Array(await (await get(audioPath(kept.conversationId, user.id), cookie(alice))).arrayBuffer())).length).toBe(kept.said[0].length);
    const { recordings } = await settingsOf(alice);
    expect(recordings.count).toBe(2);
    expect(recordings.bytes).toBeGreaterThan(0);
  });

  it("answers 404 for another person's recording, exactly as for none, and 401 to nobody", async () => {
    const [user] = await untilKept(alice, kept.conversationId, 2, true);
    const bodies = new Set<string>();
    for (const path of [
      audioPath(kept.conversationId, user.id),
      audioPath(kept.conversationId, '00000000-0000-4000-8000-000000000000'),
      audioPath('00000000-0000-4000-8000-000000000000', user.id),
      audioPath(notKept.conversationId, user.id),
      audioPath(kept.conversationId, 'not-a-uuid'),
    ]) {
      for (const headers of [cookie(bob), { authorization: `Bearer ${bobToken}` }]) {
        const response = await get(path, headers);
        expect(response.status, path).toBe(404);
        bodies.add(await response.text());
      }
    }
    expect(bodies.size).toBe(1);
    expect((await get(audioPath(kept.conversationId, user.id), {})).status).toBe(401);
  });
});

describe('the export', () => {
  it('carries each recording in the JSON, as the bytes the route serves, and says so in the Markdown', async () => {
    const turns = await untilKept(alice, kept.conversationId, 2, true);
    const exported = (await (await get(`/api/conversations/${kept.conversationId}/export?format=json`, cookie(alice))).json()) as {
      turns: Array<Turn & { audio: { mimeType: string; durationMs: number; data: string } }>;
    };
    for (const [index, turn] of turns.entries()) {
      const served = Buffer.from(await (await get(audioPath(kept.conversationId, turn.id), cookie(alice))).arrayBuffer());
      expect(exported.turns[index].audio).toEqual({ ...turn.audio, data: served.toString('base64') });
    }
    const markdown = await (await get(`/api/conversations/${kept.conversationId}/export?format=markdown`, cookie(alice))).text();
    expect(markdown.match(/\*\(recording kept: \d+\.\d s, in the JSON export\)\*/g)).toHaveLength(2);
    // Without recordings: none in the file.
    const plain = (await (await get(`/api/conversations/${notKept.conversationId}/export?format=json`, cookie(carol))).json()) as { turns: Turn[] };
    expect(plain.turns.map((t) => t.audio)).toEqual([null, null]);
  });
});

describe('deleting recordings', () => {
  it('"delete my recordings" deletes every one of the caller\'s and nobody else\'s, and keeps the transcripts', async () => {
    const dave = await signUp(baseUrl, 'Dave');
    await setKeepAudio(baseUrl, dave, true);
    const daves = await talk(baseUrl, dave, ['what time is it']);
    const turns = await untilKept(dave, daves.conversationId, 2, true);

    const crossSite = await fetch(`${baseUrl}/api/settings/recordings`, { method: 'DELETE', headers: { cookie: dave.cookie, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    const deleted = await fetch(`${baseUrl}/api/settings/recordings`, { method: 'DELETE', headers: cookie(dave) });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: 2 });

    const after = await turnsOf(dave, daves.conversationId);
    expect(after.map((t) => [t.text, t.audio])).toEqual(turns.map((t) => [t.text, null]));
    expect((await get(audioPath(daves.conversationId, turns[0].id), cookie(dave))).status).toBe(404);
    expect((await settingsOf(dave)).recordings.count).toBe(0);
    // Alice's are still there; and the setting stays on.
    expect((await settingsOf(alice)).recordings.count).toBe(2);
    expect((await settingsOf(dave)).keepAudio).toBe(true);
  });

  it('deleting a conversation deletes its recordings', async () => {
    const erin = await signUp(baseUrl, 'Erin');
    await setKeepAudio(baseUrl, erin, true);
    const erins = await talk(baseUrl, erin, ['what is two plus two']);
    const [user] = await untilKept(erin, erins.conversationId, 2, true);
    expect((await settingsOf(erin)).recordings.count).toBe(2);
    expect((await fetch(`${baseUrl}/api/conversations/${erins.conversationId}`, { method: 'DELETE', headers: cookie(erin) })).status).toBe(204);
    expect((await settingsOf(erin)).recordings).toMatchObject({ count: 0, bytes: 0 });
    expect((await get(audioPath(erins.conversationId, user.id), cookie(erin))).status).toBe(404);
  });

  it('turned off, it keeps nothing more', async () => {
    await setKeepAudio(baseUrl, alice, false);
    const later = await talk(baseUrl, alice, ['what is nine times six']);
    const turns = await untilKept(alice, later.conversationId, 2, false);
    expect(turns.map((t) => t.audio)).toEqual([null, null]);
    expect((await settingsOf(alice)).recordings.count).toBe(2);
  });
});
