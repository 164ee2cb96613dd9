/**
 * One /ws connection: frames in and out, nothing else. Enforces the transport rules of the
 * contract (text frames, 64 KiB, rate), parses each frame and hands typed messages to the
 * session; the session decides what they mean.
 */
import type { RawData, WebSocket } from 'ws';
import { parseClientFrame } from '../../lib/contract/parse';
import type { ClientMessage, ServerMessage } from '../../lib/contract/messages';
import { RateLimiter } from './rate-limit';

/** What a transport drives: the voice session of one conversation. */
export interface ContractSession {
  handle(message: ClientMessage): void;
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

export function serveConnection(ws: WebSocket, createSession: (out: Outbound) => ContractSession): ContractSession {
  const out: Outbound = {
    send(message) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    },
  };
  const session = createSession(out);
  const limiter = new RateLimiter(FRAME_BURST, FRAMES_PER_SECOND);
  let closing = false;

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (closing) return;
    if (!limiter.take()) {
      closing = true;
      out.send({ type: 'error', code: 'rate_limited', message: `More than ${FRAMES_PER_SECOND} frames a second: closing.`, fatal: true });
      // Persist first, then close: rule 4's "every closing is preceded by persisting".
      void session.close().finally(() => ws.close(CLOSE_POLICY, 'rate limit exceeded'));
      return;
    }
    if (isBinary) {
      out.send({ type: 'error', code: 'unsupported_frame', message: 'Binary frames are not part of protocol 1: send JSON text frames with base64 audio.', fatal: false });
      return;
    }
    const parsed = parseClientFrame(rawToString(data));
    if (!parsed.ok) {
      out.send({ type: 'error', code: parsed.code, message: parsed.message, utteranceId: parsed.utteranceId, fatal: false });
      return;
    }
    try {
      session.handle(parsed.message);
    } catch (error) {
      console.error('[ws] session failed to handle a message:', error);
      out.send({ type: 'error', code: 'internal_error', message: 'The server failed to handle that message; the session goes on.', fatal: false });
    }
  });

  // ws closes with 1009 by itself on frames over maxPayload; either way the session persists.
  ws.on('close', () => {
    closing = true;
    void session.close();
  });
  ws.on('error', (error) => {
    if (!/Max payload size exceeded/.test(error.message)) console.warn('[ws] socket error:', error.message);
  });
  return session;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
