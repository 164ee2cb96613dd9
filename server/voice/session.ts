/**
 * The voice session of one conversation: where the turn rules live. Transports feed it typed
 * input (utterance start, 16 kHz frames, end, interrupt); it sends contract events and writes
 * agent speech to an AudioOutput. Listening → the person speaking → thinking → the agent
 * speaking → listening, with barge-in. What it keeps is in Conversation, the person's side
 * of the rules in UserTurns, one reply in AgentReply, the barge-in minimum for utterances the
 * server's VAD cut in BargeInGuard.
 */
import { randomUUID } from 'node:crypto';
import { log, type Logger } from '../log';
import type { Agent, AgentMessage } from '../providers/agent/types';
import { isProviderTimeout } from '../providers/errors';
import type { Stt } from '../providers/stt/types';
import type { Tts } from '../providers/tts/types';
import type { ErrorCode } from '../../lib/contract/messages';
import { AgentReply, type ReplyLimits, type ReplyOutcome } from './agent-reply';
import { apologyAgent, apologyFor, withoutErrors } from './apology';
import type { AudioOutput } from './audio-out';
import { BargeInGuard, DEFAULT_BARGE_IN, metered, SpeechLevel, type BargeInRules } from './barge-in-guard';
import { Conversation, type ContextBounds } from './conversation';
import type { SessionEvent, SessionEvents, SessionInput } from './events';
import { recognitionLatency, replyLatencies } from './latency';
import { heardText } from './truncate';
import type { TurnStore } from './turn-recorder';
import { UserTurns, type HeardUtterance, type UserUtterance } from './user-turns';

export interface VoiceProviders {
  stt: Stt;
  agent: Agent;
  tts: Tts;
  /** The embedded voice, which says sorry when a turn fails (server/voice/apology.ts); none: silence. */
  apologyVoice?: Tts;
}

export type SessionState = 'listening' | 'user-speaking' | 'thinking' | 'agent-speaking';

export interface SessionLimits extends ReplyLimits {
  /** From the end of an utterance to its final transcript. */
  finalTranscriptMs: number;
  /** Closing waits this long for the last words to be recognised before giving up on them. */
  closeMs: number;
}

export const DEFAULT_LIMITS: SessionLimits = { finalTranscriptMs: 10_000, agentMs: 20_000, ttsMs: 10_000, closeMs: 3_000 };

export interface VoiceSessionOptions {
  providers: VoiceProviders;
  events: SessionEvents;
  output: AudioOutput;
  store: TurnStore;
  /** Earlier turns of a continued conversation, oldest first. */
  history?: AgentMessage[];
  /** The account speaking: recognisers are shared fairly between accounts. */
  owner?: string;
  timeZone?: string;
  limits?: Partial<SessionLimits>;
  context?: ContextBounds;
  /** Where the session logs (the transport's, naming the conversation); default the server's. */
  log?: Logger;
  /** What an utterance cut by the server's VAD must show before it interrupts the agent. */
  bargeIn?: Partial<BargeInRules>;
}

/** A reply and the user turns it answers. */
interface ReplyInFlight {
  reply: AgentReply;
  answers: HeardUtterance[];
}

class Timeout extends Error {}

/** How often a reply being spoken is stored as far as it got. */
const SPOKEN_PROGRESS_MS = 500;

export class VoiceSession {
  private readonly conversation: Conversation;
  private readonly turns = new UserTurns();
  private readonly limits: SessionLimits;
  private readonly bargeIn: BargeInRules;
  /** The agent's speech level, for telling its echo from the person. */
  private readonly agentLevel = new SpeechLevel();
  /** Utterances cut by the server VAD over the agent that have not yet taken the floor. */
  private readonly guards = new Map<UserUtterance, BargeInGuard>();
  private output: AudioOutput;
  private current: ReplyInFlight | null = null;
  /** The last reply that finished sending: the listener may still be hearing its end. */
  private lastCompleted: ReplyOutcome | null = null;
  private replies = 0;
  private readonly pending = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;
  /** One person on one microphone in one room: recognisers may adapt to them across utterances. */
  private readonly speaker = randomUUID();

