/**
 * Voice activity detection for audio the server cuts into utterances itself (a WebRTC track):
 * one 20 ms frame of 16 kHz mono PCM16 in, a probability of speech out. The endpointer
 * (server/voice/endpointing.ts) turns the probabilities into utterance starts and ends.
 *
 * 'silero' (the default) is Silero VAD v5, a small neural network (server/audio/silero-vad.ts);
 * 'webrtc' is the WebRTC VAD (libfvad as wasm, @echogarden/fvad-wasm): a GMM over band
 * energies, 0 or 1 per frame, ~2 µs, but it calls most loud noise speech. Engines are loaded
 * once per process; each stream gets its own detector state. docs/vad.md compares them.
 */
import createFvadModule, { type FvadModule } from '@echogarden/fvad-wasm';

export const VAD_SAMPLE_RATE = 16000;
/** 20 ms at 16 kHz. */
export const VAD_FRAME_SAMPLES = 320;
export const VAD_FRAME_MS = 20;

export type VadKind = 'webrtc' | 'silero';

export interface VoiceActivityDetector {
  /** One 20 ms frame of 16 kHz mono PCM16 (320 samples) → probability of speech, 0..1. */
  process(frame: Int16Array): number;
  reset(): void;
  close(): void;
}

export interface VadOptions {
  kind?: VadKind;
  /** WebRTC VAD aggressiveness 0-3 (higher: fewer false starts, more clipped speech). Default 2. */
  webrtcMode?: 0 | 1 | 2 | 3;
}

export const DEFAULT_WEBRTC_MODE = 2;
/** Chosen by measurement (docs/vad.md): no false starts on noise or coughs, for ~0.1-0.3 ms a frame. */
export const DEFAULT_VAD: VadKind = 'silero';

let fvad: Promise<FvadModule> | null = null;

/**
 * libfvad calls its first 4 frames after a start or reset voiced whatever they hold (measured:
 * white or pink noise from -50 to -30 dBFS, modes 0-3), before its noise model has adapted:
 * they are fed to it but reported silent.
 */
const WEBRTC_WARM_UP_FRAMES = 5;

export async function createVoiceActivityDetector(options: VadOptions = {}): Promise<VoiceActivityDetector> {
  const kind = options.kind ?? DEFAULT_VAD;
  switch (kind) {
    case 'webrtc': {
      fvad ??= createFvadModule();
      return new WebRtcVad(await fvad, options.webrtcMode ?? DEFAULT_WEBRTC_MODE);
    }
    case 'silero': {
      const { createSileroVad } = await import('./silero-vad');
      return createSileroVad();
    }
    default:
      throw new Error(`vad: unknown kind ${JSON.stringify(kind)}; use 'webrtc' or 'silero'`);
  }
}

export function checkFrame(frame: Int16Array): void {
  if (frame.length !== VAD_FRAME_SAMPLES) {
    throw new Error(`vad: a frame is ${VAD_FRAME_SAMPLES} samples (20 ms at 16 kHz), got ${frame.length}`);
  }
}

class WebRtcVad implements VoiceActivityDetector {
  private readonly state: number;
  private readonly framePointer: number;
  private closed = false;
  private warmUp = WEBRTC_WARM_UP_FRAMES;

  constructor(
    private readonly module: FvadModule,
    private readonly mode: number,
  ) {
    if (!Number.isInteger(mode) || mode < 0 || mode > 3) throw new Error(`vad: the WebRTC VAD mode is 0-3, got ${mode}`);
    this.state = module._fvad_new();
    if (this.state === 0) throw new Error('vad: out of wasm memory creating a detector');
    this.framePointer = module._malloc(VAD_FRAME_SAMPLES * 2);
    this.configure();
  }

  private configure(): void {
    if (this.module._fvad_set_mode(this.state, this.mode) !== 0 || this.module._fvad_set_sample_rate(this.state, VAD_SAMPLE_RATE) !== 0) {
      throw new Error('vad: libfvad refused its settings');
    }
  }

  process(frame: Int16Array): number {
    if (this.closed) throw new Error('vad: process() after close()');
    checkFrame(frame);
    this.module.HEAP16.set(frame, this.framePointer / 2);
    const voiced = this.module._fvad_process(this.state, this.framePointer, VAD_FRAME_SAMPLES);
    if (voiced < 0) throw new Error('vad: libfvad rejected the frame');
    if (this.warmUp > 0) {
      this.warmUp--;
      return 0;
    }
    return voiced;
  }

  reset(): void {
    if (this.closed) return;
    // fvad_reset also forgets the mode and the rate.
    this.module._fvad_reset(this.state);
    this.configure();
    this.warmUp = WEBRTC_WARM_UP_FRAMES;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.module._free(this.framePointer);
    this.module._fvad_free(this.state);
  }
}
