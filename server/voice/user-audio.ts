/**
 * The life of one user utterance on the contract: start → chunks → end, checked against
 * rule 4. Transports feed it contract messages; it hands clean audio to the session and
 * reports every problem as a non-fatal contract error. Knows nothing of sockets.
 */
import { AUDIO_FORMAT, type ClientMessage, type ErrorCode } from '../../lib/contract/messages';
import { decodeAudioChunk } from '../audio/base64-pcm';

type UserAudioMessage = Extract<ClientMessage, { type: 'user.audio.start' | 'user.audio.chunk' | 'user.audio.end' }>;

export interface UserAudioSink {
  onUtteranceStart(utteranceId: string): void;
  onUtteranceAudio(utteranceId: string, samples: Int16Array): void;
  onUtteranceEnd(utteranceId: string): void;
}

export interface ContractProblem {
  code: ErrorCode;
  message: string;
  utteranceId?: string;
}

/** How many ended utterance ids we remember, to tell "ended" from "never started". */
const REMEMBERED_UTTERANCES = 1000;

export class UserAudioInput {
  private active: { id: string; nextSequence: number } | null = null;
  private readonly used = new Set<string>();

  constructor(
    private readonly sink: UserAudioSink,
    private readonly report: (problem: ContractProblem) => void,
  ) {}

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
    this.active = { id, nextSequence: 0 };
    this.sink.onUtteranceStart(id);
  }

  private chunk(message: Extract<UserAudioMessage, { type: 'user.audio.chunk' }>): void {
    const active = this.openUtterance(message.utteranceId, 'user.audio.chunk');
    if (!active) return;
    const decoded = decodeAudioChunk(message.audio);
    if (!decoded.ok) {
      return this.report({ code: decoded.code, message: `user.audio.chunk ${message.sequence}: ${decoded.message}`, utteranceId: active.id });
    }
    if (message.sequence < active.nextSequence) return; // a duplicate (or late) chunk: dropped
    if (message.sequence > active.nextSequence) {
      this.reportGap(active.id, active.nextSequence, message.sequence - 1);
    }
    active.nextSequence = message.sequence + 1;
    this.sink.onUtteranceAudio(active.id, decoded.samples);
  }

  private end(message: Extract<UserAudioMessage, { type: 'user.audio.end' }>): void {
    const active = this.openUtterance(message.utteranceId, 'user.audio.end');
    if (!active) return;
    if (message.sequence !== undefined && message.sequence >= active.nextSequence) {
      this.reportGap(active.id, active.nextSequence, message.sequence);
    }
    this.active = null;
    this.sink.onUtteranceEnd(active.id);
  }

  /** Ends the open utterance without a client message (a dropped socket, a transport switch). */
  abandon(): string | null {
    const id = this.active?.id ?? null;
    this.active = null;
    return id;
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
