/**
 * Noise suppression in front of the embedded recogniser. pocketsphinx's acoustic model was
 * trained on clean speech and falls apart in background noise; RNNoise (xiph's small recurrent
 * denoiser, BSD, as wasm in @echogarden/rnnoise-wasm) takes in-domain word error rate in pink
 * noise at 10 dB SNR from ~58% to ~35% and leaves clean speech as it was (docs/recognition.md).
 *
 * RNNoise works on 10 ms frames at 48 kHz, so each stream resamples 16 kHz → 48 kHz → 16 kHz
 * with the Speex resampler (@echogarden/speex-resampler-wasm, its SIMD build). A little of the input is kept
 * under the denoised signal (`residual`): a recogniser does better with a steady trace of noise
 * than with noise that comes and goes with every word (measured, see docs/recognition.md).
 *
 * Output sample i is input sample i, denoised: the 10 ms RNNoise delay and the resamplers'
 * delays are taken out, and flush() returns the rest, so the output is as long as the input.
 */
import createRnnoiseModule, { type RnnoiseModule } from '@echogarden/rnnoise-wasm';
import createSpeexResamplerModule, { type SpeexResamplerModule } from '@echogarden/speex-resampler-wasm/simd';
import { concatPcm } from '../../../../lib/audio/pcm';

const RATE = 16000;
const RNNOISE_RATE = 48000;
const FRAME = 480; // RNNoise's frame: 10 ms at 48 kHz
/** Largest chunk one resampler call takes (longer input is fed in pieces). */
const MAX_CHUNK = 4096;
/** Speex quality 0-10: 5 costs ~20-40 µs per 20 ms and keeps the speech band flat. */
const RESAMPLER_QUALITY = 5;

/** Measured on the evaluation set's dev split (docs/recognition.md). */
export const DEFAULT_RESIDUAL = 0.15;

export interface NoiseSuppressionOptions {
  /**
   * How much of the input stays under the denoised output, 0-1 (0: RNNoise alone). Caps the
   * suppression at about 20·log10(residual) dB. Default DEFAULT_RESIDUAL.
   */
  residual?: number;
}

/** Makes one suppressor per utterance; the wasm modules are loaded once per process. */
export interface NoiseSuppression {
  create(): NoiseSuppressor;
}

interface Modules {
  rnnoise: RnnoiseModule;
  resampler: SpeexResamplerModule;
}

let modules: Promise<Modules> | null = null;

function loadModules(): Promise<Modules> {
  modules ??= Promise.all([createRnnoiseModule(), createSpeexResamplerModule()]).then(([rnnoise, resampler]) => ({ rnnoise, resampler }));
  return modules;
}

export async function loadNoiseSuppression(options: NoiseSuppressionOptions = {}): Promise<NoiseSuppression> {
  const residual = options.residual ?? DEFAULT_RESIDUAL;
  if (!(residual >= 0 && residual <= 1)) throw new Error(`noise suppression residual must be within 0-1, got ${residual}`);
  const loaded = await loadModules();
  return { create: () => new NoiseSuppressor(loaded, residual) };
}

/** One utterance's worth of state. Not thread-safe, not reusable after close(). */
export class NoiseSuppressor {
  private readonly up: Resampler;
  private readonly down: Resampler;
  private readonly state: number;
  private readonly framePointer: number; // FRAME floats, denoised in place
  private readonly pending = new Float32Array(FRAME);
  private pendingLength = 0;
  /** The input frame RNNoise's current output belongs to (its output lags one frame). */
  private readonly previousInput = new Float32Array(FRAME);
  private framesDone = 0;
  private consumed = 0; // 16 kHz samples in
  private emitted = 0; // 16 kHz samples out
  private closed = false;

  constructor(
    private readonly modules: Modules,
    private readonly residual: number,
  ) {
    const { rnnoise } = modules;
    this.up = new Resampler(modules.resampler, RATE, RNNOISE_RATE);
    this.down = new Resampler(modules.resampler, RNNOISE_RATE, RATE);
    this.state = rnnoise._rnnoise_create(0);
    this.framePointer = rnnoise._malloc(FRAME * 4);
    if (!this.state || !this.framePointer) throw new Error('RNNoise: out of wasm memory');
  }

  /** Denoises the next piece of the utterance; returns what is ready (about as long as `pcm`). */
  process(pcm: Int16Array): Int16Array {
    if (this.closed) throw new Error('noise suppressor is closed');
    this.consumed += pcm.length;
    const out = this.down.process(this.denoise(this.up.process(pcm)));
    this.emitted += out.length;
    return out;
  }