  constructor(private readonly options: VoiceSessionOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.bargeIn = { ...DEFAULT_BARGE_IN, ...options.bargeIn };
    this.output = options.output;
    const { stt, agent, tts } = options.providers;
    this.conversation = new Conversation(options.store, {
      history: options.history,
      bounds: options.context,
      providers: { stt: stt.name, agent: agent.name, tts: tts.name },
      onError: (error) => {
        (options.log ?? log).error({ err: error }, 'failed to store a turn');
        this.send({ type: 'error', code: 'internal_error', message: 'A turn could not be stored.', fatal: false });
      },
    });
  }

  get state(): SessionState {
    if (this.turns.openUtterances.length > 0) return 'user-speaking';
    if (this.current) return this.current.reply.isSpeaking ? 'agent-speaking' : 'thinking';
    return this.turns.unsettled || this.turns.hasAwaiting ? 'thinking' : 'listening';
  }

  /** Where agent speech goes from the next agent utterance on (a transport switch). */
  useOutput(output: AudioOutput): void {
    this.output = output;
  }

  handle(input: SessionInput): void {
    if (this.closing) return;
    switch (input.type) {
      case 'utterance.start':
        return this.startUtterance(input.utteranceId, input.detectedBy);
      case 'utterance.audio':
        return this.hear(input.utteranceId, input.samples);
      case 'utterance.end':
        return this.endUtterance(input.utteranceId);
      case 'interrupt':
        return this.clientInterrupt(input.utteranceId, input.playedMs);
    }
  }

  private startUtterance(id: string, detectedBy: 'server-vad' | undefined): void {
    // Rule 2 of the contract: the person speaking over the agent stops it at once; speech the
    // server's VAD found must first show it is the person (the barge-in minimum).
    const guarded = detectedBy === 'server-vad' && this.current !== null;
    if (this.current && !guarded) this.interruptReply('barge-in');
    this.lastCompleted = null;
    const utterance = this.turns.open(id);
    if (guarded) this.guards.set(utterance, new BargeInGuard(this.bargeIn, this.agentLevel));
    try {
      utterance.stt = this.options.providers.stt.start({
        onPartial: (text) => {
          if (utterance.state !== 'open' || !utterance.stt) return;
          this.send({ type: 'transcript.partial', utteranceId: id, text });
          if (this.guards.get(utterance)?.partial(text)) this.takeFloor();
        },
        // Said at once, not when the person stops speaking; the rest of the utterance is not heard.
        onError: (error) => this.recognitionFailed(utterance, sentence(error.message), isProviderTimeout(error)),
        speaker: this.speaker,
        owner: this.options.owner,
      });
    } catch (error) {
      // Rule 5: no recogniser, no words; the utterance stays deaf until it ends.
      this.recognitionFailed(utterance, sentence((error as Error).message));
    }
  }

  private recognitionFailed(utterance: UserUtterance, reason: string, timedOut = false): void {
    utterance.stt?.abort();
    utterance.stt = null;
    if (utterance.failed) return;
    utterance.failed = true;
    if (this.closing) return;
    this.send({ type: 'error', code: timedOut ? 'provider_timeout' : 'stt_failed', message: `Speech recognition failed: ${reason} Please say that again.`, utteranceId: utterance.id, fatal: false });
  }

  private hear(id: string, samples: Int16Array): void {
    const utterance = this.turns.openOne(id);
    if (!utterance) return;
    utterance.stt?.write(samples);
    if (this.guards.get(utterance)?.audio(samples)) this.takeFloor();
  }

  /** A guarded utterance met the barge-in minimum: now it is rule 2. */
  private takeFloor(): void {
    this.guards.clear();
    if (this.current) this.interruptReply('barge-in');
  }

  private endUtterance(id: string): void {
    const utterance = this.turns.openOne(id);
    if (!utterance) return;
    // Still not shown to be the person, even if the agent has finished meanwhile (its echo outlasts it).
    if (this.guards.delete(utterance)) return this.notATurn(utterance);
    this.turns.end(utterance);
    this.track(this.recognise(utterance));
  }

