/**
 * The voice session of one conversation. Transports feed it contract messages; it owns the
 * turn-taking (listening → user speaking → thinking → agent speaking → listening), barge-in,
 * what gets stored, and the latencies of each turn. It knows nothing of sockets or engines
 * beyond the Stt, Agent, Tts and AudioOut interfaces.
 */
import { randomUUID } from 'node:crypto';
import type { ClientMessage } from '../../lib/contract/messages';
import type { Agent, AgentMessage } from '../providers/agent/types';
import type { Stt, SttStream } from '../providers/stt/types';
import type { Tts } from '../providers/tts/types';
import type { ContractSession, Outbound } from '../socket/connection';
import { AgentReply, type ReplyOutcome } from './agent-reply';
import type { AudioOut } from './audio-out';
import { heardText } from './truncate';
import { TurnRecorder, type TurnStore } from './turn-recorder';
import { UserAudioInput } from './user-audio';

export interface VoiceProviders {
  stt: Stt;
  agent: Agent;
  tts: Tts;
}

export type SessionState = 'listening' | 'user-speaking' | 'thinking' | 'agent-speaking';

export interface VoiceSessionOptions {
  providers: VoiceProviders;
  out: Outbound;
  audioOut: AudioOut;
  store: TurnStore;
  /** Earlier turns of a continued conversation, oldest first. */
  history?: AgentMessage[];
  timeZone?: string;
}

interface UserUtterance {
  id: string;
  stt: SttStream;
  startedAt: Date;
}

/** How long closing waits for the last words to be recognised before giving up on them. */
const CLOSE_FINALIZE_MS = 3_000;

export class VoiceSession implements ContractSession {
  private readonly userAudio: UserAudioInput;
  private readonly recorder: TurnRecorder;
  private readonly history: AgentMessage[];
  private user: UserUtterance | null = null;
  private reply: AgentReply | null = null;
  /** The last reply that finished sending: the listener may still be hearing its end. */
  private lastCompleted: ReplyOutcome | null = null;
  private replies = 0;
  private pending = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;
  /** One person on one microphone in one room: recognisers may adapt to them across utterances. */
  private readonly speaker = randomUUID();

  constructor(private readonly options: VoiceSessionOptions) {
    this.history = [...(options.history ?? [])];
    this.recorder = new TurnRecorder(options.store, (error) => {
      console.error('[voice] failed to store a turn:', error);
      this.send({ type: 'error', code: 'internal_error', message: 'A turn could not be stored.', fatal: false });
    });
    this.userAudio = new UserAudioInput(
      {
        onUtteranceStart: (id) => this.userStarted(id),
        onUtteranceAudio: (_id, samples) => this.user?.stt.write(samples),
        onUtteranceEnd: (id) => this.userEnded(id),
      },
      (problem) => this.send({ type: 'error', ...problem, fatal: false }),
    );
  }

  get state(): SessionState {
    if (this.user) return 'user-speaking';
    if (this.reply) return this.reply.isSpeaking && this.options.audioOut.sentMs > 0 ? 'agent-speaking' : 'thinking';
    return this.pending.size > 0 ? 'thinking' : 'listening';
  }

  handle(message: ClientMessage): void {
    if (this.closing) return;
    switch (message.type) {
      case 'user.audio.start':
      case 'user.audio.chunk':
      case 'user.audio.end':
        return this.userAudio.handle(message);
      case 'agent.interrupt':
        if (this.reply && (message.utteranceId === undefined || message.utteranceId === this.reply.utteranceId)) {
          this.interruptReply('client', message.playedMs);
        } else if (message.utteranceId !== undefined && message.utteranceId === this.lastCompleted?.utteranceId && message.playedMs !== undefined) {
          this.truncateCompleted(this.lastCompleted, message.playedMs);
        }
        // Anything else is a late click on a reply long gone: nothing to stop.
        return;
      case 'rtc.offer':
        return this.send({ type: 'error', code: 'rtc_failed', message: 'WebRTC is not available on this server; use the WebSocket audio path.', fatal: false });
    }
  }

  private userStarted(id: string): void {
    // Rule 2: the person speaking over the agent stops it, and their new utterance is heard at once.
    if (this.reply) this.interruptReply('barge-in');
    this.lastCompleted = null;
    const stt = this.options.providers.stt.start({
      onPartial: (text) => {
        if (this.user?.id === id) this.send({ type: 'transcript.partial', utteranceId: id, text });
      },
      speaker: this.speaker,
    });
    this.user = { id, stt, startedAt: new Date() };
  }

  private userEnded(id: string): void {
    const user = this.user;
    if (!user || user.id !== id) return;
    this.user = null;
    const speechEndAt = performance.now();
    this.track(this.finishUserTurn(user, speechEndAt, new Date()));
  }

