/**
 * Streaming sample-rate conversion for the server: mono PCM16 through the Speex resampler
 * (xiph's, as wasm in @echogarden/speex-resampler-wasm, its SIMD build). The wasm module is
 * loaded once per process; each stream (an utterance, a sentence) gets its own Resampler.
 *
 * Output is aligned with the input (the filter's leading zeros are skipped), and after flush()
 * a stream has produced round(input × toRate / fromRate) samples in all.
 */
import createSpeexResamplerModule, { type SpeexResamplerModule } from '@echogarden/speex-resampler-wasm/simd';
import { concatPcm } from '../../lib/audio/pcm';

/** Largest chunk one resampler call takes (longer input is fed in pieces). */
const MAX_CHUNK = 4096;
/** Speex quality 0-10: 5 costs ~20-40 µs per 20 ms (16 ↔ 48 kHz) and keeps the speech band flat. */
export const DEFAULT_RESAMPLER_QUALITY = 5;

export interface ResamplerOptions {
  /** Speex quality 0-10 (higher: flatter passband, more CPU). Default DEFAULT_RESAMPLER_QUALITY. */
  quality?: number;
}

/** Makes resamplers; the wasm module behind them is loaded once per process. */
export interface Resamplers {
  create(fromRate: number, toRate: number, options?: ResamplerOptions): Resampler;
}

let speex: Promise<SpeexResamplerModule> | null = null;

export async function loadResamplers(): Promise<Resamplers> {
  speex ??= createSpeexResamplerModule();
  const module = await speex;
  return { create: (fromRate, toRate, options) => new Resampler(module, fromRate, toRate, options?.quality ?? DEFAULT_RESAMPLER_QUALITY) };
}

/** One stream's conversion (mono, int16). Not reusable after close(); close() it to free wasm memory. */
export class Resampler {
  private readonly state: number;
  private readonly inputPointer: number;
  private readonly outputPointer: number;
  private readonly lengthsPointer: number; // two uint32: input length, output length
  private readonly maxOutput: number;
  private consumed = 0;
  private emitted = 0;
  private flushed = false;
  private closed = false;

  constructor(
    private readonly module: SpeexResamplerModule,
    readonly fromRate: number,
    readonly toRate: number,
    quality: number,
  ) {
    for (const rate of [fromRate, toRate]) {
      if (!Number.isInteger(rate) || rate < 1000 || rate > 384_000) throw new Error(`resampler: unsupported sample rate ${rate}`);
    }
    if (!Number.isInteger(quality) || quality < 0 || quality > 10) throw new Error(`resampler: quality must be an integer 0-10, got ${quality}`);
    const errorPointer = module._malloc(4);
    this.state = module._speex_resampler_init(1, fromRate, toRate, quality, errorPointer);
    const error = module.HEAPU32[errorPointer / 4];
    module._free(errorPointer);
    if (!this.state || error !== 0) throw new Error(`Speex resampler ${fromRate} → ${toRate} Hz failed to start (error ${error})`);
    // Without this the output starts with the filter's delay in zeros.
    module._speex_resampler_skip_zeros(this.state);
    this.maxOutput = Math.ceil((MAX_CHUNK * toRate) / fromRate) + 64;
    this.inputPointer = module._malloc(MAX_CHUNK * 2);
    this.outputPointer = module._malloc(this.maxOutput * 2);
    this.lengthsPointer = module._malloc(8);
  }

  /** Converts the next piece; returns what is ready (the filter holds back a few ms until flush()). */
  process(input: Int16Array): Int16Array {
    if (this.closed) throw new Error('resampler is closed');
    if (this.flushed) throw new Error('resampler was flushed: use a new one for the next stream');
    const out = this.run(input);
    this.consumed += input.length;
    this.emitted += out.length;
    return out;
  }

  /**
   * The rest of the stream, held back by the filter's delay (zeros are pushed through and the
   * output cut where the input ended). The stream is over then: process() refuses more.
   */
  flush(): Int16Array {
    if (this.closed) throw new Error('resampler is closed');
    this.flushed = true;
    const total = Math.round((this.consumed * this.toRate) / this.fromRate);
    const silence = new Int16Array(Math.max(64, this.module._speex_resampler_get_input_latency(this.state)));
    const parts: Int16Array[] = [];
    for (let round = 0; round < 4 && this.emitted < total; round++) {
      const out = this.run(silence);
      const wanted = Math.min(out.length, total - this.emitted);
      parts.push(out.subarray(0, wanted));
      this.emitted += wanted;
    }
    return concatPcm(parts);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.module._speex_resampler_destroy(this.state);
    this.module._free(this.inputPointer);
    this.module._free(this.outputPointer);
    this.module._free(this.lengthsPointer);
  }

  private run(input: Int16Array): Int16Array {
    const m = this.module;
    const parts: Int16Array[] = [];
    for (let offset = 0; offset < input.length; ) {
      const count = Math.min(MAX_CHUNK, input.length - offset);
      m.HEAP16.set(input.subarray(offset, offset + count), this.inputPointer / 2);
      m.HEAPU32[this.lengthsPointer / 4] = count;
      m.HEAPU32[this.lengthsPointer / 4 + 1] = this.maxOutput;
      const status = m._speex_resampler_process_int(this.state, 0, this.inputPointer, this.lengthsPointer, this.outputPointer, this.lengthsPointer + 4);
      if (status !== 0) throw new Error(`Speex resampler ${this.fromRate} → ${this.toRate} Hz failed (error ${status})`);
      const used = m.HEAPU32[this.lengthsPointer / 4];
      const produced = m.HEAPU32[this.lengthsPointer / 4 + 1];
      parts.push(m.HEAP16.slice(this.outputPointer / 2, this.outputPointer / 2 + produced));
      if (used === 0) throw new Error(`Speex resampler ${this.fromRate} → ${this.toRate} Hz took no input`);
      offset += used;
    }
    return concatPcm(parts);
  }
}
