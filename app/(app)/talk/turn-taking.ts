/**
 * The browser's side of turn-taking, as plain logic: which user utterance is open, which agent
 * utterance is playing, which agent utterances are over (their late audio is dropped), and
 * what the talk page shows. It has no DOM, Web Audio or socket: each call returns what to do
 * (send a message, play samples, flush playback), and voice-client.ts does it.
 *
 * Rule 4, "nothing stale plays":
 * - audio of an agent utterance this client interrupted, or that the server interrupted or
 *   ended, is dropped by utteranceId, however late it arrives;
 * - while the person speaks the state stays "user-speaking": a late chunk or agent.text of an
 *   old reply does not make the agent look (or sound) like it has the floor;
 * - stopping playback is one `flush` (one message to the playback worklet), never a loop.
 */
import { decodeAudioChunk, encodeAudioChunk, msOfSamples } from '@/lib/audio/pcm';
import type { ClientMessage, ServerMessage } from '@/lib/contract/messages';

export type AgentState = 'listening' | 'user-speaking' | 'thinking' | 'agent-speaking';

/** What the caller does, in the order given. */
export type TurnEffect =
  | { type: 'send'; message: ClientMessage }
  /** Queue these samples for playback; `first` marks an agent utterance's first audio. */
  | { type: 'play'; utteranceId: string; sequence: number; samples: Int16Array; first: boolean }
  /** No more audio will come for this utterance: let what is queued play out. */
  | { type: 'end-playback'; utteranceId: string }
  /** Drop everything queued for playback, at once. */
  | { type: 'flush' }
  /** A chunk was not played, and why (for the page's debug log only). */
  | { type: 'dropped'; utteranceId: string; sequence: number; reason: 'over' | 'user-speaking' | 'invalid' };

export interface TurnTakingOptions {
  /** Clock for message timestamps and the utterance id prefix; default Date.now. */
  now?: () => number;
  /** How many finished agent utterance ids are remembered, to drop their late audio. */
  memory?: number;
}

interface AgentUtterance {
  id: string;
  /** Audio received (and queued for playback), and how much of it the speaker has played. */
  receivedMs: number;
  playedMs: number;
  /** `agent.audio.end` `completed` arrived: nothing more comes, what is queued plays out. */
  ended: boolean;
}

