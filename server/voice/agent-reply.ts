/**
 * One agent utterance: the agent's sentences are spoken as they come (the TTS of sentence 1
 * starts while the agent still writes sentence 2) and queued on the AudioOut. A single
 * AbortSignal stops the agent and the TTS at once; `stop()` then says what was heard.
 */
import type { Agent, AgentMessage } from '../providers/agent/types';
import type { Tts } from '../providers/tts/types';
import type { Outbound } from '../socket/connection';
import { msOfSamples } from '../../lib/audio/pcm';
import type { ErrorCode } from '../../lib/contract/messages';
import type { AudioOut } from './audio-out';
import { heardText, type SpokenSentence } from './truncate';

export interface ReplyOutcome {
  utteranceId: string;
  /** What the listener heard: the whole reply, or the part before the interruption. */
  text: string;
  interrupted: boolean;
  startedAt: Date;
  endedAt: Date;
  /** performance.now() of the first reply text and the first audio frame, if any. */
  firstTextAt: number | null;
  firstAudioAt: number | null;
  /** Whether the client was told anything of this utterance. */
  announced: boolean;
  /** Where each sentence lies in the audio sent, to cut the text at a later playedMs. */
  sentences: readonly SpokenSentence[];
  sentMs: number;
}

export interface AgentReplyDeps {
  agent: Agent;
  tts: Tts;
  audioOut: AudioOut;
  out: Outbound;
  timeZone?: string;
}

export class AgentReply {
  private readonly controller = new AbortController();
  private readonly sentences: SpokenSentence[] = [];
  private fullText = '';
  private pushedSamples = 0;
  private firstTextAt: number | null = null;
  private firstAudioAt: number | null = null;
  private announced = false;
  private readonly startedAt = new Date();
  private settle!: (outcome: ReplyOutcome) => void;
  private settled = false;
  /** Resolves once, when the reply completes, is stopped, or fails. */
  readonly outcome = new Promise<ReplyOutcome>((resolve) => (this.settle = resolve));

  constructor(
    readonly utteranceId: string,
    private readonly deps: AgentReplyDeps,
  ) {}

  get isSpeaking(): boolean {
    return !this.settled;
  }

  start(history: readonly AgentMessage[]): void {
    this.deps.audioOut.start(this.utteranceId);
    void this.run(history);
  }

  /**
   * Stops at once (barge-in, client stop, engine fault, closed socket). Returns what was heard:
   * `playedMs` from the client where it sent one, never past what was actually sent.
   */
  stop(playedMs?: number): ReplyOutcome {
    if (this.settled) throw new Error(`agent utterance ${this.utteranceId} has already ended`);
    this.controller.abort();
    const { sentMs } = this.deps.audioOut.clear();
    const heardMs = Math.min(playedMs ?? sentMs, sentMs);
    return this.finish(true, heardText(this.sentences, heardMs), sentMs);
  }

  private async run(history: readonly AgentMessage[]): Promise<void> {
    const { signal } = this.controller;
    const sentences = new SentenceQueue();
    // A TTS fault stops the whole reply at once, even while the agent is still writing.
    const spoken = this.speak(sentences, signal).then(
      () => true,
      (error: unknown) => {
        this.fail('tts_failed', `Speech synthesis failed: ${(error as Error).message}`);
        return false;
      },
    );
    try {
      for await (const sentence of this.deps.agent.reply({ history, signal, now: new Date(), timeZone: this.deps.timeZone })) {
        if (signal.aborted) return;
        const text = sentence.trim();
        if (!text) continue;
        this.firstTextAt ??= performance.now();
        this.fullText = this.fullText ? `${this.fullText} ${text}` : text;
        this.send({ type: 'agent.text', utteranceId: this.utteranceId, text: this.fullText, final: false });
        sentences.push(text);
      }
    } catch (error) {
      sentences.end();
      return this.fail('agent_failed', `The agent failed to reply: ${(error as Error).message}`);
    }
    sentences.end();
    if (!(await spoken) || signal.aborted || this.settled) return;
    await this.deps.audioOut.finish();
    if (signal.aborted || this.settled) return;
    this.send({ type: 'agent.text', utteranceId: this.utteranceId, text: this.fullText, final: true });
    this.send({ type: 'agent.audio.end', utteranceId: this.utteranceId, reason: 'completed' });
    this.finish(false, this.fullText, msOfSamples(this.pushedSamples));
  }

  private async speak(sentences: SentenceQueue, signal: AbortSignal): Promise<void> {
    for (let text = await sentences.next(); text !== null; text = await sentences.next()) {
      if (signal.aborted) return;
      const sentence: SpokenSentence = { text, startMs: msOfSamples(this.pushedSamples), endMs: msOfSamples(this.pushedSamples) };
      this.sentences.push(sentence);
      for await (const pcm of this.deps.tts.synthesize({ text, signal })) {
        if (signal.aborted) return;
        this.firstAudioAt ??= performance.now();
        this.announced = true;
        this.pushedSamples += pcm.length;
        sentence.endMs = msOfSamples(this.pushedSamples);
        this.deps.audioOut.push(pcm);
      }
    }
  }

  private fail(code: ErrorCode, message: string): void {
    if (this.settled || this.controller.signal.aborted) return;
    const wasAnnounced = this.announced;
    this.stop();
    this.deps.out.send({ type: 'error', code, message, utteranceId: this.utteranceId, fatal: false });
    if (wasAnnounced) this.deps.out.send({ type: 'agent.audio.end', utteranceId: this.utteranceId, reason: 'interrupted' });
  }

  private finish(interrupted: boolean, text: string, sentMs: number): ReplyOutcome {
    this.settled = true;
    const outcome: ReplyOutcome = {
      utteranceId: this.utteranceId,
      text,
      interrupted,
      startedAt: this.startedAt,
      endedAt: new Date(),
      firstTextAt: this.firstTextAt,
      firstAudioAt: this.firstAudioAt,
      announced: this.announced,
      sentences: this.sentences,
      sentMs,
    };
    this.settle(outcome);
    return outcome;
  }

  private send(message: Parameters<Outbound['send']>[0]): void {
    this.announced = true;
    this.deps.out.send(message);
  }
}

/** Sentences from the agent to the TTS, in order, without making either wait for the other. */
class SentenceQueue {
  private items: string[] = [];
  private ended = false;
  private waiting: ((value: string | null) => void) | null = null;

  push(text: string) {
    if (this.waiting) {
      this.waiting(text);
      this.waiting = null;
    } else this.items.push(text);
  }

  end() {
    this.ended = true;
    this.waiting?.(null);
    this.waiting = null;
  }

  next(): Promise<string | null> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}
