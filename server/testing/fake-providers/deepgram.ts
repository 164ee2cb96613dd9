/**
 * A local Deepgram live API on loopback (`/v1/listen` over WebSocket, `Authorization: Token …`):
 * binary linear16 audio in; `Results` messages out with Deepgram's shapes (interim and final,
 * `start`/`duration` in seconds of the stream), `KeepAlive` and `CloseStream` understood
 * (final results, `Metadata`, close 1000). What it "hears" is simple so tests can reason
 * about it: every 200 ms block of audio whose first sample is n > 0 is the word `wn`; silence
 * is no word. Every 3 blocks are a final result. Scriptable: refuse the handshake, drop the
 * connection after some blocks, answer late, send a malformed message.
 */
import http from 'node:http';
import { listenOnLoopback } from './loopback';
import { WebSocketServer, type WebSocket } from 'ws';

export const BLOCK_SAMPLES = 3200;

export interface DeepgramScript {
  /** Refuse the handshake with this status. */
  refuseStatus?: number;
  /** Terminate the connection (no close frame) after receiving this many blocks. */
  dropAfterBlocks?: number;
  /** Before answering CloseStream. */
  closeDelayMs?: number;
  /** Send a non-JSON message after this many blocks. */
  malformedAfterBlocks?: number;
}

export interface RecordedConnection {
  index: number;
  query: URLSearchParams;
  authorization: string | undefined;
  samples: number;
  keepAlives: number;
  closeStreamed: boolean;
  /** performance.now() once closed, and the close code the server saw. */
  closed: Promise<{ at: number; code: number }>;
}

export interface FakeDeepgram {
  /** As STT_BASE_URL: ws://127.0.0.1:<port>/v1/listen */
  url: string;
  apiKey: string;
  connections: RecordedConnection[];
  script: DeepgramScript | ((connection: RecordedConnection) => DeepgramScript);
  close(): Promise<void>;
}

/** Audio the fake hears as `words` (numbers: w1 w2 …; 0 is a block of silence). */
export function blocksOf(words: number[]): Int16Array {
  const pcm = new Int16Array(words.length * BLOCK_SAMPLES);
  words.forEach((n, i) => pcm.fill(n, i * BLOCK_SAMPLES, (i + 1) * BLOCK_SAMPLES));
  return pcm;
}

export async function startFakeDeepgram(apiKey = 'dg-fake-key-0123456789'): Promise<FakeDeepgram> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const fake: FakeDeepgram = {
    url: '',
    apiKey,
    connections: [],
    script: {},
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    let closedAt!: (v: { at: number; code: number }) => void;
    const recorded: RecordedConnection = {
      index: fake.connections.length,
      query: url.searchParams,
      authorization: req.headers.authorization,
      samples: 0,
      keepAlives: 0,
      closeStreamed: false,
      closed: new Promise((r) => (closedAt = r)),
    };
    fake.connections.push(recorded);
    const script = typeof fake.script === 'function' ? fake.script(recorded) : fake.script;
    const refuse = url.pathname !== '/v1/listen' ? 404 : req.headers.authorization !== `Token ${apiKey}` ? 401 : script.refuseStatus;
    if (refuse) {
      closedAt({ at: performance.now(), code: 0 });
      socket.end(`HTTP/1.1 ${refuse} Refused\r\ndg-error: scripted refusal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, recorded, script, closedAt));
  });
  fake.url = `ws://127.0.0.1:${await listenOnLoopback(server)}/v1/listen`;
  return fake;
}

function serve(ws: WebSocket, recorded: RecordedConnection, script: DeepgramScript, closed: (v: { at: number; code: number }) => void): void {
  let pending = Buffer.alloc(0);
  let blocks = 0;
  /** Words heard since the last final result, and where that result starts (in blocks). */
  let segment: string[] = [];
  let segmentStart = 0;
  const seconds = (b: number) => (b * BLOCK_SAMPLES) / 16000;
  const results = (isFinal: boolean, fromFinalize = false) => {
    ws.send(
      JSON.stringify({
        type: 'Results',
        channel_index: [0, 1],
        duration: seconds(blocks - segmentStart),
        start: seconds(segmentStart),
        is_final: isFinal,
        speech_final: isFinal,
        from_finalize: fromFinalize,
        channel: { alternatives: [{ transcript: segment.join(' '), confidence: 0.99, words: [] }] },
        metadata: { request_id: 'fake', model_info: { name: 'fake', version: '1', arch: 'fake' } },
      }),
    );
    if (isFinal) {
      segment = [];
      segmentStart = blocks;
    }
  };
  ws.on('close', (code) => closed({ at: performance.now(), code }));
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type === 'KeepAlive') recorded.keepAlives++;
      if (message.type === 'CloseStream') {
        recorded.closeStreamed = true;
        setTimeout(() => {
          if (ws.readyState !== ws.OPEN) return;
          if (blocks > segmentStart || segment.length > 0) results(true, true);
          ws.send(JSON.stringify({ type: 'Metadata', request_id: 'fake', duration: seconds(blocks), channels: 1 }));
          ws.close(1000);
        }, script.closeDelayMs ?? 0);
      }
      return;
    }
    pending = Buffer.concat([pending, data as Buffer]);
    recorded.samples += (data as Buffer).length / 2;
    while (pending.length >= BLOCK_SAMPLES * 2) {
      const first = pending.readInt16LE(0);
      pending = pending.subarray(BLOCK_SAMPLES * 2);
      blocks++;
      if (first > 0) segment.push(`w${first}`);
      if (script.dropAfterBlocks === blocks) return ws.terminate();
      if (script.malformedAfterBlocks === blocks) ws.send('{"type": "Results", oops');
      results(blocks - segmentStart >= 3);
    }
  });
}
