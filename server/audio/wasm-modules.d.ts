// The echogarden wasm packages ship no type declarations: these cover what we call.
interface EmscriptenHeaps {
  HEAP16: Int16Array;
  HEAPU32: Uint32Array;
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

declare module '@echogarden/rnnoise-wasm' {
  export interface RnnoiseModule extends EmscriptenHeaps {
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    _rnnoise_get_frame_size(): number;
    /** Denoises 480 float samples (int16 scale, 48 kHz) from `input` into `output`; returns P(voice). */
    _rnnoise_process_frame(state: number, output: number, input: number): number;
  }
  const createRnnoiseModule: () => Promise<RnnoiseModule>;
  export default createRnnoiseModule;
}

declare module '@echogarden/speex-resampler-wasm/simd' {
  export interface SpeexResamplerModule extends EmscriptenHeaps {
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errorPointer: number): number;
    _speex_resampler_destroy(state: number): void;
    _speex_resampler_skip_zeros(state: number): number;
    /** The filter's delay, in input samples. */
    _speex_resampler_get_input_latency(state: number): number;
    _speex_resampler_process_int(
      state: number,
      channel: number,
      input: number,
      inputLengthPointer: number,
      output: number,
      outputLengthPointer: number,
    ): number;
  }
  const createSpeexResamplerModule: () => Promise<SpeexResamplerModule>;
  export default createSpeexResamplerModule;
}

declare module '@echogarden/fvad-wasm' {
  export interface FvadModule extends EmscriptenHeaps {
    /** A new detector (mode 0, 8 kHz), or 0 when out of memory. */
    _fvad_new(): number;
    _fvad_free(state: number): void;
    _fvad_reset(state: number): void;
    /** Aggressiveness 0 (least) to 3 (most); returns 0, or -1 for a bad mode. */
    _fvad_set_mode(state: number, mode: number): number;
    /** 8000, 16000, 32000 or 48000; returns 0, or -1 for another rate. */
    _fvad_set_sample_rate(state: number, rate: number): number;
    /** One 10, 20 or 30 ms frame of int16 samples → 1 voice, 0 none, -1 a bad frame length. */
    _fvad_process(state: number, frame: number, length: number): number;
  }
  const createFvadModule: () => Promise<FvadModule>;
  export default createFvadModule;
}
