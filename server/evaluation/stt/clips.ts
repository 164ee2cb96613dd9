/**
 * The evaluation's clips: every offline voice we have (the four Flite voices at normal and changed
 * speaking rates, espeak-ng accents and variants), mixed with noise and cut the way a browser
 * client sends an utterance (its VAD's ~300 ms pre-roll before the speech, ~550 ms hangover
 * after it, a faint noise floor throughout), 16 kHz mono PCM16.
 *
 * Clean renderings are cached on disk by engine, voice and text (Flite and espeak-ng are
 * deterministic), so repeated runs only pay for decoding.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadResamplers } from '../../audio/resampler';
import { createFliteTts, type FliteTts, type FliteVoice } from '../../providers/tts/flite';
import { decodeWav } from '../../providers/tts/flite/wav';
import { seededRandom } from '../../../lib/seeded-random';
import { addNoise, rms } from '../../testing/test-speech';
import { loadRecording } from './recordings';
import { concatPcm } from '../../../lib/audio/pcm';

export const SAMPLE_RATE = 16000;

export type EvalVoice =
  | { id: string; engine: 'flite'; voice: FliteVoice; durationStretch?: number }
  | { id: string; engine: 'espeak'; voice: string; wordsPerMinute?: number }
  | { id: string; engine: 'recording' };

/** People, recorded (recordings.ts): says only the recordings' own texts. */
export const RECORDED_VOICE: EvalVoice = { id: 'recorded', engine: 'recording' };

/** The four Flite voices as they are: the figures the targets are about. */
export const FLITE_VOICES: readonly EvalVoice[] = [
  { id: 'kal16', engine: 'flite', voice: 'kal16' },
  { id: 'slt', engine: 'flite', voice: 'slt' },
  { id: 'rms', engine: 'flite', voice: 'rms' },
  { id: 'awb', engine: 'flite', voice: 'awb' },
];

/** Flite at other speaking rates (duration_stretch > 1 is slower). */
export const FLITE_RATE_VOICES: readonly EvalVoice[] = [
  { id: 'kal16-fast', engine: 'flite', voice: 'kal16', durationStretch: 0.8 },
  { id: 'slt-slow', engine: 'flite', voice: 'slt', durationStretch: 1.3 },
  { id: 'rms-fast', engine: 'flite', voice: 'rms', durationStretch: 0.85 },
  { id: 'awb-slow', engine: 'flite', voice: 'awb', durationStretch: 1.25 },
];

/** espeak-ng (Debian package): accents, a female variant, other rates. Default rate 175 wpm. */
export const ESPEAK_VOICES: readonly EvalVoice[] = [
  { id: 'espeak-us', engine: 'espeak', voice: 'en-us' },
  { id: 'espeak-gb', engine: 'espeak', voice: 'en-gb' },
  { id: 'espeak-scotland', engine: 'espeak', voice: 'en-gb-scotland' },
  { id: 'espeak-caribbean', engine: 'espeak', voice: 'en-029' },
  { id: 'espeak-us-f3', engine: 'espeak', voice: 'en-us+f3' },
  { id: 'espeak-rp-m3-slow', engine: 'espeak', voice: 'en-gb-x-rp+m3', wordsPerMinute: 140 },
  { id: 'espeak-us-fast', engine: 'espeak', voice: 'en-us-nyc', wordsPerMinute: 210 },
];

export const ALL_VOICES: readonly EvalVoice[] = [...FLITE_VOICES, ...FLITE_RATE_VOICES, ...ESPEAK_VOICES];

/**
 * Noise conditions: the faint floor alone, or noise at a signal-to-noise ratio on top: pink
 * (-3 dB/octave, like most room, fan, traffic and crowd noise) or white (hiss, equal power up to
 * 8 kHz: much harsher on a recogniser, since it buries the high bands speech has little energy in).
 */
export type NoiseLevel = 'clean' | 'snr20' | 'snr10' | 'snr20-white' | 'snr10-white';
export const NOISE_LEVELS: readonly NoiseLevel[] = ['clean', 'snr20', 'snr10', 'snr20-white', 'snr10-white'];
const NOISE: Readonly<Record<NoiseLevel, { snrDb: number; color: 'pink' | 'white' } | undefined>> = {
  clean: undefined,
  snr20: { snrDb: 20, color: 'pink' },
  snr10: { snrDb: 10, color: 'pink' },
  'snr20-white': { snrDb: 20, color: 'white' },
  'snr10-white': { snrDb: 10, color: 'white' },
};

/** How a client cuts an utterance. */
export const LEAD_MS = 300;
export const TRAIL_MS = 550;
/** Faint white-noise floor (RMS, dBFS): a quiet room through a real microphone. */
export const FLOOR_DBFS = -60;

export interface SpeechRendererOptions {
  /** Where clean renderings are cached; default <tmpdir>/parley-eval-speech. null: no cache. */
  cacheDir?: string | null;
}

/** Renders clean speech with any evaluation voice (cached). Call close() when done. */
export class SpeechRenderer {
  private readonly flite = new Map<string, FliteTts>();
  private readonly cacheDir: string | null;

