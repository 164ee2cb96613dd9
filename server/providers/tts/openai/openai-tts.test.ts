/**
 * The OpenAI-style voice against a local speech server speaking the real wire format (chunked
 * 24 kHz PCM split anywhere, or WAV): every sample arrives as sent, at 16 kHz after the one
 * resampler, cancellable mid-sentence, and each way the server fails is a clear error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isProviderTimeout } from '../../errors';
import { startFakeSpeechServer, tone, type FakeSpeechServer } from '../../../testing/fake-providers/speech';
import { resampledTo16kHz } from '../resampled';
import { createOpenAiTts } from '.';

let fake: FakeSpeechServer;
beforeAll(async () => {
  fake = await startFakeSpeechServer();
});
afterAll(() => fake.close());
afterEach(() => {
  vi.restoreAllMocks();
  fake.script = {};
  fake.voices = ['af_heart', 'af_bella', 'bm_george'];
});

const quick = { connectMs: 2_000, firstByteMs: 2_000, totalMs: 10_000 };
const tts = (extra: Partial<Parameters<typeof createOpenAiTts>[0]> = {}) => createOpenAiTts({ baseUrl: fake.baseUrl, model: 'kokoro', voice: 'af_heart', limits: quick, ...extra });

async function collect(iterable: AsyncIterable<Int16Array>): Promise<Int16Array> {
  const pieces: Int16Array[] = [];
  for await (const piece of iterable) pieces.push(piece);
  const out = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function failure(iterable: AsyncIterable<Int16Array>): Promise<Error> {
  try {
    for await (const _ of iterable) {
      // draining
    }
  } catch (error) {
    return error as Error;
  }
  throw new Error('synthesis did not fail');
}

const text = 'Twelve times seven is eighty-four.';
const signal = () => new AbortController().signal;

describe('the OpenAI-style voice', () => {
  it('asks for raw PCM in the configured voice and yields every sample as sent, whatever the pieces', async () => {
    const start = fake.requests.length;
    const audio = await collect(tts({ apiKey: 'sk-tts-test-key-0123456789' }).synthesize({ text, signal: signal() }));
    const sent = fake.requests[start];
    expect(sent.body).toEqual({ model: 'kokoro', input: text, voice: 'af_heart', response_format: 'pcm' });
    expect(sent.headers.authorization).toBe('Bearer sk-tts-test-key-0123456789');
    expect(audio).toEqual(tone(Math.round((text.length * 60 * 24000) / 1000), 24000));
  });

  it("speaks in the person's own voice when given one", async () => {
    const start = fake.requests.length;
    await collect(tts().synthesize({ text, signal: signal(), voice: 'bm_george' }));
    expect(fake.requests[start].body.voice).toBe('bm_george');
  });

  it('takes a WAV answer at the expected rate, and says what is wrong with any other', async () => {
    fake.script = { format: 'wav' };
    expect(await collect(tts().synthesize({ text, signal: signal() }))).toEqual(tone(Math.round((text.length * 60 * 24000) / 1000), 24000));
    fake.script = { format: 'wav', sampleRate: 22050 };
    const error = await failure(tts().synthesize({ text, signal: signal() }));
    expect(error.message).toBe('The speech synthesis server sent 22050 Hz 16-bit audio with 1 channel(s); Parley asks for raw PCM (response_format pcm) and takes mono 16-bit at 24000 Hz.');
  });

  it('comes out at 16 kHz through the one resampler', async () => {
    const voice = await resampledTo16kHz(tts());
    expect(voice.sampleRate).toBe(16000);
    const audio = await collect(voice.synthesize({ text, signal: signal() }));
    expect(Math.abs(audio.length - (text.length * 60 * 16000) / 1000)).toBeLessThan(100);
    expect(await voice.voices?.()).toEqual(['af_heart', 'af_bella', 'bm_george']);
  });

  it('stops mid-sentence when the person barges in: the request is closed at once', async () => {
    fake.script = { pieceIntervalMs: 50 };
    const start = fake.requests.length;
    const bargeIn = new AbortController();
    let pieces = 0;
    for await (const _ of tts().synthesize({ text: text.repeat(5), signal: bargeIn.signal })) {
      if (++pieces === 2) bargeIn.abort();
    }
    const sent = fake.requests[start];
    await sent.closed;
    expect(sent.completed).toBe(false);
  });

  it('gives up on a server that sends no audio: a provider time-out', async () => {
    fake.script = { firstByteDelayMs: 3_000 };
    const error = await failure(tts({ limits: { ...quick, firstByteMs: 300 } }).synthesize({ text, signal: signal() }));
    expect(isProviderTimeout(error)).toBe(true);
    expect(error.message).toBe('The speech synthesis server sent nothing within 0.3 s.');
  });

  it('says the connection was lost when the server drops it mid-sentence', async () => {
    fake.script = { disconnectAfter: 2 };
    const error = await failure(tts().synthesize({ text, signal: signal() }));
    expect(error.message).toBe('The connection to the speech synthesis server was lost mid-reply.');
  });

  it('says what to check when the server refuses', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    fake.script = { status: 404 };
    expect((await failure(tts().synthesize({ text, signal: signal() }))).message).toBe('The speech synthesis server refused the request (HTTP 404): check TTS_BASE_URL and TTS_MODEL.');
    const start = fake.requests.length;
    fake.script = (r) => (r.index === start ? { status: 503 } : {});
    expect((await collect(tts().synthesize({ text, signal: signal() }))).length).toBeGreaterThan(0);
    expect(fake.requests.length - start).toBe(2);
  });

  it('lists the configured voice alone when the server lists none', async () => {
    fake.voices = null;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await tts({ voice: 'my-voice' }).voices?.()).toEqual(['my-voice']);
  });
});
