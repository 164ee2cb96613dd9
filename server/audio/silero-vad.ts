/**
 * Silero VAD v5 (MIT; the ONNX file that @ricky0123/vad-web ships in its dist/) run by
 * onnxruntime-node's CPU build, in process. The model takes 512-sample windows (32 ms) with
 * the previous window's last 64 samples as context and a recurrent state, as silero-vad's
 * own OnnxWrapper does; 20 ms frames are buffered into windows, and each frame reports the
 * latest window's probability.
 *
 * onnxruntime-node's public run() defers to setImmediate; the interface is synchronous per
 * frame, so this calls the native session it wraps (a synchronous call, ~0.1-0.2 ms).
 * Loading the model costs ~300 ms and ~10 MB: one session per process serves every stream
 * (each detector keeps its own recurrent state and passes it in).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { OnnxValue, Tensor as OrtTensor, TensorConstructor } from 'onnxruntime-node';
import { checkFrame, VAD_SAMPLE_RATE, type VoiceActivityDetector } from './vad';

const WINDOW = 512;
const CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, OnnxValue>, fetches: Record<string, null>, options: object): Record<string, OnnxValue>;
  dispose(): void;
}
interface Native {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

const require = createRequire(import.meta.url);
let loaded: { native: Native; Tensor: TensorConstructor; model: Buffer } | null = null;
let shared: NativeSession | null = null;

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  let native: Native;
  let Tensor: TensorConstructor;
  let modelPath: string;
  try {
    native = require('onnxruntime-node/dist/binding.js') as Native;
    Tensor = (require('onnxruntime-node') as { Tensor: TensorConstructor }).Tensor;
    modelPath = require.resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx');
  } catch (error) {
    throw new Error(`vad: the Silero VAD needs the npm packages onnxruntime-node and @ricky0123/vad-web (${(error as Error).message}); use VAD=webrtc or install them`);
  }
  loaded = { native, Tensor, model: readFileSync(modelPath) };
  return loaded;
}

export async function createSileroVad(): Promise<VoiceActivityDetector> {
  const { native, Tensor, model } = load();
  if (!shared) {
    native.initOrt();
    const session = new native.binding.InferenceSession();
    session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
      // One call is a few hundred thousand multiply-adds: threads would cost more than they save.
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionProviders: [{ name: 'cpu' }],
      graphOptimizationLevel: 'all',
    });
    shared = session;
  }
  return new SileroVad(shared, Tensor);
}

class SileroVad implements VoiceActivityDetector {
  private readonly input = new Float32Array(CONTEXT + WINDOW);
  private filled = 0; // samples of the current window, after the context
  private state: OrtTensor;
  private readonly sr: OrtTensor;
  private probability = 0;
  private closed = false;

  constructor(
    private readonly session: NativeSession,
    private readonly Tensor: TensorConstructor,
  ) {
    this.state = new Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 128]);
    this.sr = new Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  }

  process(frame: Int16Array): number {
    if (this.closed) throw new Error('vad: process() after close()');
    checkFrame(frame);
    let offset = 0;
    while (offset < frame.length) {
      const take = Math.min(WINDOW - this.filled, frame.length - offset);
      for (let i = 0; i < take; i++) this.input[CONTEXT + this.filled + i] = frame[offset + i] / 32768;
      this.filled += take;
      offset += take;
      if (this.filled === WINDOW) this.runWindow();
    }
    return this.probability;
  }

  private runWindow(): void {
    const out = this.session.run(
      { input: new this.Tensor('float32', this.input.slice(), [1, CONTEXT + WINDOW]), state: this.state, sr: this.sr },
      { output: null, stateN: null },
      {},
    );
    this.state = out.stateN as OrtTensor;
    this.probability = (out.output as OrtTensor).data[0] as number;
    // The window's tail is the next one's context.
    this.input.copyWithin(0, WINDOW, WINDOW + CONTEXT);
    this.filled = 0;
  }

  reset(): void {
    this.state = new this.Tensor('float32', new Float32Array(STATE_SIZE), [2, 1, 128]);
    this.input.fill(0);
    this.filled = 0;
    this.probability = 0;
  }

  close(): void {
    // The session is the process's, shared by every stream.
    this.closed = true;
  }
}
