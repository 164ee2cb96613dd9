/**
 * GET /ws: who is asking and which conversation, decided before any socket exists.
 * 401 without a valid session cookie or API token, 404 for a conversation that is not the
 * caller's own (or does not exist: the two are indistinguishable on purpose).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, AUDIO_FORMAT, type ServerMessage } from '../../lib/contract/messages';
import { identify } from '../auth/identify';
import type { Runtime } from '../runtime';
import { createConversation, findOwnConversation, listTurns } from '../store/conversations';
import type { AgentMessage } from '../providers/agent/types';
import { log, type Logger } from '../log';
import { metrics } from '../metrics';
import { loadPersonSettings, type PersonSettings } from '../store/person-settings';
import { serveConnection, type ConnectionSession, type Outbound } from './connection';

export interface SessionContext {
  userId: string;
  conversationId: string;
  /** The conversation's earlier turns, when it is continued. */
  history: AgentMessage[];
  /** The person's own system prompt and voice (Settings), as they were when the session opened. */
  settings: PersonSettings;
  out: Outbound;
  /** Everything the session logs goes here: it names the conversation and the person. */
  log: Logger;
}

export type SessionFactory = (context: SessionContext) => ConnectionSession;

export interface SocketServerOptions {
  /**
   * The sessions open or being opened changed: this many people may speak at once now (each
   * counted up to STT_MAX_PER_PERSON), e.g. to keep recognisers warm for them.
   */
  onSessionsChanged?(speakers: number): void;
}

/** RFC 6455's "Try Again Later": the server is at capacity. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

const conversationIdSchema = z.uuid();

/** Longer than a closing session's bound (its utterance recognised within 3 s, then stored). */
const PERSIST_WAIT_MS = 10_000;

