/**
 * Test-time speech: real synthesized speech (Flite, 16 kHz mono) for STT accuracy,
 * pipeline and browser e2e tests, with optional padding and noise. Deterministic for a
 * given text, options and seed.
 */
import { writeFile } from 'node:fs/promises';
import { createFliteTts, type FliteTts, type FliteVoice } from '../providers/tts/flite';
import { encodeWav } from '../providers/tts/flite/wav';
import { seededRandom } from '../../lib/seeded-random';
import { concatPcm } from '../../lib/audio/pcm';

export const SPEECH_SAMPLE_RATE = 16000;

export interface SpeechOptions {
  /** Default kal16, the voice pocketsphinx recognises best. */
  voice?: FliteVoice;
  /** Silence added before the speech; default 0 (Flite already leaves a short pause). */
  leadingSilenceMs?: number;
  /** Silence added after the speech; default 0. */
  trailingSilenceMs?: number;
  /**
   * Level of a faint white-noise floor over the whole clip, as RMS in dBFS (0 dBFS = RMS of
   * 32768). Default -60. Exact digital silence confuses recognisers and VADs in ways real
   * microphones never do. -Infinity for none.
   */
  noiseDbfs?: number;
  /**
   * Also add noise over the whole clip whose RMS is this many dB below the RMS of the
   * synthesized speech (Flite's output as is, before padding).
   */
  snrDb?: number;
  /** Colour of the snrDb noise; default white. */
  noiseColor?: 'white' | 'pink';
  /** Seeds the noise; default 1. */
  seed?: number;
}

const engines = new Map<FliteVoice, FliteTts>();

/** One warm single-worker engine per voice, shared by every test in the process. */
function engineFor(voice: FliteVoice): FliteTts {
  let engine = engines.get(voice);
  if (!engine) {
    engine = createFliteTts({ voice, workers: 1 });
    engines.set(voice, engine);
  }
  return engine;
}

/** Stops the shared engines. Optional: idle engines do not keep the process alive. */
export async function closeSpeechEngines(): Promise<void> {
  const all = [...engines.values()];
  engines.clear();
  await Promise.all(all.map((engine) => engine.close()));
}

/** `text` spoken by Flite as 16 kHz mono PCM16, padded and noised as asked. */
export async function synthesizeSpeech(text: string, options: SpeechOptions = {}): Promise<Int16Array> {
  const speech = await synthesizeClean(text, options.voice ?? 'kal16');
  const lead = msToSamples(options.leadingSilenceMs ?? 0);
  const trail = msToSamples(options.trailingSilenceMs ?? 0);
  const mix = new Float64Array(lead + speech.length + trail);
  for (let i = 0; i < speech.length; i++) mix[lead + i] = speech[i];

  const random = seededRandom(options.seed ?? 1);
  const floorDbfs = options.noiseDbfs ?? -60;
  if (floorDbfs > -Infinity) addNoise(mix, 32768 * 10 ** (floorDbfs / 20), 'white', random);
  if (options.snrDb !== undefined) {
    addNoise(mix, rms(speech) / 10 ** (options.snrDb / 20), options.noiseColor ?? 'white', random);
  }

  const out = new Int16Array(mix.length);
  for (let i = 0; i < mix.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i])));
  return out;
}

export type SpeechWavOptions = SpeechOptions;

/**
 * A 16 kHz 16-bit mono WAV of `text` for Chromium's `--use-file-for-fake-audio-capture`. The file
 * starts playing at getUserMedia, so by default it gets 1.5 s of leading and 1 s of
 * trailing silence (with the noise floor).
 */
export async function writeSpeechWav(path: string, text: string, options: SpeechWavOptions = {}): Promise<void> {
  const pcm = await synthesizeSpeech(text, { leadingSilenceMs: 1500, trailingSilenceMs: 1000, ...options });
  await writeFile(path, encodeWav(pcm, SPEECH_SAMPLE_RATE));
}

/**
 * Splits PCM into the frames a real client sends: 20 ms = 320 samples = 640 bytes at 16 kHz.
 * The last frame is zero-padded to full size, as a client's capture buffer would be.
 */
export function chunkPcm(pcm: Int16Array, ms = 20, sampleRate = SPEECH_SAMPLE_RATE): Int16Array[] {
  const size = Math.round((sampleRate * ms) / 1000);
  if (size < 1) throw new Error(`chunkPcm: ${ms} ms is less than one sample`);
  const chunks: Int16Array[] = [];
  for (let start = 0; start < pcm.length; start += size) {
    const chunk = new Int16Array(size);
    chunk.set(pcm.subarray(start, start + size));
    chunks.push(chunk);
  }
  return chunks;
}

async function synthesizeClean(text: string, voice: FliteVoice): Promise<Int16Array> {
  const chunks: Int16Array[] = [];
  for await (const chunk of engineFor(voice).synthesize({ text, signal: new AbortController().signal })) {
    chunks.push(chunk);
  }
  return concatPcm(chunks);
}

function msToSamples(ms: number): number {
  if (!(ms >= 0)) throw new Error(`synthesizeSpeech: silence must be >= 0 ms, got ${ms}`);
  return Math.round((SPEECH_SAMPLE_RATE * ms) / 1000);
}

/** Adds noise scaled to exactly `targetRms` over the whole buffer, so measured levels match. */
export function addNoise(mix: Float64Array, targetRms: number, color: 'white' | 'pink', random: () => number): void {
  const noise = new Float64Array(mix.length);
  for (let i = 0; i < noise.length; i++) noise[i] = gaussian(random);
  if (color === 'pink') pinkFilter(noise);
  const scale = targetRms / Math.max(rms(noise), Number.MIN_VALUE);
  for (let i = 0; i < mix.length; i++) mix[i] += noise[i] * scale;
}

/** Paul Kellet's economy pink filter (approximates -3 dB/octave), in place. */
function pinkFilter(x: Float64Array): void {
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < x.length; i++) {
    const white = x[i];
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    x[i] = b0 + b1 + b2 + white * 0.1848;
  }
}

export function rms(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / Math.max(1, x.length));
}

/** Standard normal sample (Box-Muller). */
function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

