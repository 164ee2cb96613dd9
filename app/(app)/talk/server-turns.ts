/**
 * Turn-taking as the page sees it over WebRTC, where the SERVER decides it: its VAD cuts the
 * person's utterances (and chooses their ids), it stops the agent on barge-in, and agent
 * speech arrives on the peer connection's track, not as chunks. This only follows the
 * server's events to show who has the floor, and names the agent utterance the stop button
 * interrupts. The page sends no `user.audio.*` on this path.
 *
 * An agent utterance that is over (interrupted, ended, failed) stays over: a late
 * `agent.text` of it does not make the agent look like it speaks again.
 */
import type { ClientMessage, ServerMessage } from '@/lib/contract/messages';
import { RecentIds, type AgentState } from './turn-taking';

export class ServerTurns {
  private user: string | null = null;
  private awaiting: string | null = null;
  private agent: string | null = null;
  private readonly over = new RecentIds(32);

  constructor(private readonly now: () => number = Date.now) {}

  get state(): AgentState {
    if (this.user) return 'user-speaking';
    if (this.agent) return 'agent-speaking';
    if (this.awaiting) return 'thinking';
    return 'listening';
  }

  get agentUtteranceId(): string | null {
    return this.agent;
  }

  /** Follows one server event. */
  receive(message: ServerMessage): void {
    switch (message.type) {
      case 'session.ready':
        this.reset();
        return;
      case 'transcript.partial':
        // The server heard speech: a new utterance of the person (over the agent, barge-in follows).
        if (this.user !== message.utteranceId) this.user = message.utteranceId;
        return;
      case 'transcript.final':
        if (this.user === message.utteranceId) this.user = null;
        this.awaiting = message.text ? message.utteranceId : null;
        return;
      case 'agent.text':
        if (this.over.has(message.utteranceId)) return;
        this.agent = message.utteranceId;
        this.awaiting = null;
        return;
      case 'agent.audio.end':
      case 'agent.interrupt':
        this.end(message.utteranceId);
        return;
      case 'error':
        if (message.code === 'stt_failed' || message.code === 'provider_timeout') {
          if (!message.utteranceId || message.utteranceId === this.user || message.utteranceId === this.awaiting) {
            this.user = null;
            this.awaiting = null;
          }
        }
        if ((message.code === 'agent_failed' || message.code === 'tts_failed' || message.code === 'provider_timeout') && message.utteranceId) {
          this.end(message.utteranceId);
          this.awaiting = null;
        }
        return;
      default:
        return;
    }
  }

  /**
   * The stop button: `agent.interrupt` for the utterance speaking, or null when none speaks.
   * No `playedMs`: the server knows what it sent on the track and cuts the stored turn there.
   */
  interruptAgent(): Extract<ClientMessage, { type: 'agent.interrupt' }> | null {
    const id = this.agent;
    if (!id) return null;
    this.end(id);
    return { type: 'agent.interrupt', utteranceId: id, timestamp: this.now() };
  }

  reset(): void {
    this.user = null;
    this.awaiting = null;
    this.agent = null;
    this.over.clear();
  }

  private end(id: string) {
    this.over.add(id);
    if (this.agent === id) this.agent = null;
  }
}
