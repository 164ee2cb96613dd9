/**
 * A local Chat Completions server on loopback speaking OpenAI's streaming wire format
 * (`data: {chat.completion.chunk}` server-sent events ending in `data: [DONE]`), scriptable per
 * request: tokens at a fixed rate, a slow status line or first token, a malformed chunk, a
 * mid-stream disconnect, an HTTP error. It records each request's body and when its connection
 * closed, so a test can see a barge-in close the upstream request.
 */
import http from 'node:http';
import { closeNow, listenOnLoopback } from './loopback';

export interface ChatScript {
  /** Answer with this HTTP status and body instead of a stream. */
  status?: number;
  errorBody?: string;
  /** Before the status line. */
  headersDelayMs?: number;
  /** After the headers, before the first token. */
  firstTokenDelayMs?: number;
  tokens?: string[];
  /** Between tokens. Default 0. */
  tokenIntervalMs?: number;
  /** Send `data: {not json` after this many tokens, then carry on. */
  malformedAfter?: number;
  /** Destroy the connection after this many tokens. */
  disconnectAfter?: number;
  /**
   * With disconnectAfter: drop only once this settles. A drop in the same read as the last
   * tokens loses them on Node 24 (fetch errors the body and discards what it had not handed
   * on yet), so a test of what was said before a drop waits until the client has it.
   */
  disconnectWhen?: Promise<void>;
  /** End with the last chunk's finish_reason and `[DONE]`; default true. */
  done?: boolean;
}

export interface RecordedChatRequest {
  index: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: { model?: string; messages?: Array<{ role: string; content: string }>; stream?: boolean; [key: string]: unknown };
  /** performance.now() when the request arrived, when each token was written, when its connection closed. */
  receivedAt: number;
  tokenAt: number[];
  /** Resolves with performance.now() when the connection closes (by either side). */
  closed: Promise<number>;
  /** Whether the whole scripted reply was written before the connection closed. */
  completed: boolean;
}

export interface FakeChatServer {
  /** The base URL, as AGENT_BASE_URL: http://127.0.0.1:<port>/v1 */
  baseUrl: string;
  requests: RecordedChatRequest[];
  /** The script for the next requests (a function: per request). */
  script: ChatScript | ((request: RecordedChatRequest) => ChatScript);
  /** Resolves with the request number `index` (0-based) once it has arrived. */
  request(index: number): Promise<RecordedChatRequest>;
  close(): Promise<void>;
}

export async function startFakeChatServer(script: FakeChatServer['script'] = { tokens: ['Hello', ' there.'] }): Promise<FakeChatServer> {
  const requests: RecordedChatRequest[] = [];
  const waiters: Array<{ index: number; resolve: (r: RecordedChatRequest) => void }> = [];
  const fake: FakeChatServer = {
    baseUrl: '',
    requests,
    script,
    request: (index) =>
      requests[index] ? Promise.resolve(requests[index]) : new Promise((resolve) => waiters.push({ index, resolve })),
    close: () => closeNow(server),
  };

  const server = http.createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on('data', (piece: Buffer) => pieces.push(piece));
    req.on('end', () => {
      let body: RecordedChatRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(pieces).toString('utf8')) as RecordedChatRequest['body'];
      } catch {
        // recorded as empty: the test will see it
      }
      let closedAt!: (at: number) => void;
      const recorded: RecordedChatRequest = {
        index: requests.length,
        path: req.url ?? '',
        headers: req.headers,
        body,
        receivedAt: performance.now(),
        tokenAt: [],
        closed: new Promise((resolve) => (closedAt = resolve)),
        completed: false,
      };
      res.on('close', () => closedAt(performance.now()));
      requests.push(recorded);
      for (const waiter of waiters.filter((w) => w.index === recorded.index)) waiter.resolve(recorded);
      const current = typeof fake.script === 'function' ? fake.script(recorded) : fake.script;
      void respond(current, recorded, res);
    });
  });
  fake.baseUrl = `http://127.0.0.1:${await listenOnLoopback(server)}/v1`;
  return fake;
}

async function respond(script: ChatScript, recorded: RecordedChatRequest, res: http.ServerResponse): Promise<void> {
  let open = true;
  res.on('close', () => (open = false));
  const wait = (ms: number | undefined) => (ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
  await wait(script.headersDelayMs);
  if (!open) return;
  if (script.status && script.status !== 200) {
    res.writeHead(script.status, { 'content-type': 'application/json' });
    res.end(script.errorBody ?? JSON.stringify({ error: { message: `scripted ${script.status}`, type: 'server_error' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  await wait(script.firstTokenDelayMs);
  const tokens = script.tokens ?? [];
  const id = `chatcmpl-fake-${recorded.index}`;
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: recorded.body.model ?? 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  if (!open) return;
  res.write(chunk({ role: 'assistant', content: '' }, null));
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0) await wait(script.tokenIntervalMs);
    if (!open) return;
    if (script.disconnectAfter === i) {
      await script.disconnectWhen;
      return disconnect(res);
    }
    if (script.malformedAfter === i) res.write('data: {"choices": [{"delta": {"content": "unterminated\n\n');
    res.write(chunk({ content: tokens[i] }, null));
    recorded.tokenAt.push(performance.now());
  }
  if (script.disconnectAfter === tokens.length) return disconnect(res);
  if (script.done !== false) {
    res.write(chunk({}, 'stop'));
    res.write('data: [DONE]\n\n');
  }
  recorded.completed = true;
  res.end();
}

/**
 * Drops the connection mid-body: the socket is ended under the response (what was written
 * still leaves; destroy() would discard it), so the chunked body never completes.
 */
function disconnect(res: http.ServerResponse): void {
  const socket = res.socket;
  socket?.end(() => socket.destroy());
}

/** "Hello there. How are you?" as tokens the way models cut text: words with their leading space. */
export function tokensOf(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}
