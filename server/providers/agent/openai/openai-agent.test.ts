/**
 * The Chat Completions agent against a local server speaking the real wire format: tokens
 * handed on as they arrive, the context as the model gets it, barge-in closing the connection,
 * and every way the server can fail (slow, cut off, malformed, refusing) as a clear error.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isProviderTimeout, ProviderError } from '../../errors';
import { startFakeChatServer, tokensOf, type FakeChatServer } from '../../../testing/fake-providers/chat-completions';
import type { AgentMessage } from '../types';
import { createOpenAiAgent } from '.';
import { chatMessages } from './messages';

const KEY = 'sk-test-0123456789abcdefSECRET';
let fake: FakeChatServer;
beforeAll(async () => {
  fake = await startFakeChatServer();
});
afterAll(() => fake.close());
afterEach(() => vi.restoreAllMocks());

const history: AgentMessage[] = [{ role: 'user', text: 'hello' }];
const request = (signal = new AbortController().signal, extra: Partial<Parameters<ReturnType<typeof createOpenAiAgent>['reply']>[0]> = {}) => ({
  history,
  signal,
  now: new Date('2025-06-03T12:05:00Z'),
  timeZone: 'Europe/Paris',
  ...extra,
});

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of iterable) pieces.push(piece);
  return pieces;
}

/** The error the reply ends with, and the pieces before it. */
async function failure(iterable: AsyncIterable<string>): Promise<{ error: Error; pieces: string[] }> {
  const pieces: string[] = [];
  try {
    for await (const piece of iterable) pieces.push(piece);
  } catch (error) {
    return { error: error as Error, pieces };
  }
  throw new Error(`the reply did not fail; it said ${JSON.stringify(pieces.join(''))}`);
}

const quickLimits = { connectMs: 2_000, firstByteMs: 2_000, totalMs: 10_000 };

