/**
 * One agent utterance: the agent's text is cut into sentences as it streams, each sentence is
 * spoken as soon as it is complete (the TTS of sentence 1 runs while the agent still writes
 * sentence 2) and written to the utterance's audio. A single AbortSignal stops the agent and
 * the TTS at once; `stop()` then says what was heard. Every stage has a time limit.
 */
import { msOfSamples } from '../../lib/audio/pcm';
import type { ErrorCode } from '../../lib/contract/messages';
import type { Agent, AgentMessage } from '../providers/agent/types';
import { isProviderTimeout } from '../providers/errors';
import type { Tts } from '../providers/tts/types';
import type { UtteranceAudio } from './audio-out';
import type { SessionEvents } from './events';
import { SentenceSplitter } from './sentences';
import { heardText, type SpokenSentence } from './truncate';

export interface ReplyLimits {
  /** From the request to the agent's first text, and between its pieces. */
  agentMs: number;
  /** From a sentence to its first audio, and between its audio pieces. */
  ttsMs: number;
}

export interface ReplyOutcome {
  utteranceId: string;
  /** What the listener heard: the whole reply, or the part before the interruption ('' for none). */
  text: string;
  interrupted: boolean;
  /** Whether the client was shown or played anything of this utterance. */
  visible: boolean;
  startedAt: Date;
  endedAt: Date;
  /** performance.now() of the first reply text and the first audio, if any. */
  firstTextAt: number | null;
  firstAudioAt: number | null;
  /** Where each sentence lies in the audio sent, to cut the text at a later playedMs. */
  sentences: readonly SpokenSentence[];
  sentMs: number;
  /** Set when the reply ended because a stage failed (the client got an `error` with this code). */
  failure?: ErrorCode;
}

export interface AgentReplyDeps {
  agent: Agent;
  tts: Tts;
  events: SessionEvents;
  limits: ReplyLimits;
  timeZone?: string;
}

class StageTimeout extends Error {}

export class AgentReply {
  private readonly controller = new AbortController();
  private readonly sentences: SpokenSentence[] = [];
  private fullText = '';
  private pushedSamples = 0;
  private firstTextAt: number | null = null;
  private firstAudioAt: number | null = null;
  private visible = false;
  private audio: UtteranceAudio | null = null;
  private failure: ErrorCode | undefined;
  readonly startedAt = new Date();
  private settle!: (outcome: ReplyOutcome) => void;
  private settled = false;
  /** Resolves once, when the reply completes, is stopped, or fails. */
  readonly outcome = new Promise<ReplyOutcome>((resolve) => (this.settle = resolve));

  constructor(
    readonly utteranceId: string,
    private readonly deps: AgentReplyDeps,
  ) {}

  get isActive(): boolean {
    return !this.settled;
  }

  /** Whether the client has seen text or received audio of it yet. */
  get isVisible(): boolean {
    return this.visible;
  }

  /** Whether its audio has started to flow. */
  get isSpeaking(): boolean {
    return !this.settled && (this.audio?.sentMs ?? 0) > 0;
  }

  /** What the listener has been sent of it so far, cut at the words whose audio went out. */
  get heardSoFar(): string {
    return heardText(this.sentences, this.audio?.sentMs ?? 0);
  }

  start(context: readonly AgentMessage[], audio: UtteranceAudio): void {
    this.audio = audio;
    void this.run(context, audio);
  }

  /**
   * Stops at once (barge-in, client stop, closing). Returns what was heard: `reportedPlayedMs`
   * from the client where it sent one, never past what was actually sent.
   */
  stop(reportedPlayedMs?: number): ReplyOutcome {
    if (this.settled) throw new Error(`agent utterance ${this.utteranceId} has already ended`);
    this.controller.abort();
    const position = this.audio?.clear(reportedPlayedMs) ?? { sentMs: 0, playedMs: 0 };
    return this.finish(true, heardText(this.sentences, position.playedMs), position.sentMs);
  }