  /** The rest of the utterance, held back by the filters' delays. */
  flush(): Int16Array {
    if (this.closed) throw new Error('noise suppressor is closed');
    const parts: Int16Array[] = [];
    const silence = new Int16Array(320);
    // Each round pushes 20 ms of silence through; the delays add up to well under 40 ms.
    for (let round = 0; round < 8 && this.emitted < this.consumed; round++) {
      const out = this.down.process(this.denoise(this.up.process(silence)));
      const wanted = Math.min(out.length, this.consumed - this.emitted);
      parts.push(out.subarray(0, wanted));
      this.emitted += wanted;
    }
    return concatPcm(parts);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.modules.rnnoise._rnnoise_destroy(this.state);
    this.modules.rnnoise._free(this.framePointer);
    this.up.close();
    this.down.close();
  }

  /** 48 kHz in, 48 kHz out, whole frames only (the rest waits in `pending`). */
  private denoise(input: Int16Array): Int16Array {
    const { rnnoise } = this.modules;
    const frames = Math.floor((this.pendingLength + input.length) / FRAME);
    const out = new Int16Array(frames * FRAME);
    let written = 0;
    let offset = 0;
    for (let f = 0; f < frames; f++) {
      const take = FRAME - this.pendingLength;
      for (let i = 0; i < take; i++) this.pending[this.pendingLength + i] = input[offset + i];
      offset += take;
      this.pendingLength = 0;
      const frame = rnnoise.HEAPF32.subarray(this.framePointer / 4, this.framePointer / 4 + FRAME);
      frame.set(this.pending);
      rnnoise._rnnoise_process_frame(this.state, this.framePointer, this.framePointer);
      const denoised = rnnoise.HEAPF32.subarray(this.framePointer / 4, this.framePointer / 4 + FRAME);
      // The first output frame is RNNoise's delay line (zeros): drop it to keep samples aligned.
      if (this.framesDone++ > 0) {
        for (let i = 0; i < FRAME; i++) out[written++] = clamp16(denoised[i] + this.residual * this.previousInput[i]);
      }
      this.previousInput.set(this.pending);
    }
    for (; offset < input.length; offset++) this.pending[this.pendingLength++] = input[offset];
    return out.subarray(0, written);
  }
}

/** One direction of streaming resampling through the Speex resampler (mono, int16). */
class Resampler {
  private readonly state: number;
  private readonly inputPointer: number;
  private readonly outputPointer: number;
  private readonly lengthsPointer: number; // two uint32: input length, output length
  private readonly maxOutput: number;

  constructor(
    private readonly module: SpeexResamplerModule,
    private readonly inRate: number,
    private readonly outRate: number,
  ) {
    const errorPointer = module._malloc(4);
    this.state = module._speex_resampler_init(1, inRate, outRate, RESAMPLER_QUALITY, errorPointer);
    const error = module.HEAPU32[errorPointer / 4];
    module._free(errorPointer);
    if (!this.state || error !== 0) throw new Error(`Speex resampler ${inRate} → ${outRate} Hz failed to start (error ${error})`);
    // Without this the output starts with the filter's delay in zeros.
    module._speex_resampler_skip_zeros(this.state);
    this.maxOutput = Math.ceil((MAX_CHUNK * outRate) / inRate) + 64;
    this.inputPointer = module._malloc(MAX_CHUNK * 2);
    this.outputPointer = module._malloc(this.maxOutput * 2);
    this.lengthsPointer = module._malloc(8);
  }

  process(input: Int16Array): Int16Array {
    const m = this.module;
    const parts: Int16Array[] = [];
    for (let offset = 0; offset < input.length; ) {
      const count = Math.min(MAX_CHUNK, input.length - offset);
      m.HEAP16.set(input.subarray(offset, offset + count), this.inputPointer / 2);
      m.HEAPU32[this.lengthsPointer / 4] = count;
      m.HEAPU32[this.lengthsPointer / 4 + 1] = this.maxOutput;
      const status = m._speex_resampler_process_int(this.state, 0, this.inputPointer, this.lengthsPointer, this.outputPointer, this.lengthsPointer + 4);
      if (status !== 0) throw new Error(`Speex resampler ${this.inRate} → ${this.outRate} Hz failed (error ${status})`);
      const used = m.HEAPU32[this.lengthsPointer / 4];
      const produced = m.HEAPU32[this.lengthsPointer / 4 + 1];
      parts.push(m.HEAP16.slice(this.outputPointer / 2, this.outputPointer / 2 + produced));
      if (used === 0) throw new Error(`Speex resampler ${this.inRate} → ${this.outRate} Hz took no input`);
      offset += used;
    }
    return concatPcm(parts);
  }

  close(): void {
    this.module._speex_resampler_destroy(this.state);
    this.module._free(this.inputPointer);
    this.module._free(this.outputPointer);
    this.module._free(this.lengthsPointer);
  }
}

function clamp16(x: number): number {
  return x >= 32767 ? 32767 : x <= -32768 ? -32768 : Math.round(x);
}