/** The last `limit` ids added, oldest forgotten first: bounded memory however long the session. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(readonly limit: number) {}
  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value!);
  }
  has(id: string): boolean {
    return this.ids.has(id);
  }
  clear(): void {
    this.ids.clear();
  }
  get size(): number {
    return this.ids.size;
  }
}

export class TurnTaking {
  private readonly now: () => number;
  /** Ids are `u<client start, base 36>-<n>`: unique across reloads of one conversation, `n` increasing. */
  private readonly idPrefix: string;
  private utterances = 0;
  private user: { id: string; sequence: number } | null = null;
  /** The user utterance that ended and whose reply has not begun. */
  private awaiting: string | null = null;
  /** The agent utterance that plays, or will play once its audio comes (known from its text). */
  private agent: AgentUtterance | null = null;
  /** Agent utterances that are over: interrupted (by either side) or ended by the server. */
  private readonly over: RecentIds;

  constructor(options: TurnTakingOptions = {}) {
    this.now = options.now ?? Date.now;
    this.idPrefix = `u${this.now().toString(36)}`;
    this.over = new RecentIds(options.memory ?? 32);
  }

  get state(): AgentState {
    if (this.user) return 'user-speaking';
    if (this.agent && this.agent.receivedMs > 0) return 'agent-speaking';
    if (this.agent || this.awaiting) return 'thinking';
    return 'listening';
  }

  /** The open user utterance, if any. */
  get userUtteranceId(): string | null {
    return this.user?.id ?? null;
  }

  /** The agent utterance playing (or announced and about to play), if any. */
  get agentUtteranceId(): string | null {
    return this.agent?.id ?? null;
  }

  /** Whether audio of this agent utterance is dropped from now on. */
  isOver(agentUtteranceId: string): boolean {
    return this.over.has(agentUtteranceId);
  }

  // ── the person ──

  /**
   * The person started speaking (VAD onset, push-to-talk). Over the agent this is barge-in:
   * playback stops first, and `agent.interrupt` says how much was heard, before
   * `user.audio.start` (which alone would make the server assume all it sent was heard).
   */
  startUser(): TurnEffect[] {
    if (this.user) return [];
    const effects = this.stopAgent();
    const id = `${this.idPrefix}-${++this.utterances}`;
    this.user = { id, sequence: 0 };
    this.awaiting = null;
    effects.push({ type: 'send', message: { type: 'user.audio.start', utteranceId: id, timestamp: this.now() } });
    return effects;
  }

  /** One frame of the open utterance's audio; nothing when no utterance is open. */
  userAudio(samples: Int16Array): TurnEffect[] {
    if (!this.user) return [];
    const message: ClientMessage = {
      type: 'user.audio.chunk',
      utteranceId: this.user.id,
      sequence: this.user.sequence++,
      timestamp: this.now(),
      audio: encodeAudioChunk(samples),
    };
    return [{ type: 'send', message }];
  }

  /** The person stopped speaking (VAD end, push-to-talk release, mode switch, stop). */
  endUser(): TurnEffect[] {
    const user = this.user;
    if (!user) return [];
    this.user = null;
    this.awaiting = user.id;
    // `sequence` names the last chunk sent, so the server can tell whether any went missing.
    const last = user.sequence > 0 ? { sequence: user.sequence - 1 } : {};
    return [{ type: 'send', message: { type: 'user.audio.end', utteranceId: user.id, ...last, timestamp: this.now() } }];
  }

  /** The stop button: the agent stops now, and the server hears how much was played. */
  interruptAgent(): TurnEffect[] {
    return this.stopAgent();
  }

  // ── the playback worklet ──

  /** How much of an agent utterance the speaker has played so far. */
  playbackProgress(agentUtteranceId: string, playedMs: number): void {
    if (this.agent?.id === agentUtteranceId) this.agent.playedMs = Math.max(this.agent.playedMs, playedMs);
  }

  /** Everything of an ended agent utterance has been played. */
  playbackDrained(agentUtteranceId: string): void {
    if (this.agent?.id === agentUtteranceId && this.agent.ended) this.agent = null;
  }

  // ── the connection ──

  /** The socket closed or a new one opens: nothing of the old one plays or is awaited. */
  reset(): TurnEffect[] {
    const playing = (this.agent?.receivedMs ?? 0) > 0;
    this.user = null;
    this.awaiting = null;
    this.agent = null;
    this.over.clear();
    return playing ? [{ type: 'flush' }] : [];
  }

  /** What to do with one message from the server. */
  receive(message: ServerMessage): TurnEffect[] {
    switch (message.type) {
      case 'session.ready':
        // A new connection numbers its agent utterances from agent-1 again.
        return this.reset();
      case 'transcript.final':
        if (!message.text && this.awaiting === message.utteranceId) this.awaiting = null;
        return [];
      case 'agent.text':
        return this.admit(message.utteranceId).effects;
      case 'agent.audio.chunk':
        return this.chunk(message.utteranceId, message.sequence, message.audio);
      case 'agent.audio.end':
        if (message.reason === 'interrupted') return this.stoppedByServer(message.utteranceId);
        this.over.add(message.utteranceId);
        if (this.agent?.id !== message.utteranceId) return [];
        if (this.agent.receivedMs === 0) {
          this.agent = null; // a reply without audio
          return [];
        }
        this.agent.ended = true;
        return [{ type: 'end-playback', utteranceId: message.utteranceId }];
      case 'agent.interrupt':
        return this.stoppedByServer(message.utteranceId);
      case 'error':
        if (message.code === 'stt_failed' && (!message.utteranceId || message.utteranceId === this.awaiting)) this.awaiting = null;
        // A provider's time-out names the person's utterance (recognition) or the agent's (reply).
        if (message.code === 'provider_timeout' && message.utteranceId === this.awaiting) this.awaiting = null;
        else if (message.code === 'agent_failed' || message.code === 'tts_failed' || message.code === 'provider_timeout') {
          this.awaiting = null;
          if (message.utteranceId) return this.stoppedByServer(message.utteranceId);
        }
        return [];
      case 'transcript.partial':
      case 'rtc.answer':
        return [];
    }
  }

  // ── inside ──

  private chunk(id: string, sequence: number, audio: string): TurnEffect[] {
    const { agent, effects, stale } = this.admit(id);
    if (!agent) return [...effects, { type: 'dropped', utteranceId: id, sequence, reason: stale ?? 'over' }];
    const decoded = decodeAudioChunk(audio);
    if (!decoded.ok) return [...effects, { type: 'dropped', utteranceId: id, sequence, reason: 'invalid' }];
    const first = agent.receivedMs === 0;
    agent.receivedMs += msOfSamples(decoded.samples.length);
    effects.push({ type: 'play', utteranceId: id, sequence, samples: decoded.samples, first });
    return effects;
  }

  /**
   * The agent utterance a text or chunk belongs to, if it may be shown and played: not one
   * that is over, and not while the person speaks. The server starts a reply only after the
   * person's utterance ended (rule 1) and stops any reply when one starts (rule 2), so a
   * reply heard of while the person speaks is one being stopped: it is over from now on.
   */
  private admit(id: string): { agent: AgentUtterance | null; effects: TurnEffect[]; stale?: 'over' | 'user-speaking' } {
    if (this.over.has(id)) return { agent: null, effects: [], stale: 'over' };
    if (this.user) {
      this.over.add(id);
      return { agent: null, effects: [], stale: 'user-speaking' };
    }
    if (this.agent?.id === id) return { agent: this.agent, effects: [] };
    // A newer reply takes the floor from one still playing (its end was in the buffer).
    const effects = this.stopAgent();
    this.agent = { id, receivedMs: 0, playedMs: 0, ended: false };
    this.awaiting = null;
    return { agent: this.agent, effects };
  }

  /** This client stops the agent utterance it plays: flush, and tell the server what was heard. */
  private stopAgent(): TurnEffect[] {
    const agent = this.agent;
    if (!agent) return [];
    this.agent = null;
    this.over.add(agent.id);
    const effects: TurnEffect[] = [];
    if (agent.receivedMs > 0) effects.push({ type: 'flush' });
    const playedMs = Math.round(Math.min(agent.playedMs, agent.receivedMs));
    effects.push({ type: 'send', message: { type: 'agent.interrupt', utteranceId: agent.id, playedMs, timestamp: this.now() } });
    return effects;
  }

  /** The server says this agent utterance is interrupted (or failed): it is over, and flushed if playing. */
  private stoppedByServer(id: string): TurnEffect[] {
    this.over.add(id);
    if (this.agent?.id !== id) return [];
    const playing = this.agent.receivedMs > 0;
    this.agent = null;
    return playing ? [{ type: 'flush' }] : [];
  }
}
