/**
 * The Deepgram recogniser against a local server speaking the live API's wire format: audio
 * streamed, interim results as partials, the final on utterance end (CloseStream, close 1000),
 * keep-alive through pauses, a dropped connection reopened without losing a word, and every
 * failure a clear error, at once while the person is still speaking.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isProviderTimeout } from '../../errors';
import { blocksOf, BLOCK_SAMPLES, startFakeDeepgram, type FakeDeepgram } from '../../../testing/fake-providers/deepgram';
import { freePort } from '../../../testing/server-process';
import type { SttStream } from '../types';
import { createDeepgramStt, type DeepgramSttOptions } from '.';

let fake: FakeDeepgram;
beforeAll(async () => {
  fake = await startFakeDeepgram();
});
afterAll(() => fake.close());
afterEach(() => {
  vi.restoreAllMocks();
  fake.script = {};
});

const deepgram = (extra: Partial<DeepgramSttOptions> = {}) => createDeepgramStt({ apiKey: fake.apiKey, baseUrl: fake.url, model: 'nova-3', ...extra });

function writeAll(stream: SttStream, pcm: Int16Array): void {
  for (let i = 0; i < pcm.length; i += 320) stream.write(pcm.subarray(i, i + 320));
}

function listen(extra: Partial<DeepgramSttOptions> = {}) {
  const partials: string[] = [];
  const errors: Error[] = [];
  const stream = deepgram(extra).start({ onPartial: (p) => partials.push(p), onError: (e) => errors.push(e) });
  return { stream, partials, errors };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not fail');
}

describe('the Deepgram recogniser', () => {
  it('streams the utterance, shows interim results, and closes the stream with the final when it ends', async () => {
    const start = fake.connections.length;
    const { stream, partials } = listen();
    writeAll(stream, blocksOf([1, 2, 0, 3, 4]));
    await vi.waitUntil(() => partials.includes('w1 w2 w3 w4'), { timeout: 5_000 });
    expect(await stream.end()).toBe('w1 w2 w3 w4');
    const connection = fake.connections[start];
    expect(connection.authorization).toBe(`Token ${fake.apiKey}`);
    expect(Object.fromEntries(connection.query)).toMatchObject({ model: 'nova-3', encoding: 'linear16', sample_rate: '16000', channels: '1', interim_results: 'true' });
    expect(connection.closeStreamed).toBe(true);
    expect((await connection.closed).code).toBe(1000);
    expect(partials[0]).toBe('w1');
  });

  it('keeps the connection alive through a pause', async () => {
    const start = fake.connections.length;
    const { stream } = listen({ keepAliveMs: 100 });
    writeAll(stream, blocksOf([1]));
    await vi.waitUntil(() => (fake.connections[start]?.keepAlives ?? 0) >= 2, { timeout: 5_000 });
    writeAll(stream, blocksOf([2]));
    expect(await stream.end()).toBe('w1 w2');
  });

  it('opens the connection again when it drops mid-utterance, and loses no word', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const start = fake.connections.length;
    fake.script = (c) => (c.index === start ? { dropAfterBlocks: 5 } : {});
    const { stream, errors } = listen();
    writeAll(stream, blocksOf([1, 2, 3, 4, 5, 6]));
    await vi.waitUntil(() => fake.connections[start], { timeout: 5_000 });
    await fake.connections[start].closed;
    writeAll(stream, blocksOf([7, 8, 9, 10]));
    expect(await stream.end()).toBe('w1 w2 w3 w4 w5 w6 w7 w8 w9 w10');
    expect(errors).toEqual([]);
    // The second connection was sent only what the first had not finalized (w1-w3 were).
    expect(fake.connections.length - start).toBe(2);
    expect(fake.connections[start + 1].samples).toBe(7 * BLOCK_SAMPLES);
  });

  it('gives up after a bounded number of reconnections, at once while the person speaks', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const start = fake.connections.length;
    fake.script = { dropAfterBlocks: 1 };
    const { stream, errors } = listen();
    for (let i = 0; i < 3; i++) {
      await vi.waitUntil(() => fake.connections.length > start + i, { timeout: 5_000 });
      writeAll(stream, blocksOf([i + 1]));
      await fake.connections[start + i].closed;
    }
    await vi.waitUntil(() => errors.length > 0, { timeout: 5_000 });
    expect(errors.map((e) => e.message)).toEqual(['The connection to Deepgram was lost mid-utterance.']);
    expect(fake.connections.length - start).toBe(3);
    await expect(stream.end()).rejects.toBe(errors[0]);
  });

  it('says what to check when Deepgram refuses the key, and does not ask again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const start = fake.connections.length;
    const errors: Error[] = [];
    const stream = createDeepgramStt({ apiKey: 'dg-wrong-key-0123456789', baseUrl: fake.url, model: 'nova-3' }).start({ onPartial: () => {}, onError: (e) => errors.push(e) });
    await vi.waitUntil(() => errors.length > 0, { timeout: 5_000 });
    expect(errors[0].message).toBe('Deepgram refused the connection (HTTP 401): check STT_API_KEY.');
    expect(fake.connections.length - start).toBe(1);
    stream.abort();
  });

  it('gives up on a final that does not come: a provider time-out', async () => {
    fake.script = { closeDelayMs: 3_000 };
    const { stream } = listen({ limits: { finalMs: 300 } });
    writeAll(stream, blocksOf([1]));
    const error = await rejection(stream.end());
    expect(isProviderTimeout(error)).toBe(true);
    expect(error.message).toBe('Deepgram gave no final transcript within 0.3 s.');
  });

  it('refuses a malformed message', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    fake.script = { malformedAfterBlocks: 1 };
    const { stream, errors } = listen();
    writeAll(stream, blocksOf([1, 2]));
    await vi.waitUntil(() => errors.length > 0, { timeout: 5_000 });
    expect(errors[0].message).toBe('Deepgram sent a message Parley cannot read.');
  });

  it('closes the connection at once when the utterance is dropped', async () => {
    const start = fake.connections.length;
    const { stream } = listen();
    writeAll(stream, blocksOf([1]));
    await vi.waitUntil(() => fake.connections[start]?.samples > 0, { timeout: 5_000 });
    stream.abort();
    expect((await fake.connections[start].closed).code).toBe(1006);
  });

  it('says Deepgram cannot be reached when nothing listens there', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const port = await freePort();
    const { errors } = listen({ baseUrl: `ws://127.0.0.1:${port}/v1/listen` });
    await vi.waitUntil(() => errors.length > 0, { timeout: 5_000 });
    expect(errors[0].message).toBe('Deepgram could not be reached: check STT_BASE_URL.');
  });
});