  private async run(context: readonly AgentMessage[], audio: UtteranceAudio): Promise<void> {
    const { signal } = this.controller;
    const queue = new SentenceQueue();
    // A TTS fault stops the whole reply at once, even while the agent is still writing.
    const spoken = this.speak(queue, audio, signal).then(
      () => true,
      (error: unknown) => {
        this.fail(isProviderTimeout(error) ? 'provider_timeout' : 'tts_failed', error instanceof StageTimeout ? error.message : `Speech synthesis failed: ${(error as Error).message}`);
        return false;
      },
    );
    const splitter = new SentenceSplitter();
    const take = (sentences: string[]) => {
      for (const sentence of sentences) {
        this.fullText = this.fullText ? `${this.fullText} ${sentence}` : sentence;
        this.send({ type: 'agent.text', utteranceId: this.utteranceId, text: this.fullText, final: false });
        queue.push(sentence);
      }
    };
    try {
      const stream = this.deps.agent.reply({ history: context, signal, now: new Date(), timeZone: this.deps.timeZone })[Symbol.asyncIterator]();
      for (;;) {
        const next = await withinLimit(stream.next(), this.deps.limits.agentMs, signal, () => {
          void stream.return?.();
          return new StageTimeout(`The agent did not answer within ${this.deps.limits.agentMs / 1000} s.`);
        });
        if (signal.aborted || next.done) break;
        if (next.value.trim()) this.firstTextAt ??= performance.now();
        take(splitter.push(next.value));
      }
      if (signal.aborted) return;
      take(splitter.flush());
    } catch (error) {
      queue.end();
      return this.fail(isProviderTimeout(error) ? 'provider_timeout' : 'agent_failed', error instanceof StageTimeout ? error.message : `The agent failed to reply: ${(error as Error).message}`);
    }
    queue.end();
    if (!(await spoken) || signal.aborted || this.settled) return;
    await audio.finish();
    if (signal.aborted || this.settled) return;
    if (this.visible) {
      this.send({ type: 'agent.text', utteranceId: this.utteranceId, text: this.fullText, final: true });
      this.send({ type: 'agent.audio.end', utteranceId: this.utteranceId, reason: 'completed' });
    }
    this.finish(false, this.fullText, audio.sentMs);
  }

  private async speak(queue: SentenceQueue, audio: UtteranceAudio, signal: AbortSignal): Promise<void> {
    const limitMs = this.deps.limits.ttsMs;
    for (let text = await queue.next(); text !== null; text = await queue.next()) {
      if (signal.aborted) return;
      const sentence: SpokenSentence = { text, startMs: msOfSamples(this.pushedSamples), endMs: msOfSamples(this.pushedSamples) };
      this.sentences.push(sentence);
      const stream = this.deps.tts.synthesize({ text, signal })[Symbol.asyncIterator]();
      for (;;) {
        const next = await withinLimit(stream.next(), limitMs, signal, () => {
          void stream.return?.();
          return new StageTimeout(`Speech synthesis gave no audio within ${limitMs / 1000} s.`);
        });
        if (signal.aborted || next.done) break;
        const pcm = next.value;
        if (pcm.length === 0) continue;
        this.firstAudioAt ??= performance.now();
        this.visible = true;
        this.pushedSamples += pcm.length;
        sentence.endMs = msOfSamples(this.pushedSamples);
        audio.push(pcm);
      }
    }
  }

  private fail(code: ErrorCode, message: string): void {
    if (this.settled || this.controller.signal.aborted) return;
    const wasVisible = this.visible;
    this.failure = code;
    const outcome = this.stop();
    this.deps.events.send({ type: 'error', code, message, utteranceId: this.utteranceId, fatal: false });
    if (wasVisible) {
      this.deps.events.send({ type: 'agent.audio.end', utteranceId: this.utteranceId, reason: 'interrupted' });
      this.deps.events.send({ type: 'agent.text', utteranceId: this.utteranceId, text: outcome.text, final: true });
    }
  }

  private finish(interrupted: boolean, text: string, sentMs: number): ReplyOutcome {
    this.settled = true;
    const outcome: ReplyOutcome = {
      utteranceId: this.utteranceId,
      text,
      interrupted,
      visible: this.visible,
      startedAt: this.startedAt,
      endedAt: new Date(),
      firstTextAt: this.firstTextAt,
      firstAudioAt: this.firstAudioAt,
      sentences: this.sentences,
      sentMs,
      ...(this.failure && { failure: this.failure }),
    };
    this.settle(outcome);
    return outcome;
  }

  private send(event: Parameters<SessionEvents['send']>[0]): void {
    this.visible = true;
    this.deps.events.send(event);
  }
}

/** `promise`, or the error `onTimeout` makes after `ms`; settles at once as done when `signal` aborts. */
function withinLimit<T>(promise: Promise<IteratorResult<T>>, ms: number, signal: AbortSignal, onTimeout: () => Error): Promise<IteratorResult<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    const onAbort = () => resolve({ done: true, value: undefined });
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
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
