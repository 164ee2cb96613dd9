/**
 * Noise suppression in front of the embedded recogniser. pocketsphinx's acoustic model was
 * trained on clean speech and falls apart in background noise; RNNoise (xiph's small recurrent
 * denoiser, BSD, as wasm in @echogarden/rnnoise-wasm) takes in-domain word error rate in pink
 * noise at 10 dB SNR from ~58% to ~35% and leaves clean speech as it was (docs/recognition.md).
 *
 * RNNoise works on 10 ms frames at 48 kHz, so each stream resamples 16 kHz → 48 kHz → 16 kHz
 * with the Speex resampler (server/audio/resampler.ts). A little of the input is kept
 * under the denoised signal (`residual`): a recogniser does better with a steady trace of noise
 * than with noise that comes and goes with every word (measured, see docs/recognition.md).
 *
 * Output sample i is input sample i, denoised: the 10 ms RNNoise delay and the resamplers'
 * delays are taken out, and flush() returns the rest, so the output is as long as the input.
 */
import createRnnoiseModule, { type RnnoiseModule } from '@echogarden/rnnoise-wasm';
import { concatPcm } from '../../../../lib/audio/pcm';
import { loadResamplers, type Resampler, type Resamplers } from '../../../audio/resampler';

const RATE = 16000;
const RNNOISE_RATE = 48000;
const FRAME = 480; // RNNoise's frame: 10 ms at 48 kHz

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
  resamplers: Resamplers;
}

let modules: Promise<Modules> | null = null;

function loadModules(): Promise<Modules> {
  modules ??= Promise.all([createRnnoiseModule(), loadResamplers()]).then(([rnnoise, resamplers]) => ({ rnnoise, resamplers }));
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
    // Their own flush() is not used: flush() below pushes silence through the whole chain.
    this.up = modules.resamplers.create(RATE, RNNOISE_RATE);
    this.down = modules.resamplers.create(RNNOISE_RATE, RATE);
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

function clamp16(x: number): number {
  return x >= 32767 ? 32767 : x <= -32768 ? -32768 : Math.round(x);
}