describe('the OpenAI-compatible agent', () => {
  it('hands each token on as it arrives, before the model has finished', async () => {
    fake.script = { tokens: tokensOf('It is five past two. Anything else?'), tokenIntervalMs: 40 };
    const agent = createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'llama3.2' });
    const start = fake.requests.length;
    const iterator = agent.reply(request())[Symbol.asyncIterator]();
    const first = await iterator.next();
    const upstream = fake.requests[start];
    expect(first.value).toBe('It');
    expect(upstream.completed).toBe(false);
    expect(upstream.tokenAt.length).toBeLessThan(6);
    const rest: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    expect(['It', ...rest].join('')).toBe('It is five past two. Anything else?');
  });

  it('sends the model, a streaming request, the system prompt with the moment, and the turns as heard', async () => {
    fake.script = { tokens: ['Yes.'] };
    const start = fake.requests.length;
    const agent = createOpenAiAgent({ baseUrl: `${fake.baseUrl}/`, model: 'llama3.2', apiKey: KEY, systemPrompt: 'Be brief.' });
    const conversation: AgentMessage[] = [
      { role: 'agent', text: 'cut off by the context bound' },
      { role: 'user', text: 'what is twelve times seven' },
      { role: 'agent', text: 'Eighty-four.' },
      { role: 'user', text: 'and the date' },
      { role: 'user', text: '  ' },
      { role: 'user', text: 'in Paris' },
    ];
    await collect(agent.reply(request(undefined, { history: conversation })));
    const sent = fake.requests[start];
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toMatchObject({ model: 'llama3.2', stream: true });
    expect(sent.body.messages).toEqual([
      { role: 'system', content: 'Be brief.\n\nIt is now Tuesday, 3 June 2025 at 14:05 (Europe/Paris).' },
      { role: 'user', content: 'what is twelve times seven' },
      { role: 'assistant', content: 'Eighty-four.' },
      { role: 'user', content: 'and the date\nin Paris' },
    ]);

    // A person's own prompt replaces the configured one; no key, no Authorization header.
    await collect(createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm' }).reply(request(undefined, { systemPrompt: 'Speak like a pirate.' })));
    const own = fake.requests[start + 1];
    expect(own.headers.authorization).toBeUndefined();
    expect(own.body.messages?.[0].content).toMatch(/^Speak like a pirate\.\n\nIt is now/);
  });

  it('closes the upstream connection at once on barge-in and ends quietly', async () => {
    fake.script = { tokens: tokensOf('one two three four five six seven eight nine ten. '.repeat(10)), tokenIntervalMs: 20 };
    const start = fake.requests.length;
    const bargeIn = new AbortController();
    const agent = createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm' });
    const pieces: string[] = [];
    const closedAfter = (async () => {
      for await (const piece of agent.reply(request(bargeIn.signal))) {
        pieces.push(piece);
        if (pieces.length === 3) {
          const abortedAt = performance.now();
          bargeIn.abort();
          return (await fake.requests[start].closed) - abortedAt;
        }
      }
      return Infinity;
    })();
    expect(await closedAfter).toBeLessThan(1_000);
    expect(fake.requests[start].completed).toBe(false);
  });

  it('gives up on a server that sends nothing: a provider time-out', async () => {
    fake.script = { firstTokenDelayMs: 5_000, tokens: ['late'] };
    const agent = createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: { connectMs: 2_000, firstByteMs: 300, totalMs: 10_000 } });
    const { error } = await failure(agent.reply(request()));
    expect(isProviderTimeout(error)).toBe(true);
    expect(error.message).toBe('The language model server sent nothing within 0.3 s.');
  });

  it('gives up on a server that does not answer at all', async () => {
    fake.script = { headersDelayMs: 5_000, tokens: ['late'] };
    const agent = createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: { connectMs: 300, firstByteMs: 2_000, totalMs: 10_000 } });
    const { error } = await failure(agent.reply(request()));
    expect(isProviderTimeout(error)).toBe(true);
    expect(error.message).toBe('The language model server did not answer within 0.3 s.');
  });

  it('bounds the whole reply', async () => {
    fake.script = { tokens: tokensOf('a b c d e f g h i j k l m n o p'), tokenIntervalMs: 100 };
    const agent = createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: { connectMs: 2_000, firstByteMs: 2_000, totalMs: 500 } });
    const { error, pieces } = await failure(agent.reply(request()));
    expect(isProviderTimeout(error)).toBe(true);
    expect(error.message).toBe('The language model server did not finish within 0.5 s.');
    expect(pieces.length).toBeGreaterThan(0);
  });

  it('says the connection was lost when the server drops it mid-reply, after what it did say', async () => {
    let heard!: () => void;
    fake.script = { tokens: tokensOf('Sure. Here is the thing you asked for'), disconnectAfter: 3, disconnectWhen: new Promise((resolve) => (heard = resolve)) };
    const pieces: string[] = [];
    let error: Error | undefined;
    try {
      for await (const piece of createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: quickLimits }).reply(request())) {
        pieces.push(piece);
        if (pieces.join('') === 'Sure. Here is') heard();
      }
    } catch (caught) {
      error = caught as Error;
    }
    expect(pieces.join('')).toBe('Sure. Here is');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error?.message).toBe('The connection to the language model server was lost mid-reply.');
  });

  it('treats a reply that stops without finishing as cut off', async () => {
    fake.script = { tokens: ['Half'], done: false };
    const { error } = await failure(createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: quickLimits }).reply(request()));
    expect(error.message).toBe('The connection to the language model server was lost mid-reply.');
  });

  it('refuses a malformed chunk rather than guessing, and logs it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    fake.script = { tokens: ['One', ' two'], malformedAfter: 1 };
    const { error, pieces } = await failure(createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: quickLimits }).reply(request()));
    expect(pieces).toEqual(['One']);
    expect(error.message).toBe('The language model server sent a reply Parley cannot read.');
    expect(log.mock.calls.flat().join(' ')).toMatch(/unreadable chunk: \{"choices"/);
  });

  it('says what to check when the server refuses, never showing or logging the key', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const cases = [
      { status: 401, message: 'The language model server refused the request (HTTP 401): check AGENT_API_KEY.' },
      { status: 404, message: 'The language model server refused the request (HTTP 404): check AGENT_BASE_URL and AGENT_MODEL.' },
      { status: 400, message: 'The language model server refused the request (HTTP 400): check AGENT_MODEL and AGENT_BASE_URL.' },
      { status: 500, message: 'The language model server refused the request (HTTP 500): it failed; try again.' },
    ];
    for (const { status, message } of cases) {
      const start = fake.requests.length;
      fake.script = { status, errorBody: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }) };
      const { error } = await failure(createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', apiKey: KEY, limits: quickLimits }).reply(request()));
      expect(error.message).toBe(message);
      expect(fake.requests.length - start, `HTTP ${status} is not retried`).toBe(1);
    }
    const logged = log.mock.calls.flat().join(' ');
    expect(logged).toMatch(/HTTP 401: .*Incorrect API key provided: \[redacted\]/);
    expect(logged).not.toContain(KEY);
    expect(logged).not.toContain('SECRET');
  });

  it('asks a busy server again a bounded number of times, with backoff, before anything was said', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let start = fake.requests.length;
    fake.script = (r) => (r.index - start < 2 ? { status: 503 } : { tokens: ['Back.'] });
    expect((await collect(createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: quickLimits }).reply(request()))).join('')).toBe('Back.');
    const [first, , third] = fake.requests.slice(start);
    expect(third.receivedAt - first.receivedAt).toBeGreaterThan(150);

    start = fake.requests.length;
    fake.script = { status: 429 };
    const { error } = await failure(createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm', limits: quickLimits }).reply(request()));
    expect(error.message).toBe('The language model server refused the request (HTTP 429): it is rate-limiting Parley; try again in a moment.');
    expect(fake.requests.length - start).toBe(3);
  });

  it('says the server cannot be reached when nothing listens there', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const { error } = await failure(createOpenAiAgent({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', limits: quickLimits }).reply(request()));
    expect(error.message).toBe('The language model server could not be reached (ECONNREFUSED): check AGENT_BASE_URL.');
  });

  it('does not even connect for a request already stopped', async () => {
    const start = fake.requests.length;
    const stopped = new AbortController();
    stopped.abort();
    expect(await collect(createOpenAiAgent({ baseUrl: fake.baseUrl, model: 'm' }).reply(request(stopped.signal)))).toEqual([]);
    expect(fake.requests.length).toBe(start);
  });
});

describe('chatMessages', () => {
  it('uses UTC for an unknown time zone', () => {
    const [system] = chatMessages({ systemPrompt: 'P', history: [{ role: 'user', text: 'hi' }], now: new Date('2025-06-03T12:05:00Z'), timeZone: 'Mars/Olympus' });
    expect(system.content).toBe('P\n\nIt is now Tuesday, 3 June 2025 at 12:05 (UTC).');
  });
});
