/**
 * A local OpenAI-style speech server on loopback: `POST /v1/audio/speech` answers with chunked
 * raw PCM (24 kHz mono 16-bit, as `response_format: pcm`) or a WAV file, a tone of
 * `msPerChar` per character of the input, in pieces split at odd byte boundaries as networks
 * do; `GET /v1/audio/voices` lists voices as Kokoro-FastAPI does ({ voices: [{ id, name }] }). Scriptable per request: a slow
 * first byte, a mid-stream disconnect, an HTTP error. Records each request and when it closed.
 */
import http from 'node:http';
import { closeNow, listenOnLoopback } from './loopback';
import { encodeWav } from '../../providers/tts/flite/wav';

export interface SpeechScript {
  status?: number;
  format?: 'pcm' | 'wav';
  /** The rate written (and, for WAV, declared). Default 24000. */
  sampleRate?: number;
  firstByteDelayMs?: number;
  /** Between pieces. Default 5. */
  pieceIntervalMs?: number;
  /** Default 60. */
  msPerChar?: number;
  /** Drop the connection after this many pieces. */
  disconnectAfter?: number;
}

export interface RecordedSpeechRequest {
  index: number;
  body: { model?: string; input?: string; voice?: string; response_format?: string; [key: string]: unknown };
  headers: http.IncomingHttpHeaders;
  /** Samples written so far. */
  samplesSent: number;
  completed: boolean;
  closed: Promise<number>;
}

export interface FakeSpeechServer {
  baseUrl: string;
  requests: RecordedSpeechRequest[];
  script: SpeechScript | ((request: RecordedSpeechRequest) => SpeechScript);
  /** What GET /audio/voices answers; null: 404, as OpenAI does. */
  voices: string[] | null;
  close(): Promise<void>;
}

/** The tone the fake speaks: a steady 440 Hz, so resampled audio is easy to check. */
export function tone(samples: number, rate: number, from = 0): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (from + i)) / rate)));
}

export async function startFakeSpeechServer(script: FakeSpeechServer['script'] = {}): Promise<FakeSpeechServer> {
  const fake: FakeSpeechServer = {
    baseUrl: '',
    requests: [],
    script,
    voices: ['af_heart', 'af_bella', 'bm_george'],
    close: () => closeNow(server),
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/audio/voices') {
      if (!fake.voices) return void res.writeHead(404).end('{"detail":"Not Found"}');
      // Kokoro-FastAPI's current shape (its ?legacy=true gives plain strings).
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ voices: fake.voices.map((v) => ({ id: v, name: v })) }));
    }
    const pieces: Buffer[] = [];
    req.on('data', (p: Buffer) => pieces.push(p));
    req.on('end', () => {
      let body: RecordedSpeechRequest['body'] = {};
      try {
        body = JSON.parse(Buffer.concat(pieces).toString('utf8')) as RecordedSpeechRequest['body'];
      } catch {
        // recorded as empty
      }
      let closedAt!: (at: number) => void;
      const recorded: RecordedSpeechRequest = { index: fake.requests.length, body, headers: req.headers, samplesSent: 0, completed: false, closed: new Promise((r) => (closedAt = r)) };
      res.on('close', () => closedAt(performance.now()));
      fake.requests.push(recorded);
      void respond(typeof fake.script === 'function' ? fake.script(recorded) : fake.script, recorded, res);
    });
  });
  fake.baseUrl = `http://127.0.0.1:${await listenOnLoopback(server)}/v1`;
  return fake;
}

async function respond(script: SpeechScript, recorded: RecordedSpeechRequest, res: http.ServerResponse): Promise<void> {
  let open = true;
  res.on('close', () => (open = false));
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  if (script.status && script.status !== 200) {
    res.writeHead(script.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `scripted ${script.status}` } }));
    return;
  }
  const rate = script.sampleRate ?? 24_000;
  const samples = Math.round(((recorded.body.input ?? '').length * (script.msPerChar ?? 60) * rate) / 1000);
  const pcm = tone(samples, rate);
  const wav = script.format === 'wav';
  const bytes = wav ? encodeWav(pcm, rate) : Buffer.from(pcm.buffer);
  res.writeHead(200, { 'content-type': wav ? 'audio/wav' : 'audio/pcm', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  if (script.firstByteDelayMs) await wait(script.firstByteDelayMs);
  // Pieces of 4801 bytes: every other one ends mid-sample.
  const PIECE = 4801;
  let piece = 0;
  for (let offset = 0; offset < bytes.length; offset += PIECE) {
    if (!open) return;
    if (script.disconnectAfter === piece) {
      res.socket?.end(() => res.socket?.destroy());
      return;
    }
    res.write(bytes.subarray(offset, offset + PIECE));
    recorded.samplesSent = Math.floor(Math.min(bytes.length, offset + PIECE) / 2);
    piece++;
    await wait(script.pieceIntervalMs ?? 5);
  }
  recorded.completed = true;
  res.end();
}