  /**
   * It began over the agent and ended before the barge-in minimum: a cough, a noise, an echo.
   * Nothing is recognised or stored; the client gets the empty final every utterance ends with.
   */
  private notATurn(utterance: UserUtterance): void {
    utterance.stt?.abort();
    utterance.stt = null;
    this.turns.end(utterance);
    this.send({ type: 'transcript.final', utteranceId: utterance.id, text: '' });
    this.turns.settle(utterance, '');
    this.advance();
  }

  /** The final transcript of an ended utterance, within its time limit; then the rules move on. */
  private async recognise(utterance: UserUtterance, limitMs = this.limits.finalTranscriptMs): Promise<void> {
    let text = '';
    const stt = utterance.stt;
    if (stt) {
      try {
        text = (await withTimeout(stt.end(), limitMs)).trim();
        this.send({ type: 'transcript.final', utteranceId: utterance.id, text });
      } catch (error) {
        this.recognitionFailed(utterance, error instanceof Timeout ? `no transcript within ${limitMs / 1000} s.` : sentence((error as Error).message), isProviderTimeout(error));
      }
    }
    this.turns.settle(utterance, text);
    this.advance();
    if (utterance.failed) this.apologise('stt_failed');
  }

  /**
   * Stores the finals that are due, in speaking order, and starts the one reply that answers
   * every one waiting, once nobody is speaking and no final is still to come (rule 1).
   */
  private advance(): void {
    for (const utterance of this.turns.releaseSettled()) {
      if (!utterance.text) continue; // nothing recognisable was said: no turn
      const turnId = this.conversation.addUserTurn({
        utteranceId: utterance.id,
        text: utterance.text,
        startedAt: utterance.startedAt,
        endedAt: utterance.endedAt ?? new Date(),
        sttLatencyMs: recognitionLatency(utterance.speechEndAt, utterance.finalAt),
      });
      this.turns.await({ utterance, turnId });
    }
    if (this.closing || this.current || this.turns.unsettled || !this.turns.hasAwaiting) return;
    this.startReply(this.turns.takeAwaiting());
  }

  private startReply(answers: HeardUtterance[]): void {
    const { agent, tts } = this.options.providers;
    const reply = new AgentReply(`agent-${++this.replies}`, { agent, tts, events: this.options.events, limits: this.limits, timeZone: this.options.timeZone });
    const inFlight: ReplyInFlight = { reply, answers };
    this.current = inFlight;
    const last = answers.at(-1)!.utterance;
    const marks = { speechEndAt: last.speechEndAt ?? performance.now(), requestedAt: performance.now() };
    const replyTo = answers.map((a) => a.turnId);
    // Stored as it is spoken, so that a crash mid-reply keeps what the person heard.
    const progress = setInterval(() => {
      this.conversation.agentTurnSoFar({ utteranceId: reply.utteranceId, text: reply.heardSoFar, startedAt: reply.startedAt, replyTo });
    }, SPOKEN_PROGRESS_MS);
    progress.unref();
    this.track(
      reply.outcome.then((outcome) => {
        clearInterval(progress);
        if (this.current === inFlight) this.current = null;
        this.recordReply(outcome, answers, marks);
        this.advance();
        if (outcome.failure) this.apologise(outcome.failure);
      }),
    );
    reply.start(this.conversation.agentContext(), metered(this.output.begin(reply.utteranceId), this.agentLevel));
  }

  /**
   * A turn failed: say sorry in the embedded voice, unless someone is speaking or something is
   * still to be answered. Spoken like a reply (barge-in stops it) but never stored.
   */
  private apologise(code: ErrorCode): void {
    const voice = this.options.providers.apologyVoice;
    if (!voice || this.closing || this.state !== 'listening') return;
    const agent = apologyAgent(apologyFor(code));
    const reply = new AgentReply(`agent-${++this.replies}`, { agent, tts: voice, events: withoutErrors(this.options.events), limits: this.limits });
    const inFlight: ReplyInFlight = { reply, answers: [] };
    this.current = inFlight;
    this.track(
      reply.outcome.then(() => {
        if (this.current === inFlight) this.current = null;
        this.advance();
      }),
    );
    reply.start([], this.output.begin(reply.utteranceId));
  }

