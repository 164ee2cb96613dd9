/**
 * Where agent speech goes, one agent utterance at a time. A reply begins an utterance and
 * writes PCM to it as fast as TTS makes it; the output sends it on in 20 ms frames paced to
 * real time, at most `leadMs` ahead of the listener, so that an interruption cuts quickly.
 * Clearing an utterance says how much was sent and how much the listener played.
 * The socket sends contract chunks; a WebRTC track will be another AudioOutput.
 */
import { SAMPLE_RATE } from '../../lib/audio/pcm';

export interface AudioOutput {
  /** Starts an agent utterance's audio; one still playing is cleared first. */
  begin(utteranceId: string): UtteranceAudio;
}

export interface PlaybackPosition {
  /** Milliseconds of the utterance sent to the listener. */
  sentMs: number;
  /** Milliseconds the listener played: never more than was sent. */
  playedMs: number;
}

export interface UtteranceAudio {
  readonly utteranceId: string;
  /** Queue speech; never blocks. Ignored once the utterance is finished or cleared. */
  push(pcm: Int16Array): void;
  /** No more speech: resolves once the last frame has been sent (or the utterance is cleared). */
  finish(): Promise<void>;
  /**
   * Stop now: drop what is queued, send nothing more. `reportedPlayedMs` is what the listener
   * said it played (socket clients send it with agent.interrupt); without it, what was sent.
   */
  clear(reportedPlayedMs?: number): PlaybackPosition;
  readonly sentMs: number;
  /**
   * Called when the output itself gives up on the utterance (its listener cannot keep up: see
   * server/socket/backpressure.ts); nothing more is sent, and the reply should end, cut there.
   */
  onDropped?(listener: () => void): void;
}

export const FRAME_MS = 20;
const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000; // 320

export interface PacedAudioOutputOptions {
  /** Sends one frame; `sequence` counts from 0 per utterance. */
  sendFrame(utteranceId: string, sequence: number, frame: Int16Array): void;
  /** How far ahead of real time frames may go (a jitter cushion for the listener). Default 250. */
  leadMs?: number;
  now?: () => number;
  /** Asked before each frame: send it, hold it (the listener is behind), or drop the utterance. */
  congestion?: () => 'send' | 'hold' | 'drop';
}

export class PacedAudioOutput implements AudioOutput {
  private current: PacedUtterance | null = null;
  readonly leadMs: number;
  readonly now: () => number;
  readonly congestion: () => 'send' | 'hold' | 'drop';

  constructor(private readonly options: PacedAudioOutputOptions) {
    this.leadMs = options.leadMs ?? 250;
    this.now = options.now ?? (() => performance.now());
    this.congestion = options.congestion ?? (() => 'send');
  }

  begin(utteranceId: string): UtteranceAudio {
    this.current?.clear();
    const utterance = new PacedUtterance(utteranceId, this, (sequence, frame) => this.options.sendFrame(utteranceId, sequence, frame));
    this.current = utterance;
    return utterance;
  }
}

class PacedUtterance implements UtteranceAudio {
  private queue: Int16Array[] = [];
  private queuedSamples = 0;
  private sequence = 0;
  private startedAt = -1;
  private timer: NodeJS.Timeout | null = null;
  private finishing: (() => void) | null = null;
  private finished: Promise<void> | null = null;
  private done = false;
  private dropListeners: (() => void)[] = [];

  constructor(
    readonly utteranceId: string,
    private readonly clock: { leadMs: number; now: () => number; congestion: () => 'send' | 'hold' | 'drop' },
    private readonly sendFrame: (sequence: number, frame: Int16Array) => void,
  ) {}

  get sentMs(): number {
    return this.sequence * FRAME_MS;
  }

  push(pcm: Int16Array): void {
    if (this.done || this.finishing || pcm.length === 0) return;
    this.queue.push(pcm);
    this.queuedSamples += pcm.length;
    this.pump();
  }

  finish(): Promise<void> {
    this.finished ??= this.done
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.finishing = resolve;
          this.pump();
        });
    return this.finished;
  }

  onDropped(listener: () => void): void {
    this.dropListeners.push(listener);
  }

  clear(reportedPlayedMs?: number): PlaybackPosition {
    const sentMs = this.sentMs;
    this.stop();
    return { sentMs, playedMs: Math.min(reportedPlayedMs ?? sentMs, sentMs) };
  }

  private stop(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queuedSamples = 0;
    // A pending finish() resolves: the utterance is over either way.
    this.finishing?.();
    this.finishing = null;
  }

  /** Sends every frame that is due, then sleeps until the next one is. */
  private pump(): void {
    if (this.timer || this.done) return;
    const { leadMs, now } = this.clock;
    if (this.startedAt < 0) this.startedAt = now();
    // Frame n may leave once the listener is within leadMs of needing it.
    while (!this.done) {
      const waitMs = this.startedAt + this.sequence * FRAME_MS - leadMs - now();
      if (waitMs > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, waitMs);
        return;
      }
      if (!this.frameReady()) {
        if (this.finishing) this.stop();
        return;
      }
      const congestion = this.clock.congestion();
      if (congestion === 'hold') {
        // The listener has not taken what was sent: wait a frame's time and ask again.
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, FRAME_MS);
        return;
      }
      if (congestion === 'drop') {
        const listeners = this.dropListeners;
        this.dropListeners = [];
        // Told first, so that the reply ends as cut before finish() resolves.
        for (const listener of listeners) listener();
        this.stop();
        return;
      }
      const frame = this.takeFrame()!;
      if (waitMs < -leadMs) {
        // Past this frame's play time: speech came slower than real time and the listener ran
        // dry. Restart the schedule here rather than burst to catch up on time already lost.
        this.startedAt = now() - this.sequence * FRAME_MS;
      }
      this.sendFrame(this.sequence++, frame);
    }
  }

  private frameReady(): boolean {
    return this.queuedSamples >= FRAME_SAMPLES || (this.queuedSamples > 0 && this.finishing !== null);
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
