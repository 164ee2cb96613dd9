/**
 * The OpenAI-style recogniser against a local transcription server reading real multipart
 * uploads: the utterance arrives as the 16 kHz WAV that was spoken, the transcript comes back,
 * partials come from the embedded recogniser meanwhile, and each failure is a clear error.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isProviderTimeout } from '../../errors';
import { startFakeTranscriptionServer, type FakeTranscriptionServer } from '../../../testing/fake-providers/transcriptions';
import { ScriptedStt } from '../../../testing/voice-harness';
import { createOpenAiStt } from '.';

let fake: FakeTranscriptionServer;
beforeAll(async () => {
  fake = await startFakeTranscriptionServer();
});
afterAll(() => fake.close());
afterEach(() => {
  vi.restoreAllMocks();
  fake.script = {};
});

const quick = { connectMs: 2_000, firstByteMs: 2_000, totalMs: 5_000 };
const stt = (extra: Partial<Parameters<typeof createOpenAiStt>[0]> = {}) => createOpenAiStt({ baseUrl: fake.baseUrl, model: 'Systran/faster-whisper-small', limits: quick, ...extra });
const speech = (ms: number) => Int16Array.from({ length: (ms * 16000) / 1000 }, (_, i) => Math.round(5000 * Math.sin(i / 7)));

async function recognise(recogniser = stt(), audio = speech(1000), onPartial: (text: string) => void = () => {}): Promise<string> {
  const stream = recogniser.start({ onPartial });
  for (let i = 0; i < audio.length; i += 320) stream.write(audio.subarray(i, i + 320));
  return stream.end();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not fail');
}

describe('the OpenAI-style recogniser', () => {
  it('uploads the utterance as a 16 kHz WAV and gives the transcript back', async () => {
    fake.script = { text: (audio) => `  heard ${audio.samples.length} samples at ${audio.sampleRate} Hz ` };
    const start = fake.requests.length;
    const audio = speech(1234);
    expect(await recognise(stt({ apiKey: 'sk-stt-test-key-0123456789' }), audio)).toBe(`heard ${audio.length} samples at 16000 Hz`);
    const upload = fake.requests[start];
    expect(upload.fields).toEqual({ model: 'Systran/faster-whisper-small', response_format: 'json' });
    expect(upload.file).toMatchObject({ name: 'utterance.wav', type: 'audio/wav', audio: { sampleRate: 16000, channels: 1 } });
    expect(upload.file!.audio.samples).toEqual(audio);
    expect(upload.headers.authorization).toBe('Bearer sk-stt-test-key-0123456789');
  });

  it('sends nothing for an utterance too short to hold a word', async () => {
    const start = fake.requests.length;
    expect(await recognise(stt(), speech(60))).toBe('');
    expect(fake.requests.length).toBe(start);
  });

  it('shows the embedded recogniser\'s partials while the person speaks, and frees it at the end', async () => {
    const embedded = new ScriptedStt();
    const partials: string[] = [];
    expect(await recognise(stt({ partials: embedded }), speech(100), (p) => partials.push(p))).toBe('hello there');
    expect(partials.at(-1)).toBe('heard 1600 samples');
    expect(embedded.recognitions[0].aborted).toBe(true);

    // A partial recogniser that cannot be had costs nothing but the partials.
    embedded.failStart = new Error('busy');
    expect(await recognise(stt({ partials: embedded }))).toBe('hello there');
  });

  it('gives up on a server that does not answer: a provider time-out', async () => {
    fake.script = { delayMs: 3_000 };
    const error = await rejection(recognise(stt({ limits: { ...quick, connectMs: 300 } })));
    expect(isProviderTimeout(error)).toBe(true);
    expect(error.message).toBe('The speech recognition server did not answer within 0.3 s.');
  });

  it('asks again, a bounded number of times, when the server drops the connection', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const start = fake.requests.length;
    fake.script = (r) => (r.index === start ? { disconnect: true } : { text: 'second time lucky' });
    expect(await recognise()).toBe('second time lucky');
    const again = fake.requests.length;
    fake.script = { disconnect: true };
    expect((await rejection(recognise())).message).toBe('The speech recognition server closed the connection without answering.');
    expect(fake.requests.length - again).toBe(3);
  });

  it('refuses a malformed answer and says what to check when refused', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    fake.script = { rawBody: '<html>oops</html>' };
    expect((await rejection(recognise())).message).toBe('The speech recognition server sent a transcript Parley cannot read.');
    fake.script = { rawBody: '{"transcript": "wrong shape"}' };
    expect((await rejection(recognise())).message).toBe('The speech recognition server sent a transcript Parley cannot read.');
    fake.script = { status: 401 };
    expect((await rejection(recognise())).message).toBe('The speech recognition server refused the request (HTTP 401): check STT_API_KEY.');
  });

  it('drops the upload when the utterance is aborted while it is being recognised', async () => {
    fake.script = { delayMs: 1_000 };
    const start = fake.requests.length;
    const stream = stt().start({ onPartial: () => {} });
    stream.write(speech(500));
    const ending = stream.end();
    await vi.waitUntil(() => fake.requests.length > start);
    stream.abort();
    expect(await ending).toBe('');
    await fake.requests[start].closed;
    expect(fake.requests[start].answered).toBe(false);
  });
});