  constructor(options: SpeechRendererOptions = {}) {
    this.cacheDir = options.cacheDir === undefined ? path.join(os.tmpdir(), 'parley-eval-speech') : options.cacheDir;
    if (this.cacheDir) mkdirSync(this.cacheDir, { recursive: true });
  }

  async render(voice: EvalVoice, text: string): Promise<Int16Array> {
    if (voice.engine === 'recording') return loadRecording(text);
    const key = createHash('sha256')
      .update(JSON.stringify(voice.engine === 'espeak' ? [voice, text, ESPEAK_RESAMPLING] : [voice, text]))
      .digest('hex')
      .slice(0, 24);
    const file = this.cacheDir ? path.join(this.cacheDir, `${key}.pcm`) : null;
    if (file) {
      try {
        const bytes = readFileSync(file);
        return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2).slice();
      } catch {
        // not cached yet
      }
    }
    const pcm = voice.engine === 'flite' ? await this.renderFlite(voice, text) : await renderEspeak(voice, text);
    if (file) {
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      renameSync(tmp, file);
    }
    return pcm;
  }

  async close(): Promise<void> {
    const engines = [...this.flite.values()];
    this.flite.clear();
    await Promise.all(engines.map((e) => e.close()));
  }

  private async renderFlite(voice: Extract<EvalVoice, { engine: 'flite' }>, text: string): Promise<Int16Array> {
    const key = `${voice.voice}@${voice.durationStretch ?? 1}`;
    let engine = this.flite.get(key);
    if (!engine) {
      engine = createFliteTts({ voice: voice.voice, workers: 1, durationStretch: voice.durationStretch });
      this.flite.set(key, engine);
    }
    const chunks: Int16Array[] = [];
    for await (const chunk of engine.synthesize({ text, signal: new AbortController().signal })) chunks.push(chunk);
    return concatPcm(chunks);
  }
}

/** How espeak-ng's audio is brought to 16 kHz: part of the cache key (sox did it before). */
const ESPEAK_RESAMPLING = { resampler: 'speex', quality: 10 } as const;

/** espeak-ng's WAV (22.05 kHz), resampled to 16 kHz by the server's resampler at its best quality. */
async function renderEspeak(voice: Extract<EvalVoice, { engine: 'espeak' }>, text: string): Promise<Int16Array> {
  const wav = await new Promise<Buffer>((resolve, reject) => {
    const espeak = spawn('espeak-ng', ['-v', voice.voice, '-s', String(voice.wordsPerMinute ?? 175), '--stdout', text], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    espeak.stdout.on('data', (b: Buffer) => out.push(b));
    espeak.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const fail = (error: Error) => reject(new Error(`espeak-ng (${voice.voice}): ${error.message}`));
    espeak.on('error', fail);
    espeak.on('close', (code) => {
      if (code !== 0) return fail(new Error(`exited with ${code}: ${stderr.trim()}`));
      resolve(Buffer.concat(out));
    });
  });
  // Written to a pipe, the header gives placeholder sizes (0x7ffff000): decodeWav stops where the data does.
  const decoded = decodeWav(wav);
  if (decoded.channels !== 1 || decoded.samples.length === 0) {
    throw new Error(`espeak-ng (${voice.voice}): expected mono audio, got ${decoded.channels} channels, ${decoded.samples.length} samples`);
  }
  if (decoded.sampleRate === SAMPLE_RATE) return decoded.samples;
  const resampler = (await loadResamplers()).create(decoded.sampleRate, SAMPLE_RATE, { quality: ESPEAK_RESAMPLING.quality });
  try {
    return concatPcm([resampler.process(decoded.samples), resampler.flush()]);
  } finally {
    resampler.close();
  }
}

/**
 * The utterance as a client sends it: lead-in and trailing silence, the noise floor, and for
 * the snr levels noise whose RMS is that many dB below the RMS of the rendered speech (as
 * rendered, like server/testing/test-speech.ts), over the whole clip. Recordings keep their own
 * silence and room (`recorded`: no lead-in, trail or floor added), noise is added the same way.
 */
export function prepareClip(clean: Int16Array, noise: NoiseLevel, seed: number, recorded = false): Int16Array {
  const lead = recorded ? 0 : Math.round((SAMPLE_RATE * LEAD_MS) / 1000);
  const trail = recorded ? 0 : Math.round((SAMPLE_RATE * TRAIL_MS) / 1000);
  const mix = new Float64Array(lead + clean.length + trail);
  for (let i = 0; i < clean.length; i++) mix[lead + i] = clean[i];
  const random = seededRandom(seed);
  if (!recorded) addNoise(mix, 32768 * 10 ** (FLOOR_DBFS / 20), 'white', random);
  const extra = NOISE[noise];
  if (extra) addNoise(mix, rms(clean) / 10 ** (extra.snrDb / 20), extra.color, random);
  const out = new Int16Array(mix.length);
  for (let i = 0; i < mix.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i])));
  return out;
}
