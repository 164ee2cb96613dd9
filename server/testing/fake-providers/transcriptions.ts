/**
 * A local OpenAI-style transcription server on loopback: `POST /v1/audio/transcriptions`
 * takes a multipart upload (`file`, `model`, `response_format`) as OpenAI, faster-whisper-server
 * and whisper.cpp's OpenAI mode do, decodes the WAV, and answers `{ "text": … }`. Scriptable:
 * what it hears, a slow answer, a dropped connection, a malformed or refused answer.
 */
import http from 'node:http';
import { closeNow, listenOnLoopback } from './loopback';
import { decodeWav, type DecodedWav } from '../../providers/tts/flite/wav';

export interface TranscriptionScript {
  /** The transcript of the upload; default "hello there". */
  text?: string | ((audio: DecodedWav) => string);
  status?: number;
  /** Before the status line. */
  delayMs?: number;
  /** Close the connection instead of answering. */
  disconnect?: boolean;
  /** Answer this body as it is (e.g. not JSON). */
  rawBody?: string;
}

export interface RecordedTranscription {
  index: number;
  headers: http.IncomingHttpHeaders;
  fields: Record<string, string>;
  file: { name: string; type: string; audio: DecodedWav } | null;
  closed: Promise<number>;
  answered: boolean;
}

export interface FakeTranscriptionServer {
  baseUrl: string;
  requests: RecordedTranscription[];
  script: TranscriptionScript | ((request: RecordedTranscription) => TranscriptionScript);
  close(): Promise<void>;
}

export async function startFakeTranscriptionServer(script: FakeTranscriptionServer['script'] = {}): Promise<FakeTranscriptionServer> {
  const fake: FakeTranscriptionServer = {
    baseUrl: '',
    requests: [],
    script,
    close: () => closeNow(server),
  };
  const server = http.createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on('data', (p: Buffer) => pieces.push(p));
    req.on('end', () => void handle(Buffer.concat(pieces)));
    let closedAt!: (at: number) => void;
    const closed = new Promise<number>((r) => (closedAt = r));
    res.on('close', () => closedAt(performance.now()));

    async function handle(body: Buffer) {
      const recorded: RecordedTranscription = { index: fake.requests.length, headers: req.headers, fields: {}, file: null, closed, answered: false };
      fake.requests.push(recorded);
      try {
        // The platform's own multipart parser reads the upload as any server would.
        const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(body) }).formData();
        for (const [name, value] of form.entries()) {
          if (typeof value === 'string') recorded.fields[name] = value;
          else recorded.file = { name: value.name, type: value.type, audio: decodeWav(new Uint8Array(await value.arrayBuffer())) };
        }
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `bad upload: ${(error as Error).message}` } }));
        return;
      }
      const current = typeof fake.script === 'function' ? fake.script(recorded) : fake.script;
      if (current.delayMs) await new Promise((r) => setTimeout(r, current.delayMs));
      if (res.destroyed) return;
      if (current.disconnect) return void res.socket?.destroy();
      if (current.status && current.status !== 200) {
        return void res.writeHead(current.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `scripted ${current.status}` } }));
      }
      if (!recorded.file) return void res.writeHead(400).end(JSON.stringify({ error: { message: 'file is required' } }));
      recorded.answered = true;
      if (current.rawBody !== undefined) return void res.writeHead(200, { 'content-type': 'application/json' }).end(current.rawBody);
      const text = typeof current.text === 'function' ? current.text(recorded.file.audio) : (current.text ?? 'hello there');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ text }));
    }
  });
  fake.baseUrl = `http://127.0.0.1:${await listenOnLoopback(server)}/v1`;
  return fake;
}
