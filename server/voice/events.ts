/**
 * What flows into and out of a voice session, independent of any transport.
 * In: typed user audio (utterance start, 16 kHz PCM frames, end) and interruptions; the socket
 * transport decodes contract frames into it, the WebRTC bridge its decoded track.
 * Out: the contract's events, except audio and signalling, which belong to transports.
 */
import type { ServerMessage } from '../../lib/contract/messages';

export type SessionInput =
  /**
   * `detectedBy: 'server-vad'`: the server's own VAD cut it (a WebRTC track), so it must show
   * enough speech before it may interrupt the agent; a client that cuts its own utterances
   * decides barge-in itself.
   */
  | { type: 'utterance.start'; utteranceId: string; detectedBy?: 'server-vad' }
  /** 16 kHz mono PCM16 of the open utterance. */
  | { type: 'utterance.audio'; utteranceId: string; samples: Int16Array }
  | { type: 'utterance.end'; utteranceId: string }
  /** Stop the agent (a stop button); `playedMs` is how much of it the listener played. */
  | { type: 'interrupt'; utteranceId?: string; playedMs?: number };

export type SessionEvent = Exclude<ServerMessage, { type: 'session.ready' | 'agent.audio.chunk' | 'rtc.answer' }>;

export interface SessionEvents {
  send(event: SessionEvent): void;
}
