/** Text-to-speech: one sentence in, mono PCM16 out, cancellable. */
export interface TtsRequest {
  text: string;
  /** Aborted on barge-in: the provider stops work and the iterator ends. */
  signal: AbortSignal;
  /** The person's own voice (Settings), for engines with several; else the configured one. */
  voice?: string;
}

export interface Tts {
  readonly name: string;
  /**
   * The rate of the audio synthesize() yields, whatever the engine makes. The voice session
   * wants 16 kHz: createProviders converts any other rate (resampledTo16kHz in resampled.ts).
   */
  readonly sampleRate: number;
  /**
   * The voices a person may choose in Settings (TtsRequest.voice), the configured one first;
   * engines with one voice leave it out.
   */
  voices?(): Promise<string[]>;
  /** Audio of the text, in pieces of any size, as soon as they exist. */
  synthesize(request: TtsRequest): AsyncIterable<Int16Array>;
  close(): Promise<void>;
}