  private async finishUserTurn(user: UserUtterance, speechEndAt: number, endedAt: Date): Promise<void> {
    let text: string;
    try {
      text = (await user.stt.end()).trim();
    } catch (error) {
      this.send({ type: 'error', code: 'stt_failed', message: `Speech recognition failed: ${(error as Error).message}. Please say that again.`, utteranceId: user.id, fatal: false });
      return;
    }
    const finalAt = performance.now();
    this.send({ type: 'transcript.final', utteranceId: user.id, text });
    if (!text) return; // nothing recognisable was said: no turn, no reply
    void this.recorder.record({
      role: 'user',
      utteranceId: user.id,
      text,
      startedAt: user.startedAt,
      endedAt,
      sttLatencyMs: Math.round(finalAt - speechEndAt),
    });
    this.history.push({ role: 'user', text });
    // The person is already speaking again, or we are closing: this reply would be stale.
    if (this.user || this.closing) return;
    this.startReply(speechEndAt, finalAt);
  }

  private startReply(speechEndAt: number, finalAt: number): void {
    // Two utterances whose finals arrive out of order: the newer words win the floor.
    if (this.reply) this.interruptReply('barge-in');
    const { agent, tts } = this.options.providers;
    const reply = new AgentReply(`agent-${++this.replies}`, { agent, tts, audioOut: this.options.audioOut, out: this.options.out, timeZone: this.options.timeZone });
    this.reply = reply;
    this.track(
      reply.outcome.then((outcome) => {
        if (this.reply === reply) this.reply = null;
        return this.recordReply(outcome, speechEndAt, finalAt);
      }),
    );
    reply.start([...this.history]);
  }

  /**
   * All audio was sent, but the client stopped playing it early (its buffer holds up to
   * 250 ms plus its jitter buffer): rule 3 still holds, the stored turn keeps what was heard.
   */
  private truncateCompleted(outcome: ReplyOutcome, playedMs: number): void {
    this.lastCompleted = null;
    if (playedMs >= outcome.sentMs) return;
    const heard = heardText(outcome.sentences, playedMs);
    const index = this.history.findLastIndex((m) => m.role === 'agent' && m.text === outcome.text);
    if (index >= 0) this.history[index] = { role: 'agent', text: heard };
    void this.recorder.truncate(outcome.utteranceId, heard);
  }

  private recordReply(outcome: ReplyOutcome, speechEndAt: number, finalAt: number): Promise<void> | undefined {
    if (!outcome.announced) return; // nothing was said or shown
    this.lastCompleted = outcome.interrupted ? null : outcome;
    this.history.push({ role: 'agent', text: outcome.text });
    const since = (from: number | null, to: number | null) => (from !== null && to !== null ? Math.round(to - from) : null);
    return this.recorder.record({
      role: 'agent',
      utteranceId: outcome.utteranceId,
      text: outcome.text,
      interrupted: outcome.interrupted,
      startedAt: outcome.startedAt,
      endedAt: outcome.endedAt,
      agentLatencyMs: since(finalAt, outcome.firstTextAt),
      ttsLatencyMs: since(outcome.firstTextAt, outcome.firstAudioAt),
      voiceToVoiceMs: since(speechEndAt, outcome.firstAudioAt),
    });
  }

  /** Rules 2 and 3: stop every stage now, tell the client, keep only what was heard. */
  private interruptReply(reason: 'client' | 'barge-in', playedMs?: number): void {
    const reply = this.reply;
    if (!reply || !reply.isSpeaking) return;
    this.reply = null;
    const outcome = reply.stop(playedMs);
    if (!outcome.announced) return;
    this.send({ type: 'agent.interrupt', utteranceId: reply.utteranceId, reason });
    this.send({ type: 'agent.audio.end', utteranceId: reply.utteranceId, reason: 'interrupted' });
    this.send({ type: 'agent.text', utteranceId: reply.utteranceId, text: outcome.text, final: true });
  }

  private send(message: Parameters<Outbound['send']>[0]): void {
    if (!this.closing) this.options.out.send(message);
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /** The transport is gone: keep what was said, stop speaking, store it all. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.userAudio.abandon();
      if (this.reply?.isSpeaking) this.reply.stop();
      const user = this.user;
      this.user = null;
      if (user) {
        // What the person said before the socket went: recognise it and keep it.
        const speechEnd = performance.now();
        const finishing = this.finishUserTurn(user, speechEnd, new Date());
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_FINALIZE_MS).unref());
        await Promise.race([finishing, timeout]);
        user.stt.abort();
      }
      await Promise.allSettled([...this.pending]);
      await this.recorder.flush();
    })();
    return this.closing;
  }
}
