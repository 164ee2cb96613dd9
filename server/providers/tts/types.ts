/** Text-to-speech: one sentence in, 16 kHz mono PCM16 out, cancellable. */
export interface TtsRequest {
  text: string;
  /** Aborted on barge-in: the provider stops work and the iterator ends. */
  signal: AbortSignal;
}

export interface Tts {
  readonly name: string;
  readonly sampleRate: 16000;
  /** Audio of the text, in pieces of any size, as soon as they exist. */
  synthesize(request: TtsRequest): AsyncIterable<Int16Array>;
  close(): Promise<void>;
}
