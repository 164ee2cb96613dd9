/**
 * Speech-to-text: one streaming recognition per user utterance.
 * Audio is always 16 kHz mono PCM16 (the contract's format); transports convert before this.
 */
export interface SttStreamOptions {
  /** Called with the best hypothesis so far while audio is still arriving. */
  onPartial(text: string): void;
  /**
   * Who is speaking (e.g. the voice session's id). Optional: engines that adapt to a speaker's
   * voice, microphone and room (pocketsphinx: the cepstral mean) carry that from one utterance to
   * the same speaker's next, and never to another speaker's.
   */
  speaker?: string;
  /**
   * The recognition failed while audio was still arriving (engine died, connection lost): called
   * at most once, at once; end() then rejects with the same error. Its message is fit to show
   * the person speaking (no process ids, paths or engine output: those go to the server log).
   */
  onError?(error: Error): void;
  /** Who is speaking, as an account (fair sharing of recognisers between people). */
  owner?: string;
}

export interface SttStream {
  /** Feed the next piece of the utterance. Never blocks the event loop. */
  write(pcm: Int16Array): void;
  /** No more audio: resolves with the final transcript ("" when nothing was recognised). */
  end(): Promise<string>;
  /** Drop the utterance (interrupted or connection gone); end() will not be called. */
  abort(): void;
}

export interface Stt {
  readonly name: string;
  /**
   * Start recognising one utterance. Providers keep engines warm so this is instant. Throws
   * when no recogniser can be had (a clear message for the person).
   */
  start(options: SttStreamOptions): SttStream;
  /**
   * This many people may speak at once now (the sessions open). Engines that load something
   * per stream keep that many warm, so a new speaker's first utterance never waits for a load.
   */
  expectSpeakers?(speakers: number): void;
  /** Release engines and helper processes. */
  close(): Promise<void>;
}