  private recordReply(outcome: ReplyOutcome, answers: HeardUtterance[], marks: { speechEndAt: number; requestedAt: number }): void {
    if (!outcome.interrupted) this.lastCompleted = outcome.visible ? outcome : null;
    this.conversation.addAgentTurn({
      utteranceId: outcome.utteranceId,
      text: outcome.text,
      interrupted: outcome.interrupted,
      startedAt: outcome.startedAt,
      endedAt: outcome.endedAt,
      replyTo: answers.map((a) => a.turnId),
      ...replyLatencies({ ...marks, firstTextAt: outcome.firstTextAt, firstAudioAt: outcome.firstAudioAt }),
    });
  }

  private clientInterrupt(utteranceId: string | undefined, playedMs: number | undefined): void {
    const reply = this.current?.reply;
    if (reply && (utteranceId === undefined || utteranceId === reply.utteranceId)) {
      this.interruptReply('client', playedMs);
    } else if (utteranceId !== undefined && utteranceId === this.lastCompleted?.utteranceId && playedMs !== undefined) {
      this.cutCompleted(this.lastCompleted, playedMs);
    }
    // Anything else is a late click on a reply long gone: nothing to stop.
  }

  /** Rules 2 and 3: stop every stage now, tell the client if it saw anything, keep only what was heard. */
  private interruptReply(reason: 'client' | 'barge-in', playedMs?: number): void {
    const inFlight = this.current;
    if (!inFlight || !inFlight.reply.isActive) return;
    this.current = null;
    const { reply } = inFlight;
    const outcome = reply.stop(playedMs);
    if (reason === 'barge-in' && !outcome.text) {
      // Nothing of it was heard: what it was answering is answered with what comes next.
      this.turns.giveBack(inFlight.answers);
      inFlight.answers = [];
    }
    if (!outcome.visible) return; // the client never saw it: nothing to take back
    this.send({ type: 'agent.interrupt', utteranceId: reply.utteranceId, reason });
    this.send({ type: 'agent.audio.end', utteranceId: reply.utteranceId, reason: 'interrupted' });
    this.send({ type: 'agent.text', utteranceId: reply.utteranceId, text: outcome.text, final: true });
  }

  /**
   * All audio was sent, but the client stopped playing it early (its buffer holds up to
   * 250 ms plus its jitter buffer): the stored turn still keeps only what was heard.
   */
  private cutCompleted(outcome: ReplyOutcome, playedMs: number): void {
    this.lastCompleted = null;
    if (playedMs >= outcome.sentMs) return;
    this.conversation.cutAgentTurn(outcome.utteranceId, heardText(outcome.sentences, playedMs));
  }

  private send(event: SessionEvent): void {
    this.options.events.send(event);
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /**
   * The transport is gone or the server stops: keep what was said, stop speaking (telling the
   * client where the reply was cut, if it can still hear), store it all. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const inFlight = this.current;
      if (inFlight?.reply.isActive) {
        this.current = null;
        const outcome = inFlight.reply.stop();
        if (outcome.visible) {
          this.send({ type: 'agent.audio.end', utteranceId: outcome.utteranceId, reason: 'interrupted' });
          this.send({ type: 'agent.text', utteranceId: outcome.utteranceId, text: outcome.text, final: true });
        }
      }
      // What the person was saying when the connection went: recognise it and keep it.
      for (const utterance of this.turns.openUtterances) {
        if (this.guards.delete(utterance)) {
          // Not yet a turn when the agent stopped for the close: nothing to keep.
          utterance.stt?.abort();
          this.turns.end(utterance);
          this.turns.settle(utterance, '');
          continue;
        }
        this.turns.end(utterance);
        this.track(this.recognise(utterance, this.limits.closeMs));
      }
      await Promise.allSettled([...this.pending]);
      await this.conversation.flush();
    })();
    return this.closing;
  }
}

/** An engine's message as a sentence of ours. */
function sentence(message: string): string {
  const trimmed = message.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Timeout()), ms);
    timer.unref();
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
