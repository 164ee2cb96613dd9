/**
 * A scripted client of the audio contract over a real WebSocket: what outside clients do,
 * used by integration tests and the benchmark. Every message is checked against the
 * contract's own schema, so a server that drifts from the contract fails loudly.
 */
import WebSocket from 'ws';
import { serverMessage, type ServerMessage, type ServerMessageOf } from '../../lib/contract/messages';
import { encodeAudioChunk } from '../audio/base64-pcm';

export class ContractClient {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void; from: number }> = [];
  /** Timestamps (performance.now()) at which each received message arrived, by index. */
  readonly arrivals: number[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('the server sent a binary frame');
      const parsed = serverMessage.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) throw new Error(`the server sent a message outside the contract: ${data.toString().slice(0, 300)}`);
      this.received.push(parsed.data);
      this.arrivals.push(performance.now());
      const index = this.received.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (index >= w.from && w.match(parsed.data)) {
          w.resolve(parsed.data);
          return false;
        }
        return true;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens /ws; rejects with the HTTP status when the upgrade is refused. */
  static async connect(baseUrl: string, options: { cookie?: string; token?: string; conversationId?: string; origin?: string } = {}): Promise<ContractClient> {
    const url = new URL('/ws', baseUrl.replace(/^http/, 'ws'));
    if (options.conversationId) url.searchParams.set('conversationId', options.conversationId);
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const ws = new WebSocket(url, { headers, origin: options.origin ?? new URL(baseUrl).origin });
    const client = new ContractClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new UpgradeRefused(res.statusCode ?? 0)));
      ws.once('error', reject);
    });
    return client;
  }

  send(message: Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message (after index `from`, default: any not yet consumed) matching `match`. */
  next<T extends ServerMessage['type']>(type: T, match: (m: ServerMessageOf<T>) => boolean = () => true, options: { from?: number; timeoutMs?: number } = {}): Promise<ServerMessageOf<T>> {
    const from = options.from ?? 0;
    const predicate = (m: ServerMessage) => m.type === type && match(m as ServerMessageOf<T>);
    const found = this.received.slice(from).find(predicate);
    if (found) return Promise.resolve(found as ServerMessageOf<T>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${options.timeoutMs ?? 30_000} ms; got ${this.received.map((m) => m.type).join(', ')}`)), options.timeoutMs ?? 30_000);
      this.waiters.push({ match: predicate, from, resolve: (m) => { clearTimeout(timer); resolve(m as ServerMessageOf<T>); } });
    });
  }

  all<T extends ServerMessage['type']>(type: T): ServerMessageOf<T>[] {
    return this.received.filter((m) => m.type === type) as ServerMessageOf<T>[];
  }

  /** Speaks one utterance: start, 20 ms chunks, end. `realtime` paces chunks as a microphone would. */
  async speak(utteranceId: string, pcm: Int16Array, options: { realtime?: boolean; chunkMs?: number; end?: boolean } = {}): Promise<void> {
    const chunkSamples = ((options.chunkMs ?? 20) * 16000) / 1000;
    this.send({ type: 'user.audio.start', utteranceId, timestamp: Date.now() });
    let sequence = 0;
    const started = performance.now();
    for (let offset = 0; offset < pcm.length; offset += chunkSamples) {
      this.send({ type: 'user.audio.chunk', utteranceId, sequence: sequence++, timestamp: Date.now(), audio: encodeAudioChunk(pcm.subarray(offset, offset + chunkSamples)) });
      if (options.realtime) {
        const due = started + (sequence * (options.chunkMs ?? 20));
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }
    if (options.end !== false) this.send({ type: 'user.audio.end', utteranceId, sequence: sequence - 1, timestamp: Date.now() });
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}

export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused with HTTP ${status}`);
  }
}