export class SocketServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Invalid UTF-8 is bad client input like any other: answered with an error, not a 1007 close.
    skipUTF8Validation: true,
  });
  private readonly sessions = new Set<ConnectionSession>();
  /**
   * Closed sessions still persisting what was said (an utterance cut by the drop is recognised
   * first, up to 3 s), by conversation: a reconnect to it waits for them, so that its context
   * has every turn.
   */
  private readonly persisting = new Map<string, Set<Promise<void>>>();
  /** Sessions open or being opened: each holds its place from admission until its socket closes. */
  private admitted = 0;
  /** The same, by person. */
  private readonly admittedBy = new Map<string, number>();

  constructor(
    private readonly runtime: Runtime,
    private readonly createSession: SessionFactory,
    private readonly options: SocketServerOptions = {},
  ) {
    metrics.sessionCapacity.set(this.capacity);
  }

  private get capacity(): number {
    return this.runtime.config.maxSessions;
  }

  /** Handles an upgrade request for /ws; never throws. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const headers = toHeaders(req);
      const identity = await identify(this.runtime, headers);
      // A cookie rides along on cross-site requests too: only our own pages may use it here.
      if (!identity || (identity.via === 'session' && !this.isOwnOrigin(headers.get('origin')))) {
        return refuse(socket, 401, 'Sign in, or send Authorization: Bearer <personal API token>.');
      }
      // Past capacity a new session is told to come back later, before anything is stored for it.
      if (this.admitted >= this.capacity) return this.refuseBusy(req, socket, head, identity.userId);
      this.admit(socket, identity.userId);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const requested = url.searchParams.get('conversationId');
      let conversationId: string;
      let history: AgentMessage[] = [];
      if (requested !== null) {
        const own = conversationIdSchema.safeParse(requested).success
          ? await findOwnConversation(this.runtime.db, identity.userId, requested)
          : null;
        if (!own) return refuse(socket, 404, 'No such conversation of yours.');
        conversationId = own.id;
        await this.persisted(own.id);
        history = (await listTurns(this.runtime.db, own.id)).map((t) => ({ role: t.role, text: t.text }));
      } else {
        conversationId = (await createConversation(this.runtime.db, identity.userId)).id;
      }
      const settings = await this.personSettings(identity.userId);
      const sessionLog = log.child({ conversationId, userId: identity.userId });
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        sessionLog.info({ via: identity.via, continued: requested !== null }, 'session opened');
        this.accept(ws, { userId: identity.userId, conversationId, history, settings, log: sessionLog });
      });
    } catch (error) {
      log.error({ err: error, req }, 'could not open a voice session');
      refuse(socket, 500, 'The server could not open the session.');
    }
  }

  /** Holds a place until the connection's socket closes, however it ends (refused, upgraded, dropped). */
  private admit(socket: Duplex, userId: string): void {
    this.admitted++;
    this.admittedBy.set(userId, (this.admittedBy.get(userId) ?? 0) + 1);
    this.sessionsChanged();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.admitted--;
      const left = (this.admittedBy.get(userId) ?? 1) - 1;
      if (left > 0) this.admittedBy.set(userId, left);
      else this.admittedBy.delete(userId);
      this.sessionsChanged();
    };
    // 'finish': our side has ended it (a refusal, a closed session) even if the client keeps its half open.
    socket.once('finish', release);
    socket.once('close', release);
  }

  /**
   * Who may speak at once now: each person with as many sessions as they may have recognised
   * at once (one person's ten tabs are two speakers, not ten).
   */
  private sessionsChanged(): void {
    if (!this.options.onSessionsChanged) return;
    const { maxPerPerson } = this.runtime.config.recognition;
    let speakers = 0;
    for (const count of this.admittedBy.values()) speakers += Math.min(count, maxPerPerson);
    this.options.onSessionsChanged(speakers);
  }

  /**
   * The contract's answer to "full": an `error` `server_busy` (not fatal: nothing is wrong with
   * the client, and existing sessions are untouched), then close 1013 "try again later".
   */
  private refuseBusy(req: IncomingMessage, socket: Duplex, head: Buffer, userId: string): void {
    metrics.sessionsRefused.inc({ reason: 'busy' });
    log.warn({ userId, capacity: this.capacity }, 'session refused: the server is at capacity');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const busy: ServerMessage = {
        type: 'error',
        code: 'server_busy',
        message: `This server is talking with as many people as it can (${this.capacity}) right now. Please try again in a minute.`,
        fatal: false,
      };
      ws.send(JSON.stringify(busy));
      metrics.sent(busy);
      ws.close(CLOSE_TRY_AGAIN_LATER, 'server busy: try again later');
    });
  }

  private accept(ws: WebSocket, context: Omit<SessionContext, 'out'>) {
    const session = serveConnection(
      ws,
      (out) => {
        out.send({ type: 'session.ready', protocol: PROTOCOL_VERSION, conversationId: context.conversationId, audio: { ...AUDIO_FORMAT } });
        return this.createSession({ ...context, out });
      },
      undefined,
      context.log,
    );
    this.sessions.add(session);
    metrics.activeSessions.inc();
    ws.on('close', (code) => {
      this.sessions.delete(session);
      this.trackPersisting(context.conversationId, session.close());
      metrics.activeSessions.dec();
      context.log.info({ code }, 'session closed');
    });
  }

  private trackPersisting(conversationId: string, closed: Promise<void>) {
    const pending = this.persisting.get(conversationId) ?? new Set();
    this.persisting.set(conversationId, pending);
    const settled = closed.catch(() => {});
    pending.add(settled);
    void settled.then(() => {
      pending.delete(settled);
      if (pending.size === 0 && this.persisting.get(conversationId) === pending) this.persisting.delete(conversationId);
    });
  }

  /** Resolves once earlier sessions of the conversation have stored their turns (at most PERSIST_WAIT_MS). */
  private async persisted(conversationId: string): Promise<void> {
    const pending = this.persisting.get(conversationId);
    if (!pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, PERSIST_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Their settings, without a voice the configured engine no longer has (the configuration changed). */
  private async personSettings(userId: string): Promise<PersonSettings> {
    const settings = await loadPersonSettings(this.runtime.db, userId);
    if (settings.voice === null) return settings;
    const voices = await this.runtime.voices();
    return voices.includes(settings.voice) ? settings : { ...settings, voice: null };
  }

  private isOwnOrigin(origin: string | null): boolean {
    return origin !== null && origin === new URL(this.runtime.config.publicUrl).origin;
  }

  /**
   * Graceful stop: every session ends its reply (telling its client where it was cut) and
   * persists what was said, then the sockets close with 1001.
   */
  async close(): Promise<void> {
    await Promise.allSettled([...this.sessions].map((s) => s.close()));
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    this.wss.close();
  }
}

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 500: 'Internal Server Error' };

function refuse(socket: Duplex, status: number, message: string) {
  const body = JSON.stringify({ error: { status, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
