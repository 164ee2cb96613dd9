/**
 * One /ws connection: frames in and out. Enforces the transport rules of the contract
 * (text frames, UTF-8, 64 KiB, frame and audio rates), parses each frame, turns user audio
 * into the session's typed input (ContractAudio) and hands everything to the session.
 * A fault in one frame's handling is answered and logged; it never silences the connection.
 */
import type { RawData, WebSocket } from 'ws';
import { parseClientFrame } from '../../lib/contract/parse';
import type { ClientMessage, ServerMessage } from '../../lib/contract/messages';
import type { SessionInput } from '../voice/events';
import { log as rootLog, type Logger } from '../log';
import { metrics } from '../metrics';
import { ContractAudio, type ContractAudioLimits } from './contract-audio';
import { RateLimiter } from './rate-limit';

/** What a connection drives: the voice session of one conversation. */
export interface ConnectionSession {
  handle(input: SessionInput): void;
  /** A message the socket transport does not turn into session input (e.g. rtc.offer). */
  handleOther?(message: Exclude<ClientMessage, { type: `user.audio.${string}` | 'agent.interrupt' }>): void;
  /** True while another transport (a WebRTC track) carries the user's audio: socket audio is refused. */
  refusesSocketAudio?(): boolean;
  /** The connection is gone: persist what was said so far and release engines. */
  close(): Promise<void>;
}

export interface Outbound {
  send(message: ServerMessage): void;
}

/** 20 ms audio is 50 frames a second; allow 5× that sustained and a few seconds of burst. */
const FRAME_BURST = 500;
const FRAMES_PER_SECOND = 250;

export const CLOSE_TOO_BIG = 1009;
export const CLOSE_POLICY = 1008;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function serveConnection(
  ws: WebSocket,
  createSession: (out: Outbound) => ConnectionSession,
  audioLimits?: Partial<ContractAudioLimits>,
  /** The session's logger (it carries the conversation id). */
  log: Logger = rootLog,
): ConnectionSession {
  const out: Outbound = {
    send(message) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(message));
      metrics.sent(message);
    },
  };
  const session = createSession(out);
  const limiter = new RateLimiter(FRAME_BURST, FRAMES_PER_SECOND);
  let closing = false;

  const closeForPolicy = (message: string, reason: string) => {
    if (closing) return;
    closing = true;
    audio.close();
    out.send({ type: 'error', code: 'rate_limited', message, fatal: true });
    // Persist first, then close: rule 4's "every closing is preceded by persisting".
    void session.close().finally(() => ws.close(CLOSE_POLICY, reason));
  };
  const audio = new ContractAudio(
    {
      input: (input) => session.handle(input),
      problem: (problem) => out.send({ type: 'error', ...problem, fatal: false }),
      flood: (message) => closeForPolicy(message, 'audio rate limit exceeded'),
    },
    audioLimits,
  );

  const handleFrame = (data: RawData, isBinary: boolean) => {
    if (!limiter.take()) {
      return closeForPolicy(`More than ${FRAMES_PER_SECOND} frames a second: closing.`, 'rate limit exceeded');
    }
    if (isBinary) {
      return out.send({ type: 'error', code: 'unsupported_frame', message: 'Binary frames are not part of protocol 1: send JSON text frames with base64 audio.', fatal: false });
    }
    let text: string;
    try {
      text = utf8.decode(rawToBuffer(data));
    } catch {
      return out.send({ type: 'error', code: 'invalid_json', message: 'The frame is not valid UTF-8: send JSON text encoded as UTF-8.', fatal: false });
    }
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      return out.send({ type: 'error', code: parsed.code, message: parsed.message, utteranceId: parsed.utteranceId, fatal: false });
    }
    const message = parsed.message;
    switch (message.type) {
      case 'user.audio.start':
      case 'user.audio.chunk':
      case 'user.audio.end':
        if (session.refusesSocketAudio?.()) {
          return out.send({ type: 'error', code: 'transport_conflict', message: 'A WebRTC track carries your audio: send it there, not as user.audio messages (or close the peer connection first).', utteranceId: message.utteranceId, fatal: false });
        }
        return audio.handle(message);
      case 'agent.interrupt':
        return session.handle({ type: 'interrupt', utteranceId: message.utteranceId, playedMs: message.playedMs });
      default:
        return session.handleOther?.(message);
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (closing) return;
    try {
      handleFrame(data, isBinary);
    } catch (error) {
      log.error({ err: error }, 'failed to handle a frame');
      out.send({ type: 'error', code: 'internal_error', message: 'The server failed to handle that message; the session goes on.', fatal: false });
    }
  });

  // ws closes with 1009 by itself on frames over maxPayload; either way the session persists.
  ws.on('close', () => {
    closing = true;
    audio.close();
    void session.close();
  });
  ws.on('error', (error) => {
    if (!/Max payload size exceeded/.test(error.message)) log.warn({ err: error }, 'socket error');
  });
  return session;
}

function rawToBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return data;
}
