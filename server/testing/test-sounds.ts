/**
 * Test-time sounds that are not the person's speech, for the VAD, the endpointer and the
 * barge-in guard: pink noise, a cough-like burst, music-like chords, and espeak-ng speech (a
 * voice unlike Flite's). Deterministic for a given seed. 16 kHz mono PCM16.
 */
import { spawnSync } from 'node:child_process';
import { concatPcm, rmsDbfs } from '../../lib/audio/pcm';
import { seededRandom } from '../../lib/seeded-random';
import { loadResamplers } from '../audio/resampler';
import { addNoise, chunkPcm, SPEECH_SAMPLE_RATE } from './test-speech';

const RATE = SPEECH_SAMPLE_RATE;
const samplesOf = (ms: number) => Math.round((RATE * ms) / 1000);

function toPcm(mix: Float64Array): Int16Array {
  const out = new Int16Array(mix.length);
  for (let i = 0; i < mix.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i])));
  return out;
}

function scaleTo(mix: Float64Array, dbfs: number): Float64Array {
  let sum = 0;
  for (const x of mix) sum += x * x;
  const current = Math.sqrt(sum / Math.max(1, mix.length));
  const gain = current > 0 ? (32768 * 10 ** (dbfs / 20)) / current : 0;
  for (let i = 0; i < mix.length; i++) mix[i] *= gain;
  return mix;
}

/** `ms` of pink noise at an RMS of `dbfs`. */
export function pinkNoise(ms: number, dbfs: number, seed = 1): Int16Array {
  const mix = new Float64Array(samplesOf(ms));
  addNoise(mix, 32768 * 10 ** (dbfs / 20), 'pink', seededRandom(seed));
  return toPcm(mix);
}

/** Silence with a faint white-noise floor (a real microphone is never exactly silent). */
export function quiet(ms: number, dbfs = -60, seed = 1): Int16Array {
  const mix = new Float64Array(samplesOf(ms));
  addNoise(mix, 32768 * 10 ** (dbfs / 20), 'white', seededRandom(seed));
  return toPcm(mix);
}

/**
 * A cough: a burst of noise with a sharp attack and a fast decay, lowpassed to a chesty band,
 * `ms` long (a cough is ~200-400 ms), its loud part at `peakDbfs` RMS.
 */
export function cough(ms = 250, peakDbfs = -20, seed = 1): Int16Array {
  const n = samplesOf(ms);
  const random = seededRandom(seed);
  const mix = new Float64Array(n);
  let low = 0;
  let band = 0;
  for (let i = 0; i < n; i++) {
    const white = random() * 2 - 1;
    // Two one-pole filters: a band roughly 200 Hz - 2 kHz.
    low += 0.45 * (white - low);
    band += 0.08 * (low - band);
    const t = i / RATE;
    const attack = Math.min(1, t / 0.012);
    const decay = Math.exp(-t / (ms / 1000 / 3));
    mix[i] = (low - band) * attack * decay;
  }
  return toPcm(scaleTo(mix, peakDbfs + 4)); // the decay makes the whole burst ~4 dB quieter than its start
}

/** Music-like sound: chords of harmonic tones, a new chord every 250-600 ms, with soft onsets. */
export function chords(ms: number, dbfs = -25, seed = 1): Int16Array {
  const random = seededRandom(seed);
  const n = samplesOf(ms);
  const mix = new Float64Array(n);
  const roots = [130.81, 146.83, 164.81, 174.61, 196.0, 220.0, 246.94];
  let at = 0;
  while (at < n) {
    const length = Math.min(n - at, samplesOf(250 + random() * 350));
    const root = roots[Math.floor(random() * roots.length)];
    const notes = [root, root * 1.2599, root * 1.4983]; // a major triad, equal temperament
    for (const f of notes) {
      for (let h = 1; h <= 4; h++) {
        const amplitude = 1 / h;
        const phase = random() * Math.PI * 2;
        for (let i = 0; i < length; i++) {
          const envelope = Math.min(1, i / samplesOf(20)) * Math.exp(-i / samplesOf(400));
          mix[at + i] += amplitude * envelope * Math.sin(phase + (2 * Math.PI * f * h * i) / RATE);
        }
      }
    }
    at += length;
  }
  return toPcm(scaleTo(mix, dbfs));
}

/** `pcm` changed in level by `db` (negative: quieter), as an echo of it would be. */
export function attenuate(pcm: Int16Array, db: number): Int16Array {
  const gain = 10 ** (db / 20);
  return Int16Array.from(pcm, (x) => Math.round(x * gain));
}

/** Sums two clips sample by sample (the longer one's length), clipped. */
export function mixPcm(a: Int16Array, b: Int16Array, offsetOfB = 0): Int16Array {
  const out = new Float64Array(Math.max(a.length, offsetOfB + b.length));
  for (let i = 0; i < a.length; i++) out[i] += a[i];
  for (let i = 0; i < b.length; i++) out[offsetOfB + i] += b[i];
  return toPcm(out);
}

/** `text` spoken by Debian's espeak-ng (voice e.g. en-us, en-gb, en-us+f3), resampled to 16 kHz. */
export async function espeakSpeech(text: string, voice = 'en-us'): Promise<Int16Array> {
  const run = spawnSync('espeak-ng', ['-v', voice, '-s', '165', '--stdout', text], { maxBuffer: 64 << 20 });
  if (run.status !== 0 || !run.stdout?.length) throw new Error(`espeak-ng failed (${run.status}): ${run.stderr?.toString() ?? 'is it installed? apt-get install espeak-ng'}`);
  const wav = run.stdout as Buffer;
  const rate = wav.readUInt32LE(24);
  // espeak-ng writes a 44-byte header with an unknown data length when streaming.
  const data = wav.subarray(44);
  const pcm = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1)));
  const resampler = (await loadResamplers()).create(rate, RATE);
  const out = concatPcm([resampler.process(pcm), resampler.flush()]);
  resampler.close();
  return out;
}

/**
 * Where a clean clip's speech begins, in ms: its first 10 ms within `belowPeakDb` of its loudest
 * 10 ms. 35 dB finds the first sound (the "s" of "stop"), 20 dB the first vowel.
 */
export function onsetMs(clean: Int16Array, belowPeakDb = 35): number {
  const levels = chunkPcm(clean, 10).map(rmsDbfs);
  const peak = Math.max(...levels);
  return Math.max(0, levels.findIndex((db) => db > peak - belowPeakDb)) * 10;
}
