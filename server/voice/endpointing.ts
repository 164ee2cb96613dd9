/**
 * Where utterances begin and end in a continuous stream (a WebRTC track): the VAD's
 * per-frame probability of speech in, "start" and "end" out. An utterance opens after
 * `startSpeechMs` of speech; it ends after silence, short (`completeSilenceMs`) when the
 * words recognised so far are a whole request, longer (`incompleteSilenceMs`) when they end
 * mid-phrase or nothing is recognised yet, so that people are neither cut off nor kept waiting.
 */
import { VAD_FRAME_MS } from '../audio/vad';
import { looksCompleteRequest } from './request-completeness';

export interface EndpointingOptions {
  /** Speech needed to open an utterance (e.g. 60). */
  startSpeechMs: number;
  /** Silence ending a request whose words so far are complete (~200). */
  completeSilenceMs: number;
  /** Silence ending one whose words end mid-phrase / nothing recognised yet (~700). */
  incompleteSilenceMs: number;
  /** Audio before the detected onset that belongs to the utterance. */
  preRollMs: number;
}

export const DEFAULT_ENDPOINTING: EndpointingOptions = {
  startSpeechMs: 60,
  completeSilenceMs: 200,
  incompleteSilenceMs: 700,
  preRollMs: 200,
};

/** A frame counts as speech from this probability on. */
const SPEECH_THRESHOLD = 0.5;
/** …and, once an utterance is open, until it drops below this one (hysteresis, as Silero's own). */
const SILENCE_THRESHOLD = 0.35;

export type EndpointDecision =
  | { type: 'start'; preRollFrames: number } // open an utterance; include the last N frames already seen (this one among them)
  | { type: 'end' }
  | null;

export class Endpointer {
  private readonly options: EndpointingOptions;
  private readonly isComplete: (text: string) => boolean;
  private open = false;
  /** Consecutive speech frames while closed; consecutive silent frames while open. */
  private run = 0;
  /** Frames seen since the last reset or end (pre-roll cannot reach further back). */
  private seen = 0;
  private text = '';

  constructor(options: Partial<EndpointingOptions> & { isCompleteRequest?: (text: string) => boolean } = {}) {
    const { isCompleteRequest, ...rest } = options;
    this.options = { ...DEFAULT_ENDPOINTING, ...withoutUndefined(rest) };
    for (const [name, value] of Object.entries(this.options)) {
      if (!Number.isFinite(value) || value < 0) throw new Error(`endpointing: ${name} must be a number of milliseconds ≥ 0, got ${value}`);
    }
    this.isComplete = isCompleteRequest ?? looksCompleteRequest;
  }

  /** Call once per 20 ms frame with the VAD's probability. */
  push(speechProbability: number): EndpointDecision {
    this.seen++;
    if (!this.open) {
      this.run = speechProbability >= SPEECH_THRESHOLD ? this.run + 1 : 0;
      if (this.run * VAD_FRAME_MS < Math.max(this.options.startSpeechMs, VAD_FRAME_MS)) return null;
      this.open = true;
      const preRollFrames = Math.min(this.seen, this.run + Math.round(this.options.preRollMs / VAD_FRAME_MS));
      this.run = 0;
      this.text = '';
      return { type: 'start', preRollFrames };
    }
    this.run = speechProbability < SILENCE_THRESHOLD ? this.run + 1 : 0;
    if (this.run * VAD_FRAME_MS < this.silenceNeeded()) return null;
    this.open = false;
    this.run = 0;
    this.seen = 0;
    this.text = '';
    return { type: 'end' };
  }

  /** The open utterance's latest partial transcript (the bridge forwards the session's transcript.partial). */
  partial(text: string): void {
    if (this.open) this.text = text;
  }

  /** Silence that ends the open utterance, given what was recognised of it so far. */
  silenceNeeded(): number {
    const complete = this.text.trim() !== '' && this.isComplete(this.text);
    return complete ? this.options.completeSilenceMs : this.options.incompleteSilenceMs;
  }

  get isOpen(): boolean {
    return this.open;
  }

  reset(): void {
    this.open = false;
    this.run = 0;
    this.seen = 0;
    this.text = '';
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
