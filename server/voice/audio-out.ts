/**
 * Where agent speech goes. The session pushes PCM as fast as TTS makes it; the output sends
 * it on in 20 ms frames paced to real time, at most `leadMs` ahead of the listener, so that
 * an interruption cuts quickly and `clear()` can say how much was sent.
 * The WebSocket sends contract chunks; a WebRTC track will implement the same interface.
 */
import { BYTES_PER_MS } from '../../lib/audio/pcm';

export interface AudioOut {
  /** Begin an utterance; frames are numbered from 0. */
  start(utteranceId: string): void;
  /** Queue speech; never blocks. */
  push(pcm: Int16Array): void;
  /** No more speech for this utterance: resolves once the last frame has been sent. */
  finish(): Promise<void>;
  /** Stop now: drop what is queued, send nothing more. Returns the milliseconds sent. */
  clear(): { sentMs: number };
  /** Milliseconds of this utterance sent so far. */
  readonly sentMs: number;
}

export const FRAME_MS = 20;
const FRAME_SAMPLES = (FRAME_MS * BYTES_PER_MS) / 2; // 320

export interface PacedAudioOutOptions {
  /** Sends one frame; `sequence` counts from 0 per utterance. */
  sendFrame(utteranceId: string, sequence: number, frame: Int16Array): void;
  /** How far ahead of real time frames may go (a jitter cushion for the listener). */
  leadMs?: number;
  now?: () => number;
}

export class PacedAudioOut implements AudioOut {
  private utteranceId: string | null = null;
  private queue: Int16Array[] = [];
  private queuedSamples = 0;
  private sequence = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private finishing: { resolve: () => void } | null = null;
  private readonly leadMs: number;
  private readonly now: () => number;

  constructor(private readonly options: PacedAudioOutOptions) {
    this.leadMs = options.leadMs ?? 250;
    this.now = options.now ?? (() => performance.now());
  }

  get sentMs(): number {
    return this.sequence * FRAME_MS;
  }

  start(utteranceId: string): void {
    this.clear();
    this.utteranceId = utteranceId;
    this.sequence = 0;
    this.startedAt = -1;
  }

  push(pcm: Int16Array): void {
    if (this.utteranceId === null || this.finishing || pcm.length === 0) return;
    this.queue.push(pcm);
    this.queuedSamples += pcm.length;
    this.pump();
  }

  finish(): Promise<void> {
    if (this.utteranceId === null) return Promise.resolve();
    return new Promise((resolve) => {
      this.finishing = { resolve };
      this.pump();
    });
  }

  clear(): { sentMs: number } {
    const sentMs = this.sentMs;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queuedSamples = 0;
    this.utteranceId = null;
    // A pending finish() resolves: the utterance is over either way.
    this.finishing?.resolve();
    this.finishing = null;
    return { sentMs };
  }

  /** Sends every frame that is due, then sleeps until the next one is. */
  private pump(): void {
    if (this.timer || this.utteranceId === null) return;
    const id = this.utteranceId;
    if (this.startedAt < 0) this.startedAt = this.now();
    // Frame n may leave once the listener is within leadMs of needing it.
    while (this.utteranceId === id) {
      const dueAt = this.startedAt + this.sequence * FRAME_MS - this.leadMs;
      const waitMs = dueAt - this.now();
      if (waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, waitMs);
        return;
      }
      const frame = this.takeFrame();
      if (frame && waitMs < -this.leadMs) {
        // Past this frame's play time: speech came slower than real time and the listener ran
        // dry. Restart the schedule here rather than burst to catch up on time already lost.
        this.startedAt = this.now() - this.sequence * FRAME_MS;
      }
      if (!frame) {
        if (this.finishing) {
          const done = this.finishing;
          this.finishing = null;
          this.utteranceId = null;
          done.resolve();
        }
        return;
      }
      this.options.sendFrame(id, this.sequence++, frame);
    }
  }

  /** The next 20 ms frame (the last one padded with silence). Null when nothing is ready. */
  private takeFrame(): Int16Array | null {
    if (this.queuedSamples === 0) return null;
    if (this.queuedSamples < FRAME_SAMPLES && !this.finishing) return null;
    const size = Math.min(FRAME_SAMPLES, this.queuedSamples);
    const frame = new Int16Array(FRAME_SAMPLES);
    let filled = 0;
    while (filled < size) {
      const head = this.queue[0];
      const take = Math.min(head.length, size - filled);
      frame.set(head.subarray(0, take), filled);
      filled += take;
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
    }
    this.queuedSamples -= size;
    return frame;
  }
}
