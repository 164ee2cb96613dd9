import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatPcm } from '../../../../lib/audio/pcm';
import { seededRandom } from '../../../../lib/seeded-random';
import { addNoise, closeSpeechEngines, rms, synthesizeSpeech } from '../../../testing/test-speech';
import { loadNoiseSuppression, type NoiseSuppression } from './noise-suppression';

/** Runs `pcm` through a fresh suppressor in chunks of the given sizes (cycled). */
function run(suppression: NoiseSuppression, pcm: Int16Array, chunkSizes: readonly number[]): Int16Array {
  const suppressor = suppression.create();
  const parts: Int16Array[] = [];
  for (let offset = 0, k = 0; offset < pcm.length; k++) {
    const size = chunkSizes[k % chunkSizes.length];
    parts.push(suppressor.process(pcm.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(suppressor.flush());
  suppressor.close();
  return concatPcm(parts);
}

const dbOf = (x: ArrayLike<number>) => 20 * Math.log10(rms(x) / 32768);

/** The lag (samples) at which `b` lines up best with `a`. */
function bestLag(a: Int16Array, b: Int16Array, range: number): number {
  let best = -Infinity;
  let lag = 0;
  for (let d = -range; d <= range; d++) {
    let sum = 0;
    for (let i = range; i < a.length - range; i++) sum += a[i] * b[i + d];
    if (sum > best) {
      best = sum;
      lag = d;
    }
  }
  return lag;
}

describe('noise suppression (RNNoise front end)', () => {
  let suppression: NoiseSuppression;
  let speech: Int16Array;

  beforeAll(async () => {
    suppression = await loadNoiseSuppression();
    speech = await synthesizeSpeech('what is twelve times seven', { leadingSilenceMs: 300, trailingSilenceMs: 500 });
  });
  afterAll(closeSpeechEngines);

  it('gives back every sample, in time, however the input is chunked', () => {
    const whole = run(suppression, speech, [speech.length]);
    const chunked = run(suppression, speech, [320, 137, 1000, 1]);
    expect(whole.length).toBe(speech.length);
    expect(chunked).toEqual(whole);
    expect(Math.abs(bestLag(speech, whole, 200))).toBeLessThanOrEqual(2);
  });

  it('leaves clean speech as it was', () => {
    const out = run(suppression, speech, [320]);
    expect(Math.abs(dbOf(out) - dbOf(speech))).toBeLessThan(2);
    let dot = 0;
    for (let i = 0; i < speech.length; i++) dot += speech[i] * out[i];
    const correlation = dot / (rms(speech) * rms(out) * speech.length);
    expect(correlation).toBeGreaterThan(0.9);
  });

  it('takes steady background noise down', () => {
    const noise = new Float64Array(16000 * 2);
    addNoise(noise, 32768 * 10 ** (-30 / 20), 'pink', seededRandom(3));
    const input = Int16Array.from(noise, Math.round);
    const out = run(suppression, input, [320]);
    // After RNNoise has had half a second to learn the noise.
    const settled = (x: Int16Array) => x.subarray(8000);
    expect(dbOf(settled(out))).toBeLessThan(dbOf(settled(input)) - 10);
  });

  it('refuses a residual outside 0-1', async () => {
    await expect(loadNoiseSuppression({ residual: 2 })).rejects.toThrow(/residual/);
  });
});
