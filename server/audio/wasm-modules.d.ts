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
