import { beforeAll, describe, expect, it } from 'vitest';
import { concatPcm } from '../../../lib/audio/pcm';
import { loadResamplers, type Resamplers } from '../../audio/resampler';
import { resampledTo16kHz } from './resampled';
import type { Tts, TtsRequest } from './types';

const RATE = 24000;
const HZ = 440;

/** A 24 kHz engine: one second of a 440 Hz sine per sentence, in 100 ms pieces. */
class SineTts implements Tts {
  readonly name = 'sine';
  readonly sampleRate = RATE;
  piecesMade = 0;
  /** Pieces after which the engine goes quiet for good (a slow engine that ignores the signal). */
  stallAfter: number | null = null;
  closed = false;
  async *synthesize(request: TtsRequest): AsyncIterable<Int16Array> {
    for (let start = 0; start < RATE; start += RATE / 10) {
      if (request.signal.aborted) return;
      if (this.stallAfter !== null && this.piecesMade >= this.stallAfter) await new Promise(() => {});
      await new Promise((resolve) => setTimeout(resolve, 1));
      this.piecesMade++;
      yield Int16Array.from({ length: RATE / 10 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * HZ * (start + i)) / RATE)));
    }
  }
  async close() {
    this.closed = true;
  }
}

function zeroCrossings(x: Int16Array): number {
  let count = 0;
  for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 !== x[i] < 0) count++;
  return count;
}

/** Real resamplers, counting the ones still open. */
function countingResamplers(real: Resamplers) {
  const counts = { created: 0, closed: 0 };
  const resamplers: Resamplers = {
    create(from, to, options) {
      const resampler = real.create(from, to, options);
      counts.created++;
      const close = resampler.close.bind(resampler);
      let closed = false;
      resampler.close = () => {
        if (!closed) counts.closed++;
        closed = true;
        close();
      };
      return resampler;
    },
  };
  return { resamplers, counts };
}

describe('TTS at another sample rate', () => {
  let real: Resamplers;
  beforeAll(async () => {
    real = await loadResamplers();
  });

  it('is resampled to 16 kHz piece by piece: 2/3 of the samples, the same frequency', async () => {
    const engine = new SineTts();
    const { resamplers, counts } = countingResamplers(real);
    const tts = await resampledTo16kHz(engine, resamplers);
    expect(tts.sampleRate).toBe(16000);

    const pieces: Int16Array[] = [];
    const madeWhenReceived: number[] = [];
    for await (const pcm of tts.synthesize({ text: 'a sentence', signal: new AbortController().signal })) {
      pieces.push(pcm);
      madeWhenReceived.push(engine.piecesMade);
    }
    const out = concatPcm(pieces);
    expect(Math.abs(out.length - (RATE * 2) / 3)).toBeLessThanOrEqual(2);
    expect(Math.abs(zeroCrossings(out) - 2 * HZ)).toBeLessThanOrEqual(2);
    expect(madeWhenReceived[0]).toBe(1); // streamed: the first piece is out before the engine is done
    expect(pieces.length).toBeGreaterThanOrEqual(10);
    expect(counts).toEqual({ created: 2, closed: 2 }); // one checked at start-up, one for the sentence

    await tts.close();
    expect(engine.closed).toBe(true);
  });

  it('stops at once when the request is aborted, even while the engine is busy, and frees the resampler', async () => {
    const engine = new SineTts();
    engine.stallAfter = 3;
    const { resamplers, counts } = countingResamplers(real);
    const tts = await resampledTo16kHz(engine, resamplers);
    const controller = new AbortController();
    const iterator = tts.synthesize({ text: 'a sentence', signal: controller.signal })[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) expect((await iterator.next()).done).toBe(false);

    const pending = iterator.next(); // the engine is stalled: this waits...
    controller.abort(); // ...until the abort
    const abortedAt = performance.now();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(performance.now() - abortedAt).toBeLessThan(50);
    expect(counts.closed).toBe(counts.created);
    expect(engine.piecesMade).toBe(3);
  });

  it('frees the resampler when the consumer stops early or the engine fails', async () => {
    const { resamplers, counts } = countingResamplers(real);
    const tts = await resampledTo16kHz(new SineTts(), resamplers);
    for await (const _ of tts.synthesize({ text: 'a', signal: new AbortController().signal })) break;
    expect(counts.closed).toBe(counts.created);

    const failing = new SineTts();
    failing.synthesize = async function* () {
      yield new Int16Array(2400);
      throw new Error('the synthesis worker died');
    };
    const broken = await resampledTo16kHz(failing, resamplers);
    const drain = async () => {
      for await (const _ of broken.synthesize({ text: 'a', signal: new AbortController().signal }));
    };
    await expect(drain()).rejects.toThrow('the synthesis worker died');
    expect(counts.closed).toBe(counts.created);
  });

  it('leaves a 16 kHz engine as it is', async () => {
    const engine: Tts = { name: 'native', sampleRate: 16000, synthesize: async function* () {}, close: async () => {} };
    expect(await resampledTo16kHz(engine)).toBe(engine);
  });
});
