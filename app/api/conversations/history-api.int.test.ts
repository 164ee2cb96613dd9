/**
 * The history JSON API on the real production server (PGlite, or PostgreSQL in the second
 * pass), with conversations spoken through the real /ws: who may see and change what, the
 * list and its search, pages and dates, renaming, deleting, exports, and every bad parameter.
 * The queries' finer points (paging while history changes, date bounds, search syntax) are
 * tested on the store itself in server/store/history.int.test.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ContractClient, UpgradeRefused } from '@/server/testing/contract-client';
import { closeSpeechEngines, synthesizeSpeech } from '@/server/testing/test-speech';
import { createToken, signUp, type TestUser } from '@/server/testing/users';

const baseUrl = inject('serverUrl');
const origin = new URL(baseUrl).origin;

interface Summary {
  id: string;
  title: string | null;
  createdAt: string;
  updatedAt: string;
  turnCount: number;
  durationMs: number;
  preview: string;
}
interface Turn {
  id: string;
  position: number;
  role: 'user' | 'agent';
  text: string;
  interrupted: boolean;
  startedAt: string;
  endedAt: string;
  replyTo: string[] | null;
  sttLatencyMs: number | null;
  agentLatencyMs: number | null;
  ttsLatencyMs: number | null;
  voiceToVoiceMs: number | null;
}
interface Detail {
  conversation: Summary;
  turns: Turn[];
}
interface Page {
  conversations: Summary[];
  nextCursor: string | null;
}

let alice: TestUser;
let bob: TestUser;
let aliceToken: string;
let bobToken: string;
/** Alice's conversations: "twelve times seven" (answered 84), then "nine times six" (54); Bob's: one like her first. */
let sevens: string;
let sixes: string;
let bobs: string;

const asCookie = (user: TestUser, extra: Record<string, string> = {}) => ({ cookie: user.cookie, origin, ...extra });
const asToken = (token: string) => ({ authorization: `Bearer ${token}` });

async function api(path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  return fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
}

async function json<T>(path: string, headers: Record<string, string>): Promise<T> {
  const response = await api(path, { headers });
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  return (await response.json()) as T;
}

/** Speaks each question in one new conversation and waits until every turn is stored. */
async function talk(user: TestUser, questions: string[]): Promise<string> {
  const client = await ContractClient.connect(baseUrl, { cookie: user.cookie });
  const { conversationId } = await client.next('session.ready');
  for (const [index, question] of questions.entries()) {
    const from = client.received.length;
    await client.speak(`q${index}`, await synthesizeSpeech(question, { leadingSilenceMs: 200, trailingSilenceMs: 200 }));
    await client.next('agent.audio.end', () => true, { from });
  }
  await client.close();
  // The agent's turn is stored as its audio ends: wait until the store has it.
  await vi.waitFor(
    async () => {
      const { turns } = await json<Detail>(`/api/conversations/${conversationId}`, asCookie(user));
      expect(turns.length).toBe(questions.length * 2);
    },
    { timeout: 30_000, interval: 100 },
  );
  return conversationId;
}

async function refusal(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.status;
    throw error;
  }
  throw new Error('the upgrade was accepted');
}

async function expectBadRequest(response: Response, mentions: RegExp) {
  expect(response.status).toBe(400);
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(error.message).toMatch(mentions);
  return error;
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([signUp(baseUrl, 'Alice'), signUp(baseUrl, 'Bob')]);
  [aliceToken, bobToken] = (await Promise.all([createToken(baseUrl, alice), createToken(baseUrl, bob)])).map((t) => t.token);
  sevens = await talk(alice, ['what is twelve times seven']);
  sixes = await talk(alice, ['what is nine times six']);
  bobs = await talk(bob, ['what is twelve times seven']);
  // A connection where nobody speaks makes a conversation without turns, never listed.
  const silent = await ContractClient.connect(baseUrl, { cookie: alice.cookie });
  await silent.next('session.ready');
  await silent.close();
});
afterAll(() => closeSpeechEngines());

