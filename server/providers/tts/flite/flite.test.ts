import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { createFliteTts, FLITE_VOICES, type FliteTts } from './index';

const SENTENCE = 'The quick brown fox jumps over the lazy dog.';
/** Long enough that slt (the slowest voice) needs well over a second to synthesise it. */
const LONG_TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(20);

async function collect(tts: FliteTts, text: string, signal = new AbortController().signal) {
  const chunks: Int16Array[] = [];
  for await (const chunk of tts.synthesize({ text, signal })) chunks.push(chunk);
  const pcm = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    pcm.set(c, offset);
    offset += c.length;
  }
  return { chunks, pcm };
}

/** Exact sample equality; vitest's toEqual walks typed arrays element by element (slow). */
function sameAudio(a: Int16Array, b: Int16Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

describe('flite tts', () => {
  let tts: FliteTts;
  beforeAll(async () => {
    tts = createFliteTts({ voice: 'kal16', workers: 2 });
    await tts.ready();
  });
  afterAll(() => tts.close());

  it('synthesises a sentence as plausible, non-silent 16 kHz audio in small pieces', async () => {
    const { chunks, pcm } = await collect(tts, SENTENCE);
    const seconds = pcm.length / tts.sampleRate;
    expect(seconds).toBeGreaterThan(1.5); // ~9 words at 3-5 words/s, plus pauses
    expect(seconds).toBeLessThan(5);
    expect(rms(pcm)).toBeGreaterThan(300); // speech is well above -40 dBFS
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(2560); // <= 160 ms
  });

  it('is deterministic and longer text gives longer audio', async () => {
    const a = await collect(tts, 'Hello.');
    const b = await collect(tts, 'Hello.');
    const long = await collect(tts, `${SENTENCE} ${SENTENCE}`);
    expect(sameAudio(b.pcm, a.pcm)).toBe(true);
    expect(long.pcm.length).toBeGreaterThan(a.pcm.length * 2);
  });

  it('yields nothing for empty text or an already aborted signal', async () => {
    expect((await collect(tts, '   ')).chunks).toHaveLength(0);
    expect((await collect(tts, SENTENCE, AbortSignal.abort())).chunks).toHaveLength(0);
  });

  it('stops yielding as soon as the request is aborted mid-stream', async () => {
    const controller = new AbortController();
    const iterator = tts.synthesize({ text: LONG_TEXT, signal: controller.signal })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    controller.abort();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('ends a pending request promptly when aborted while the worker is still busy', async () => {
    const slow = createFliteTts({ voice: 'slt', workers: 1 });
    try {
      await slow.ready();
      const controller = new AbortController();
      const iterator = slow.synthesize({ text: LONG_TEXT, signal: controller.signal })[Symbol.asyncIterator]();
      const pending = iterator.next();
      setTimeout(() => controller.abort(), 50);
      const started = performance.now();
      expect(await pending).toEqual({ done: true, value: undefined });
      expect(performance.now() - started).toBeLessThan(500); // the synthesis itself takes > 1 s
      // The worker drops the abandoned result and serves the next request.
      expect((await collect(slow, 'Hello.')).pcm.length).toBeGreaterThan(8000);
    } finally {
      await slow.close();
    }
  });

  it('runs concurrent requests without mixing up their audio', async () => {
    const texts = ['Hello.', SENTENCE, 'What time is it in Tokyo?', 'Good morning, how are you?', 'Yes.'];
    const alone: Int16Array[] = [];
    for (const text of texts) alone.push((await collect(tts, text)).pcm);
    const together = await Promise.all(texts.map((text) => collect(tts, text)));
    together.forEach((result, i) => expect(sameAudio(result.pcm, alone[i]), texts[i]).toBe(true));
  });

  it('reports a killed worker as an error and replaces it', async () => {
    const pool = createFliteTts({ voice: 'slt', workers: 1 });
    try {
      await pool.ready();
      const [worker] = pool.workers;
      const failing = collect(pool, LONG_TEXT);
      setTimeout(() => void worker.terminate(), 50);
      await expect(failing).rejects.toThrow(/flite: worker exited unexpectedly/);
      // Replaced at once, not only when the next request comes.
      await waitFor(() => pool.workers.length === 1 && pool.workers[0] !== worker);
      expect((await collect(pool, 'Hello.')).pcm.length).toBeGreaterThan(8000);
    } finally {
      await pool.close();
    }
  });

  it('times out a hung synthesis, restarts the worker, and serves the next request', async () => {
    const pool = createFliteTts({ voice: 'slt', workers: 1, timeoutMs: 400 });
    try {
      await pool.ready();
      const [worker] = pool.workers;
      await expect(collect(pool, LONG_TEXT)).rejects.toThrow(/timed out after 400 ms/);
      await waitFor(() => pool.workers.length === 1 && pool.workers[0] !== worker);
      expect((await collect(pool, 'Hello.')).pcm.length).toBeGreaterThan(8000);
    } finally {
      await pool.close();
    }
  });

  it('produces 16 kHz speech with every built-in voice', async () => {
    for (const voice of FLITE_VOICES) {
      const one = createFliteTts({ voice, workers: 1 });
      try {
        const { pcm } = await collect(one, SENTENCE); // also checks the WAV says 16 kHz mono
        expect(pcm.length / 16000, voice).toBeGreaterThan(1.5);
        expect(rms(pcm), voice).toBeGreaterThan(300);
      } finally {
        await one.close();
      }
    }
  });

  it('survives many syntheses with a voice whose wasm memory grows (nodejs/node#52402)', async () => {
    // Without the workaround in worker-source.ts this sequence segfaults the whole process:
    // short sentences get V8 to optimise the calls into WASI, then a longer one grows memory.
    const awb = createFliteTts({ voice: 'awb', workers: 1 });
    try {
      const short = 'Sure, the lights are on.';
      const longer = 'The weather in Berlin tomorrow will be sunny with a high of twenty degrees.';
      const texts = [...Array<string>(16).fill(short), ...Array<string>(4).fill(longer)];
      const expected = new Map<string, Int16Array>();
      for (const [i, text] of texts.entries()) {
        const { pcm } = await collect(awb, text);
        const reference = expected.get(text) ?? pcm;
        expected.set(text, reference);
        expect(sameAudio(pcm, reference), `run ${i}`).toBe(true);
      }
    } finally {
      await awb.close();
    }
  });

  it('refuses unknown voices and requests after close', async () => {
    // @ts-expect-error: runtime check for callers that bypass the types
    expect(() => createFliteTts({ voice: 'kal' })).toThrow(/unknown voice/);
    const closed = createFliteTts({ workers: 1 });
    await closed.close();
    await expect(collect(closed, 'Hello.')).rejects.toThrow(/closed/);
  });
});

describe('flite tts bundled by esbuild', () => {
  // The bundle must sit inside the project so that node_modules is found from it, as
  // dist/server.mjs does.
  const here = dirname(fileURLToPath(import.meta.url));
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(join(here, '.bundle-test-'));
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs from a single-file ESM bundle, and a script that never closes it still exits cleanly', async () => {
    const entry = `import { createFliteTts } from ${JSON.stringify(join(here, 'index'))};
const tts = createFliteTts({ workers: 1 });
let samples = 0;
for await (const c of tts.synthesize({ text: 'Hello from the bundle.', signal: new AbortController().signal })) samples += c.length;
console.log('samples=' + samples); // no close(): idle workers must not keep the process alive
`;
    const outfile = join(outDir, 'server.mjs');
    await build({
      stdin: { contents: entry, resolveDir: here, loader: 'ts' },
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    const tmp = join(outDir, 'tmp');
    mkdirSync(tmp);
    const { stdout } = await promisify(execFile)(process.execPath, [outfile], {
      timeout: 30_000,
      env: { ...process.env, TMPDIR: tmp },
    });
    const samples = Number(/samples=(\d+)/.exec(stdout)?.[1]);
    expect(samples).toBeGreaterThan(16000);
    expect(readdirSync(tmp)).toEqual([]); // workers' temp dirs removed at exit

  });
});
