/**
 * /api/settings against the real server (embedded engines): only the caller's own settings,
 * validated with messages that say what to do, the configured voices to choose from.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createToken, signUp, type TestUser } from '../../../server/testing/users';

const baseUrl = inject('serverUrl');
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([signUp(baseUrl, 'Alice'), signUp(baseUrl, 'Bob')]);
});

const get = (user: TestUser) => fetch(`${baseUrl}/api/settings`, { headers: { cookie: user.cookie } });
const put = (user: TestUser, body: unknown) =>
  fetch(`${baseUrl}/api/settings`, { method: 'PUT', headers: { cookie: user.cookie, origin: baseUrl, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('/api/settings', () => {
  it('asks who is asking', async () => {
    expect((await fetch(`${baseUrl}/api/settings`)).status).toBe(401);
    const crossSite = await fetch(`${baseUrl}/api/settings`, { method: 'PUT', headers: { cookie: alice.cookie, origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{"systemPrompt":null,"voice":null}' });
    expect(crossSite.status).toBe(403);
  });

  it('starts at the defaults, with the embedded voices to choose from', async () => {
    const response = await get(alice);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      systemPrompt: null,
      voice: null,
      keepAudio: false,
      recordings: { count: 0, bytes: 0, retentionDays: null },
      voices: ['kal16', 'slt', 'rms', 'awb'],
      agentTakesPrompt: false,
      defaults: { systemPrompt: null, voice: 'kal16' },
    });
  });

  it("keeps each person's own, and nobody sees another's", async () => {
    const saved = await put(alice, { systemPrompt: '  Answer like a ship captain.  ', voice: 'slt' });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ systemPrompt: 'Answer like a ship captain.', voice: 'slt' });
    expect(await (await get(alice)).json()).toMatchObject({ systemPrompt: 'Answer like a ship captain.', voice: 'slt' });
    expect(await (await get(bob)).json()).toMatchObject({ systemPrompt: null, voice: null });

    // Empty means the default again; an API token reaches the same settings.
    await put(alice, { systemPrompt: '', voice: null });
    const { token } = await createToken(baseUrl, alice);
    expect(await (await fetch(`${baseUrl}/api/settings`, { headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ systemPrompt: null, voice: null });
  });

  it('keeps audio only once asked, and leaves it as it is when a save does not mention it', async () => {
    const carol = await signUp(baseUrl, 'Carol');
    expect(await (await get(carol)).json()).toMatchObject({ keepAudio: false });
    expect(await (await put(carol, { systemPrompt: null, voice: null, keepAudio: true })).json()).toMatchObject({ keepAudio: true });
    expect(await (await put(carol, { systemPrompt: 'Be brief.', voice: null })).json()).toMatchObject({ systemPrompt: 'Be brief.', keepAudio: true });
    expect(await (await get(bob)).json()).toMatchObject({ keepAudio: false });
    expect(await (await put(carol, { systemPrompt: null, voice: null, keepAudio: false })).json()).toMatchObject({ keepAudio: false });
  });

  it('says what is wrong with a bad body', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ systemPrompt: 'x'.repeat(4001), voice: null }, /^systemPrompt: systemPrompt must be at most 4000 characters$/],
      [{ systemPrompt: null, voice: 'darth' }, /^voice: "darth" is not a voice of this server; choose one of kal16, slt, rms, awb, or null for the default\.$/],
      [{ systemPrompt: 42, voice: null }, /^systemPrompt: systemPrompt must be a string, or null for the default$/],
      [{ voice: null }, /^systemPrompt: systemPrompt must be a string, or null for the default$/],
      [{ systemPrompt: null, voice: null, keepAudio: 'yes' }, /^keepAudio: keepAudio must be true or false \(or left out to keep it as it is\)$/],
    ];
    for (const [body, message] of cases) {
      const response = await put(bob, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });
});
