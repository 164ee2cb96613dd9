/**
 * A conversation as the session keeps it: the turns stored (one after another, through the
 * recorder) and the context the agent is given, both holding only what was heard (rule 3).
 * The context is bounded: the newest turns that fit, oldest dropped first.
 */
import { randomUUID } from 'node:crypto';
import type { AgentMessage } from '../providers/agent/types';
import type { ReplyLatencies } from './latency';
import { TurnRecorder, type TurnStore } from './turn-recorder';

export interface ContextBounds {
  /** At most this many turns. */
  maxTurns: number;
  /** At most this many characters of turn text (the newest turn is always kept). */
  maxChars: number;
}

export const DEFAULT_CONTEXT_BOUNDS: ContextBounds = { maxTurns: 40, maxChars: 12_000 };

/** Which engines produced the turns, as stored with them. */
export interface ProviderNames {
  stt: string;
  agent: string;
  tts: string;
}

interface ContextEntry extends AgentMessage {
  /** The agent utterance a stored agent turn was spoken as, and that turn's id. */
  utteranceId?: string;
  turnId?: string;
}

export class Conversation {
  private readonly recorder: TurnRecorder;
  private readonly entries: ContextEntry[];
  /** Agent turns stored while being spoken: utteranceId → their turn id and the text last written. */
  private readonly spoken = new Map<string, { id: string; text: string }>();

  constructor(
    store: TurnStore,
    private readonly options: { history?: readonly AgentMessage[]; bounds?: ContextBounds; providers: ProviderNames; onError(error: unknown): void },
  ) {
    this.recorder = new TurnRecorder(store, options.onError);
    // Earlier turns of a continued conversation; an empty one never reaches the agent.
    this.entries = (options.history ?? []).filter((m) => m.text.trim() !== '').map((m) => ({ ...m }));
  }

  /** Stores a finalized user utterance; returns its turn id. */
  addUserTurn(turn: { utteranceId: string; text: string; startedAt: Date; endedAt: Date; sttLatencyMs: number | null }): string {
    const id = randomUUID();
    this.entries.push({ role: 'user', text: turn.text, utteranceId: turn.utteranceId });
    void this.recorder.record({ id, role: 'user', ...turn, sttProvider: this.options.providers.stt });
    return id;
  }

  /**
   * A reply being spoken, stored as far as the listener has been sent it (marked interrupted
   * until it completes), so that a crash keeps what was heard. The first words create the turn.
   */
  agentTurnSoFar(turn: { utteranceId: string; text: string; startedAt: Date; replyTo: string[] }): void {
    if (!turn.text.trim()) return;
    const stored = this.spoken.get(turn.utteranceId);
    if (stored?.text === turn.text) return; // nothing new heard since the last write
    if (stored === undefined) {
      const newId = randomUUID();
      this.spoken.set(turn.utteranceId, { id: newId, text: turn.text });
      void this.recorder.record({
        id: newId,
        role: 'agent',
        utteranceId: turn.utteranceId,
        text: turn.text,
        interrupted: true,
        startedAt: turn.startedAt,
        endedAt: new Date(),
        replyTo: turn.replyTo,
        agentProvider: this.options.providers.agent,
        ttsProvider: this.options.providers.tts,
      });
    } else {
      stored.text = turn.text;
      void this.recorder.update(stored.id, { text: turn.text, interrupted: true, endedAt: new Date() });
    }
  }

  /** Stores an agent reply as heard, with the user turns it answers. Nothing heard: nothing stored. */
  addAgentTurn(turn: { utteranceId: string; text: string; interrupted: boolean; startedAt: Date; endedAt: Date; replyTo: string[] } & ReplyLatencies): void {
    const storedSoFar = this.spoken.get(turn.utteranceId)?.id;
    this.spoken.delete(turn.utteranceId);
    if (!turn.text.trim()) {
      if (storedSoFar !== undefined) void this.recorder.truncate(storedSoFar, '');
      return;
    }
    const id = storedSoFar ?? randomUUID();
    this.entries.push({ role: 'agent', text: turn.text, utteranceId: turn.utteranceId, turnId: id });
    const { utteranceId: _, replyTo: __, ...changes } = turn;
    if (storedSoFar !== undefined) {
      void this.recorder.update(id, changes);
      return;
    }
    void this.recorder.record({
      id,
      role: 'agent',
      ...turn,
      agentProvider: this.options.providers.agent,
      ttsProvider: this.options.providers.tts,
    });
  }

  /** A stored agent turn was heard only in part (the listener stopped it after the last chunk). */
  cutAgentTurn(utteranceId: string, heard: string): void {
    const index = this.entries.findLastIndex((e) => e.role === 'agent' && e.utteranceId === utteranceId);
    const turnId = this.entries[index]?.turnId;
    if (index < 0 || !turnId) return;
    if (heard.trim()) this.entries[index] = { ...this.entries[index], text: heard };
    else this.entries.splice(index, 1);
    void this.recorder.truncate(turnId, heard);
  }

  /** What the agent is given: the newest turns within the bounds, oldest first. */
  agentContext(): AgentMessage[] {
    const { maxTurns, maxChars } = this.options.bounds ?? DEFAULT_CONTEXT_BOUNDS;
    const context: AgentMessage[] = [];
    let chars = 0;
    for (let i = this.entries.length - 1; i >= 0 && context.length < maxTurns; i--) {
      const { role, text } = this.entries[i];
      if (context.length > 0 && chars + text.length > maxChars) break;
      chars += text.length;
      context.unshift({ role, text });
    }
    return context;
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }
}
