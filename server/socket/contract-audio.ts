/**
 * The contract's user audio (start → chunks → end, base64 PCM) turned into the session's
 * typed input. Checks the sequence rules (rule 4), reports every problem as a non-fatal
 * contract error, and guards the server against one client: an utterance that receives no
 * audio for a while is ended, and audio faster than a few times real time closes the socket.
 */
import { AUDIO_FORMAT, type ClientMessage, type ErrorCode } from '../../lib/contract/messages';
import { msOfSamples } from '../../lib/audio/pcm';
import { decodeAudioChunk } from '../audio/base64-pcm';
import type { SessionInput } from '../voice/events';

type UserAudioMessage = Extract<ClientMessage, { type: 'user.audio.start' | 'user.audio.chunk' | 'user.audio.end' }>;

export interface ContractProblem {
  code: ErrorCode;
  message: string;
  utteranceId?: string;
}

export interface ContractAudioLimits {
  /** An open utterance that receives no audio for this long is ended. */
  idleMs: number;
  /** Sustained audio rate allowed, as a multiple of real time. */
  maxRealTime: number;
  /** Audio that may arrive at once beyond that rate (a client catching up after a stall). */
  burstMs: number;
}

export const DEFAULT_AUDIO_LIMITS: ContractAudioLimits = { idleMs: 5_000, maxRealTime: 3, burstMs: 10_000 };

export interface ContractAudioSink {
  input(input: SessionInput): void;
  problem(problem: ContractProblem): void;
  /** The client sends audio faster than allowed: the connection must close (1008). */
  flood(message: string): void;
}

/** How many ended utterance ids we remember, to tell "ended" from "never started". */
const REMEMBERED_UTTERANCES = 1000;

export class ContractAudio {
  private active: { id: string; nextSequence: number; idleTimer: NodeJS.Timeout } | null = null;
  private readonly used = new Set<string>();
  private readonly limits: ContractAudioLimits;
  /** Token bucket of audio milliseconds. */
  private allowanceMs: number;
  private allowanceAt = performance.now();

  constructor(
    private readonly sink: ContractAudioSink,
    limits: Partial<ContractAudioLimits> = {},
  ) {
    this.limits = { ...DEFAULT_AUDIO_LIMITS, ...limits };
    this.allowanceMs = this.limits.burstMs;
  }

  get activeUtteranceId(): string | null {
    return this.active?.id ?? null;
  }

  handle(message: UserAudioMessage): void {
    switch (message.type) {
      case 'user.audio.start':
        return this.start(message);
      case 'user.audio.chunk':
        return this.chunk(message);
      case 'user.audio.end':
        return this.end(message);
    }
  }

  private start(message: Extract<UserAudioMessage, { type: 'user.audio.start' }>): void {
    const id = message.utteranceId;
    const format = message.format;
    if (
      format &&
      (format.encoding !== AUDIO_FORMAT.encoding ||
        format.sampleRate !== AUDIO_FORMAT.sampleRate ||
        format.channels !== AUDIO_FORMAT.channels)
    ) {
      return this.report({
        code: 'unsupported_format',
        message: `Unsupported audio format ${format.encoding}/${format.sampleRate}/${format.channels}; send pcm_s16le, 16000 Hz, 1 channel.`,
        utteranceId: id,
      });
    }
    if (this.active) {
      return this.report({
        code: this.active.id === id ? 'duplicate_utterance' : 'utterance_active',
        message: `Utterance "${this.active.id}" is still open: send user.audio.end for it before starting another.`,
        utteranceId: id,
      });
    }
    if (this.used.has(id)) {
      return this.report({
        code: 'duplicate_utterance',
        message: `utteranceId "${id}" was already used in this session; use a new id for each utterance.`,
        utteranceId: id,
      });
    }
    this.remember(id);
    this.active = { id, nextSequence: 0, idleTimer: this.idleTimer(id) };
    this.sink.input({ type: 'utterance.start', utteranceId: id });
  }