describe('who may use it', () => {
  it('answers 401 on every route without a session or a valid token', async () => {
    const routes = [
      ['GET', '/api/conversations'],
      ['GET', `/api/conversations/${sevens}`],
      ['PATCH', `/api/conversations/${sevens}`],
      ['DELETE', `/api/conversations/${sevens}`],
      ['GET', `/api/conversations/${sevens}/export?format=json`],
      ['GET', `/api/conversations/${sevens}/export?format=markdown`],
    ];
    for (const [method, path] of routes) {
      for (const headers of [{}, asToken('prl_not-a-real-token'), { cookie: 'better-auth.session_token=forged.value', origin }] as Record<string, string>[]) {
        const response = await api(path, { method, headers, body: method === 'PATCH' ? { title: 'x' } : undefined });
        expect(response.status, `${method} ${path}`).toBe(401);
      }
    }
  });

  it("answers 404 on every route for another person's conversation, exactly as for one that does not exist", async () => {
    const bodies: string[] = [];
    for (const target of [sevens, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      for (const headers of [asCookie(bob), asToken(bobToken)]) {
        for (const [method, path, body] of [
          ['GET', `/api/conversations/${target}`],
          ['PATCH', `/api/conversations/${target}`, { title: 'Mine now' }],
          ['DELETE', `/api/conversations/${target}`],
          ['GET', `/api/conversations/${target}/export?format=json`],
          ['GET', `/api/conversations/${target}/export?format=markdown`],
          // A bad parameter on someone else's conversation says nothing either.
          ['GET', `/api/conversations/${target}/export?format=pdf`],
          ['PATCH', `/api/conversations/${target}`, { title: '' }],
        ] as const) {
          const response = await api(path, { method, headers, body });
          expect(response.status, `${method} ${path}`).toBe(404);
          bodies.push(await response.text());
        }
      }
    }
    expect(new Set(bodies).size).toBe(1);
    // Nothing changed for Alice, and Bob's list never shows her conversations.
    const { conversation, turns } = await json<Detail>(`/api/conversations/${sevens}`, asToken(aliceToken));
    expect(conversation.title).not.toBe('Mine now');
    expect(turns.length).toBe(2);
    const bobsList = await json<Page>('/api/conversations', asToken(bobToken));
    expect(bobsList.conversations.map((c) => c.id)).toEqual([bobs]);
    expect((await json<Page>('/api/conversations?q=84', asToken(bobToken))).conversations.map((c) => c.id)).toEqual([bobs]);
  });

  it("refuses cookie-authenticated changes that do not come from Parley's pages, and takes them with a token", async () => {
    for (const headers of [{ cookie: alice.cookie }, { cookie: alice.cookie, origin: 'https://evil.example' }] as Record<string, string>[]) {
      expect((await api(`/api/conversations/${sevens}`, { method: 'PATCH', headers, body: { title: 'Evil' } })).status).toBe(403);
      expect((await api(`/api/conversations/${sevens}`, { method: 'DELETE', headers })).status).toBe(403);
    }
    // Reading needs no origin: links and API clients.
    expect((await api(`/api/conversations/${sevens}`, { headers: { cookie: alice.cookie } })).status).toBe(200);
    const renamed = await api(`/api/conversations/${sevens}`, { method: 'PATCH', headers: asToken(aliceToken), body: { title: 'Via token' } });
    expect(renamed.status).toBe(200);
    expect((await json<Detail>(`/api/conversations/${sevens}`, asCookie(alice))).conversation.title).toBe('Via token');
  });
});

describe('the list', () => {
  it("is the caller's conversations with turns, newest first, summed up", async () => {
    const page = await json<Page>('/api/conversations', asCookie(alice));
    expect(page.conversations.map((c) => c.id)).toEqual([sixes, sevens]);
    expect(page.nextCursor).toBeNull();
    const { conversation, turns } = await json<Detail>(`/api/conversations/${sixes}`, asCookie(alice));
    expect(page.conversations[0]).toEqual(conversation);
    expect(Object.keys(conversation).toSorted()).toEqual(['createdAt', 'durationMs', 'id', 'preview', 'title', 'turnCount', 'updatedAt']);
    expect(conversation).toMatchObject({ turnCount: 2, preview: turns[0].text });
    expect(conversation.title).toBe(turns[0].text);
    expect(conversation.durationMs).toBe(Date.parse(turns[1].endedAt) - Date.parse(turns[0].startedAt));
  });

  it('finds conversations by what either side said', async () => {
    const search = async (q: string) => (await json<Page>(`/api/conversations?q=${encodeURIComponent(q)}`, asCookie(alice))).conversations;
    const [found] = await search('84');
    expect((await search('84')).map((c) => c.id)).toEqual([sevens]);
    // The preview is the turn that matched: here, the agent's answer.
    expect(found.preview).toMatch(/84/);
    expect((await search('54')).map((c) => c.id)).toEqual([sixes]);
    expect((await search('times')).map((c) => c.id)).toEqual([sixes, sevens]);
    expect((await search('zanzibar')).map((c) => c.id)).toEqual([]);
  });

  it('pages with an opaque cursor, unmoved by a conversation that arrives between pages', async () => {
    const first = await json<Page>('/api/conversations?limit=1', asCookie(alice));
    expect(first.conversations.map((c) => c.id)).toEqual([sixes]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const arrived = await talk(alice, ['what is two plus two']);
    const second = await json<Page>(`/api/conversations?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`, asCookie(alice));
    expect(second.conversations.map((c) => c.id)).toEqual([sevens]);
    expect(second.nextCursor).toBeNull();
    expect((await json<Page>('/api/conversations', asCookie(alice))).conversations.map((c) => c.id)).toEqual([arrived, sixes, sevens]);
  });

  it('bounds the start time with from and to', async () => {
    const everything = (await json<Page>('/api/conversations', asCookie(alice))).conversations;
    const oldest = everything.at(-1)!;
    expect(oldest.id).toBe(sevens);
    const day = oldest.createdAt.slice(0, 10);
    const dayAfter = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
    const list = async (query: string) => (await json<Page>(`/api/conversations?${query}`, asCookie(alice))).conversations.map((c) => c.id);
    const startedOn = (prefix: string) => everything.filter((c) => c.createdAt >= prefix).map((c) => c.id);

    // A date is a whole UTC day; everything here started today (or, past midnight, the next day).
    expect(await list(`from=${day}&to=${day}`)).toEqual(everything.filter((c) => c.createdAt.startsWith(day)).map((c) => c.id));
    expect(await list(`from=${dayAfter}`)).toEqual(startedOn(dayAfter));
    expect(await list(`to=${new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10)}`)).toEqual([]);
    // A date and time includes its millisecond.
    const at = encodeURIComponent(oldest.createdAt);
    expect(await list(`from=${at}&to=${at}`)).toEqual([sevens]);
    expect(await list(`to=${at}`)).toEqual([sevens]);
    // Empty parameters, as a form sends them, are no parameters.
    expect(await list('from=&to=&q=&limit=&cursor=')).toEqual(everything.map((c) => c.id));
  });
});

describe('renaming', () => {
  it('sets a title of 1–200 characters, trimmed, and answers with the conversation', async () => {
    const response = await api(`/api/conversations/${sixes}`, { method: 'PATCH', headers: asCookie(alice), body: { title: '  Sixes and nines  ' } });
    expect(response.status).toBe(200);
    const { conversation } = (await response.json()) as { conversation: Summary };
    expect(conversation).toMatchObject({ id: sixes, title: 'Sixes and nines', turnCount: 2 });
    expect((await json<Page>('/api/conversations?q=54', asCookie(alice))).conversations[0].title).toBe('Sixes and nines');
    const longest = 'x'.repeat(200);
    const atLimit = await api(`/api/conversations/${sixes}`, { method: 'PATCH', headers: asCookie(alice), body: { title: longest } });
    expect(((await atLimit.json()) as { conversation: Summary }).conversation.title).toBe(longest);
  });

  it('refuses a bad body with 400 and says what is wrong', async () => {
    const patch = (body: unknown) => api(`/api/conversations/${sixes}`, { method: 'PATCH', headers: asCookie(alice), body });
    await expectBadRequest(await patch({}), /title/);
    await expectBadRequest(await patch({ title: '' }), /title: must not be empty/);
    await expectBadRequest(await patch({ title: '   ' }), /title: must not be empty/);
    await expectBadRequest(await patch({ title: 'x'.repeat(201) }), /title: at most 200 characters/);
    await expectBadRequest(await patch({ title: 5 }), /title: expected a string/);
    await expectBadRequest(await patch({ title: 'ok', owner: 'bob' }), /owner/);
    await expectBadRequest(await patch('{"title": '), /must be JSON/);
    await expectBadRequest(await patch('[]'), /object/);
  });
});

describe('exporting', () => {
  it('gives JSON that parses back to exactly the detail, as a download', async () => {
    const detail = await json<Detail>(`/api/conversations/${sevens}`, asCookie(alice));
    const response = await api(`/api/conversations/${sevens}/export?format=json`, { headers: asCookie(alice) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="parley-${detail.conversation.createdAt.slice(0, 10)}-via-token.json"`);
    const { exportVersion, exportedAt, ...exported } = (await response.json()) as Detail & { exportVersion: number; exportedAt: string };
    expect(exportVersion).toBe(1);
    expect(Date.parse(exportedAt)).not.toBeNaN();
    expect(exported).toEqual(detail);
    // JSON is the default format.
    const byDefault = await api(`/api/conversations/${sevens}/export`, { headers: asToken(aliceToken) });
    expect(byDefault.headers.get('content-disposition')).toMatch(/\.json"$/);
  });

  it('gives Markdown with the title, the date and each turn', async () => {
    const { conversation, turns } = await json<Detail>(`/api/conversations/${sixes}`, asCookie(alice));
    const response = await api(`/api/conversations/${sixes}/export?format=markdown`, { headers: asCookie(alice) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-\d{4}-\d{2}-\d{2}-x+\.md"$/);
    const markdown = await response.text();
    expect(markdown.startsWith(`# ${conversation.title}\n`)).toBe(true);
    expect(markdown).toContain(conversation.createdAt.slice(0, 10));
    for (const turn of turns) {
      expect(markdown).toContain(`**${turn.role === 'user' ? 'You' : 'Parley'}** (${turn.startedAt.slice(11, 19)}): ${turn.text}\n`);
    }
  });

  it('refuses a format it does not have', async () => {
    await expectBadRequest(await api(`/api/conversations/${sevens}/export?format=pdf`, { headers: asCookie(alice) }), /format: expected json or markdown/);
    await expectBadRequest(await api(`/api/conversations/${sevens}/export?format=json&as=file`, { headers: asCookie(alice) }), /format/);
  });
});

describe('bad list parameters', () => {
  it('each get 400 with a message naming the parameter', async () => {
    const list = (query: string) => api(`/api/conversations?${query}`, { headers: asCookie(alice) });
    for (const limit of ['0', '101', 'abc', '1.5', '-1', '1e2']) await expectBadRequest(await list(`limit=${limit}`), /^limit: /);
    for (const cursor of ['garbage', Buffer.from('123.not-a-uuid').toString('base64url'), 'x'.repeat(300)]) await expectBadRequest(await list(`cursor=${cursor}`), /^cursor: /);
    for (const date of ['2025-13-01', '2023-02-29', 'yesterday', '2025-01-31T09:30:00', '1738315800000']) {
      await expectBadRequest(await list(`from=${date}`), /^from: expected a date/);
      await expectBadRequest(await list(`to=${date}`), /^to: expected a date/);
    }
    await expectBadRequest(await list('from=2025-02-01&to=2025-01-31'), /^from: 2025-02-01 is after to \(2025-01-31\)/);
    await expectBadRequest(await list(`q=${'a'.repeat(201)}`), /^q: at most 200 characters/);
    await expectBadRequest(await list('search=hello'), /unknown parameter "search"/);
    // 200 characters is still a search.
    expect((await list(`q=${'a'.repeat(200)}`)).status).toBe(200);
  });
});

describe('deleting', () => {
  it('removes the conversation and its turns everywhere, and it can no longer be continued', async () => {
    const before = await ContractClient.connect(baseUrl, { cookie: alice.cookie, conversationId: sixes });
    await before.next('session.ready');
    await before.close();

    const response = await api(`/api/conversations/${sixes}`, { method: 'DELETE', headers: asCookie(alice) });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await api(`/api/conversations/${sixes}`, { headers: asCookie(alice) })).status).toBe(404);
    expect((await api(`/api/conversations/${sixes}/export?format=json`, { headers: asCookie(alice) })).status).toBe(404);
    expect((await json<Page>('/api/conversations', asCookie(alice))).conversations.map((c) => c.id)).not.toContain(sixes);
    expect((await json<Page>('/api/conversations?q=54', asCookie(alice))).conversations).toEqual([]);
    expect(await refusal(ContractClient.connect(baseUrl, { cookie: alice.cookie, conversationId: sixes }))).toBe(404);
    expect((await api(`/api/conversations/${sixes}`, { method: 'DELETE', headers: asCookie(alice) })).status).toBe(404);
  });
});
