import { beforeAll, describe, expect, it } from 'vitest';
import { concatPcm } from '../../lib/audio/pcm';
import { loadResamplers, type Resamplers } from './resampler';

const sine = (rate: number, hz: number, samples: number, amplitude = 8000) =>
  Int16Array.from({ length: samples }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)));

/** Sign changes. */
function zeroCrossings(x: Int16Array): number {
  let count = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1] < 0 && x[i] >= 0) || (x[i - 1] >= 0 && x[i] < 0)) count++;
  return count;
}

/** Runs `pcm` through a fresh resampler in chunks of the given sizes (cycled), then flushes. */
function convert(resamplers: Resamplers, from: number, to: number, pcm: Int16Array, chunkSizes: readonly number[]): Int16Array {
  const resampler = resamplers.create(from, to);
  const parts: Int16Array[] = [];
  for (let offset = 0, k = 0; offset < pcm.length; k++) {
    const size = chunkSizes[k % chunkSizes.length];
    parts.push(resampler.process(pcm.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(resampler.flush());
  resampler.close();
  return concatPcm(parts);
}

describe('streaming resampler', () => {
  let resamplers: Resamplers;
  beforeAll(async () => {
    resamplers = await loadResamplers();
  });

  it('gives round(n × to / from) samples after flush, however the input is chunked', () => {
    const input = sine(24000, 440, 24000 + 123);
    const whole = convert(resamplers, 24000, 16000, input, [input.length]);
    const chunked = convert(resamplers, 24000, 16000, input, [480, 7, 3000, 1]);
    expect(whole.length).toBe(Math.round((input.length * 2) / 3));
    expect(chunked).toEqual(whole);
    expect(convert(resamplers, 16000, 48000, sine(16000, 300, 3201), [320]).length).toBe(9603);
    expect(convert(resamplers, 22050, 16000, sine(22050, 300, 22050), [1024]).length).toBe(16000);
  });

  it('keeps the frequency and the timing of the signal', () => {
    const out = convert(resamplers, 24000, 16000, sine(24000, 440, 24000), [480]);
    expect(zeroCrossings(out)).toBeGreaterThanOrEqual(879);
    expect(zeroCrossings(out)).toBeLessThanOrEqual(881);
    // Sample for sample against the same sine at 16 kHz: no delay, little error (away from the edges).
    const expected = sine(16000, 440, out.length);
    let error = 0;
    for (let i = 200; i < out.length - 200; i++) error = Math.max(error, Math.abs(out[i] - expected[i]));
    expect(error).toBeLessThan(8000 * 0.02);
  });

  it('gives nothing for nothing, refuses audio after flush, bad rates and use after close', () => {
    const resampler = resamplers.create(24000, 16000);
    expect(resampler.process(new Int16Array(0)).length).toBe(0);
    expect(resampler.flush().length).toBe(0);
    expect(() => resampler.process(new Int16Array(10))).toThrow(/flushed/);
    resampler.close();
    resampler.close();
    expect(() => resampler.flush()).toThrow(/closed/);
    expect(() => resamplers.create(0, 16000)).toThrow(/sample rate/);
    expect(() => resamplers.create(16000, 16000, { quality: 11 })).toThrow(/quality/);
  });
});