  private chunk(message: Extract<UserAudioMessage, { type: 'user.audio.chunk' }>): void {
    const active = this.openUtterance(message.utteranceId, 'user.audio.chunk');
    if (!active) return;
    const decoded = decodeAudioChunk(message.audio);
    if (!decoded.ok) {
      return this.report({ code: decoded.code, message: `user.audio.chunk ${message.sequence}: ${decoded.message}`, utteranceId: active.id });
    }
    if (!this.spend(msOfSamples(decoded.samples.length))) {
      this.close();
      return this.sink.flood(
        `Audio is arriving faster than ${this.limits.maxRealTime}× real time: send it as it is recorded (20–40 ms chunks, 25–50 a second).`,
      );
    }
    if (message.sequence < active.nextSequence) return; // a duplicate (or late) chunk: dropped
    if (message.sequence > active.nextSequence) {
      this.reportGap(active.id, active.nextSequence, message.sequence - 1);
    }
    active.nextSequence = message.sequence + 1;
    active.idleTimer.refresh();
    this.sink.input({ type: 'utterance.audio', utteranceId: active.id, samples: decoded.samples });
  }

  private end(message: Extract<UserAudioMessage, { type: 'user.audio.end' }>): void {
    const active = this.openUtterance(message.utteranceId, 'user.audio.end');
    if (!active) return;
    if (message.sequence !== undefined && message.sequence >= active.nextSequence) {
      this.reportGap(active.id, active.nextSequence, message.sequence);
    }
    this.finish();
  }

  /** Ends the open utterance: it goes on to recognition with the audio it got. */
  private finish(): void {
    const active = this.active;
    if (!active) return;
    clearTimeout(active.idleTimer);
    this.active = null;
    this.sink.input({ type: 'utterance.end', utteranceId: active.id });
  }

  /** A client that opens an utterance and goes quiet would hold a recogniser for ever. */
  private idleTimer(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.active?.id !== id) return;
      this.report({
        code: 'utterance_timeout',
        message: `Utterance "${id}" received no audio for ${this.limits.idleMs / 1000} s and was ended; send chunks as they are recorded, and user.audio.end when the person stops.`,
        utteranceId: id,
      });
      this.finish();
    }, this.limits.idleMs);
    timer.unref();
    return timer;
  }

  /** Ends the open utterance without a client message (a dropped socket); no further input. */
  close(): void {
    if (this.active) clearTimeout(this.active.idleTimer);
    this.active = null;
  }

  private spend(ms: number): boolean {
    const now = performance.now();
    const { maxRealTime, burstMs } = this.limits;
    this.allowanceMs = Math.min(burstMs, this.allowanceMs + (now - this.allowanceAt) * maxRealTime);
    this.allowanceAt = now;
    if (this.allowanceMs < ms) return false;
    this.allowanceMs -= ms;
    return true;
  }

  private openUtterance(id: string, type: string) {
    if (this.active?.id === id) return this.active;
    this.report(
      this.used.has(id)
        ? { code: 'utterance_ended', message: `${type} for utterance "${id}", which has already ended.`, utteranceId: id }
        : { code: 'unknown_utterance', message: `${type} for utterance "${id}", which was never started: send user.audio.start first.`, utteranceId: id },
    );
    return null;
  }

  private report(problem: ContractProblem): void {
    this.sink.problem(problem);
  }

  private reportGap(id: string, from: number, to: number) {
    this.report({
      code: 'sequence_gap',
      message: `Chunks ${from === to ? from : `${from}–${to}`} of utterance "${id}" never arrived; the audio that did is used.`,
      utteranceId: id,
    });
  }

  private remember(id: string) {
    this.used.add(id);
    if (this.used.size > REMEMBERED_UTTERANCES) {
      const oldest = this.used.values().next().value;
      if (oldest !== undefined) this.used.delete(oldest);
    }
  }
}
