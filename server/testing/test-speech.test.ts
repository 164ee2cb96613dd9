import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmsDbfs } from '../../lib/audio/pcm';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech, writeSpeechWav } from './test-speech';
import { decodeWav } from '../providers/tts/flite/wav';

const TEXT = 'Please turn on the kitchen lights.';

function difference(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

function same(a: Int16Array, b: Int16Array): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Mean squared first difference over mean square: 2 for white noise, ~0.4 for pink. */
function highFrequencyRatio(x: Int16Array): number {
  let diff = 0;
  let power = 0;
  for (let i = 1; i < x.length; i++) {
    diff += (x[i] - x[i - 1]) ** 2;
    power += x[i] ** 2;
  }
  return diff / power;
}

describe('synthesizeSpeech', () => {
  let clean: Int16Array;
  beforeAll(async () => {
    clean = await synthesizeSpeech(TEXT, { noiseDbfs: -Infinity });
  });
  afterAll(() => closeSpeechEngines());

  it('gives plausible speech, padded with the requested silence', async () => {
    expect(clean.length / 16000).toBeGreaterThan(1.2);
    expect(clean.length / 16000).toBeLessThan(4);
    expect(rmsDbfs(clean)).toBeGreaterThan(-35);
    const padded = await synthesizeSpeech(TEXT, { noiseDbfs: -Infinity, leadingSilenceMs: 500, trailingSilenceMs: 250 });
    expect(padded.length).toBe(clean.length + 8000 + 4000);
    expect(padded.subarray(0, 8000).every((s) => s === 0)).toBe(true);
    expect(same(padded.subarray(8000, 8000 + clean.length), clean)).toBe(true);
  });

  it('adds a noise floor at the requested level (default -60 dBFS)', async () => {
    const floor = await synthesizeSpeech(TEXT, { leadingSilenceMs: 1000 });
    expect(rmsDbfs(floor.subarray(0, 16000))).toBeCloseTo(-60, 0);
    expect(floor.subarray(0, 16000).some((s) => s === 0)).toBe(true); // faint: many zeros remain...
    expect(floor.subarray(0, 16000).filter((s) => s !== 0).length).toBeGreaterThan(15000); // ...but not silence
    const louder = await synthesizeSpeech(TEXT, { leadingSilenceMs: 1000, noiseDbfs: -40 });
    expect(rmsDbfs(louder.subarray(0, 16000))).toBeCloseTo(-40, 0);
  });

  it.each([
    ['white', 20],
    ['white', 5],
    ['pink', 10],
  ] as const)('adds %s noise at %i dB SNR relative to the speech', async (noiseColor, snrDb) => {
    const noisy = await synthesizeSpeech(TEXT, { noiseDbfs: -Infinity, snrDb, noiseColor });
    const noise = difference(noisy, clean);
    const measured = rmsDbfs(clean) - rmsDbfs(noise);
    expect(Math.abs(measured - snrDb)).toBeLessThan(0.2);
    if (noiseColor === 'white') expect(highFrequencyRatio(noise)).toBeCloseTo(2, 1);
    else expect(highFrequencyRatio(noise)).toBeLessThan(0.6);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const options = { snrDb: 15, leadingSilenceMs: 100 };
    const a = await synthesizeSpeech(TEXT, { ...options, seed: 7 });
    const b = await synthesizeSpeech(TEXT, { ...options, seed: 7 });
    const c = await synthesizeSpeech(TEXT, { ...options, seed: 8 });
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
  });
});

describe('writeSpeechWav', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-speech-test-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await closeSpeechEngines();
  });

  it('writes a 16 kHz mono PCM16 file with the default padding', async () => {
    const speech = await synthesizeSpeech(TEXT);
    await writeSpeechWav(join(dir, 'a16.wav'), TEXT);
    const wav16 = decodeWav(readFileSync(join(dir, 'a16.wav')));
    expect([wav16.sampleRate, wav16.channels]).toEqual([16000, 1]);
    expect(wav16.samples.length).toBe(speech.length + 1.5 * 16000 + 1.0 * 16000);
  });
});

describe('chunkPcm', () => {
  it('splits into 640-byte frames and zero-pads the last one', () => {
    const pcm = new Int16Array(1000).map((_, i) => i + 1);
    const chunks = chunkPcm(pcm);
    expect(chunks.map((c) => c.byteLength)).toEqual([640, 640, 640, 640]);
    expect(Array.from(chunks[3].subarray(0, 40))).toEqual(Array.from(pcm.subarray(960)));
    expect(chunks[3].subarray(40).every((s) => s === 0)).toBe(true);
    expect(chunkPcm(pcm, 40).map((c) => c.length)).toEqual([640, 640]);
    expect(chunkPcm(new Int16Array(0))).toEqual([]);
  });
});
