/**
 * Cuts a continuous 16 kHz stream into the utterances the server hears: 20 ms frames → VAD →
 * Endpointer → `utterance.start` (with the pre-roll, `detectedBy: 'server-vad'`),
 * `utterance.audio`, `utterance.end`. The WebRTC bridge's inbound path uses it after decoding,
 * and the turn rules' tests drive it directly, so both exercise the same cutting.
 */
import { VAD_FRAME_SAMPLES, type VoiceActivityDetector } from '../audio/vad';
import type { EndpointDecision, Endpointer } from './endpointing';
import type { SessionInput } from './events';

export interface SpeechCutterOptions {
  vad: VoiceActivityDetector;
  endpointer: Endpointer;
  input(input: SessionInput): void;
  /** Utterance ids are `${idPrefix}-1`, `${idPrefix}-2` … */
  idPrefix: string;
  /** How many past frames are kept for the pre-roll. */
  historyFrames: number;
  /** Each frame's verdict, for measurement: its index, the VAD's probability, the decision and the utterance it opened or ended. */
  onFrame?(index: number, probability: number, decision: EndpointDecision, utteranceId: string | null): void;
}

export class SpeechCutter {
  private frames = 0;
  private utterances = 0;
  /** Samples not yet a whole frame. */
  private rest = new Int16Array(0);
  /** Recent frames, oldest first, for the pre-roll. */
  private readonly history: Int16Array[] = [];
  private open: string | null = null;

  constructor(private readonly options: SpeechCutterOptions) {}

  get framesSeen(): number {
    return this.frames;
  }

  get utterancesCut(): number {
    return this.utterances;
  }

  /** The utterance the VAD has open, if any. */
  get openUtterance(): string | null {
    return this.open;
  }

  /** Any amount of the stream: whole frames go through now, the rest waits for more. */
  push(pcm: Int16Array): void {
    let samples = pcm;
    if (this.rest.length > 0) {
      samples = new Int16Array(this.rest.length + pcm.length);
      samples.set(this.rest);
      samples.set(pcm, this.rest.length);
    }
    let offset = 0;
    for (; offset + VAD_FRAME_SAMPLES <= samples.length; offset += VAD_FRAME_SAMPLES) this.frame(samples.subarray(offset, offset + VAD_FRAME_SAMPLES));
    this.rest = samples.slice(offset);
  }

  /** One 20 ms frame (the bridge feeds silence this way when the track goes quiet). */
  frame(frame: Int16Array): void {
    const index = this.frames++;
    // Kept and sent on: a copy, so that the caller's buffer may be reused.
    const own = frame.slice();
    this.history.push(own);
    if (this.history.length > this.options.historyFrames) this.history.shift();
    const probability = this.options.vad.process(own);
    const decision = this.options.endpointer.push(probability);
    const { input } = this.options;
    if (decision?.type === 'start') {
      const id = `${this.options.idPrefix}-${++this.utterances}`;
      this.open = id;
      input({ type: 'utterance.start', utteranceId: id, detectedBy: 'server-vad' });
      input({ type: 'utterance.audio', utteranceId: id, samples: concat(this.history.slice(-Math.max(1, decision.preRollFrames))) });
      this.options.onFrame?.(index, probability, decision, id);
      return;
    }
    const open = this.open;
    if (open) {
      input({ type: 'utterance.audio', utteranceId: open, samples: own });
      if (decision?.type === 'end') {
        input({ type: 'utterance.end', utteranceId: open });
        this.open = null;
      }
    }
    this.options.onFrame?.(index, probability, decision, decision?.type === 'end' ? open : null);
  }

  /** The session's latest partial for an utterance: the endpointer weighs it. */
  partial(utteranceId: string, text: string): void {
    if (utteranceId === this.open) this.options.endpointer.partial(text);
  }

  /** The stream is gone: an open utterance ends here (its words are still recognised). */
  end(): void {
    if (this.open) this.options.input({ type: 'utterance.end', utteranceId: this.open });
    this.open = null;
    this.options.endpointer.reset();
  }
}

function concat(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let offset = 0;
  for (const f of frames) {
    out.set(f, offset);
    offset += f.length;
  }
  return out;
}
