/**
 * Source of the Flite worker thread, started with `new Worker(FLITE_WORKER_SOURCE, { eval: true })`.
 *
 * Why a string: a separate worker file would need `new URL('./worker.js', import.meta.url)`,
 * which points at the wrong place once esbuild has bundled the server into dist/server.mjs
 * (esbuild does not copy such files), and `fn.toString()` breaks when a bundler or vitest
 * rewrites the function (e.g. `require` becomes esbuild's `__require`). A plain CommonJS
 * string runs the same from TypeScript source and from the bundle. It is kept tiny and
 * untyped on purpose: it only runs Flite and hands back the WAV bytes; all parsing and
 * checking happens on the typed side.
 *
 * Protocol (see the types below):
 *   workerData: { module: WebAssembly.Module, voice, dir, features }   (module compiled once per process;
 *               features are Flite "--setf name=value" settings such as duration_stretch)
 *   worker -> main: { type: 'ready' } when warm and whenever the next instance is prepared;
 *                   one reply per job.
 *   main -> worker: { id, text }
 *
 * Each synthesis needs a fresh wasm instance (a WASI program can be started only once).
 * Instantiation costs ~15-25 ms, so the worker prepares the next instance while idle and
 * passes the text through a file (`-f in.txt`) instead of argv, which is fixed at
 * instantiation.
 */
export const FLITE_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');

// node:wasi prints an ExperimentalWarning on load; it would repeat for every worker started.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  if (!String(warning).includes('WASI')) emitWarning.call(process, warning, ...rest);
};
const { WASI } = require('node:wasi');
process.emitWarning = emitWarning;

const { module, voice, dir, features } = workerData;
const featureArgs = (features || []).flatMap((f) => ['--setf', f]);
const textPath = path.join(dir, 'in.txt');
const wavPath = path.join(dir, 'out.wav');

async function prepareInstance() {
  const wasi = new WASI({
    version: 'preview1',
    args: ['flite', '-voice', voice, ...featureArgs, '-f', 'in.txt', '-o', 'out.wav'],
    env: {},
    preopens: { '.': dir },
    returnOnExit: true,
  });
  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wrapImports(wasi.wasiImport) });
  return { wasi, instance };
}

// Node 20's WASI functions have V8 "fast API" paths that, once wasm calls them from optimised
// code, use a stale view of wasm memory after memory.grow: with the slt/rms/awb voices the
// process segfaults (or output is dropped) after ~15 syntheses (nodejs/node#52402).
// Calling them through plain JS closures keeps V8 on the safe slow path.
function wrapImports(imports) {
  const wrapped = {};
  for (const [name, fn] of Object.entries(imports)) wrapped[name] = (...args) => fn(...args);
  return wrapped;
}

let prepared = prepareInstance();

async function synthesize(text) {
  const { wasi, instance } = await prepared;
  prepared = null;
  fs.writeFileSync(textPath, text);
  try {
    const exitCode = wasi.start(instance);
    if (exitCode !== 0) throw new Error('flite exited with code ' + exitCode);
    // Copy into a fresh ArrayBuffer so it can be transferred without dragging a pooled buffer along.
    return new Uint8Array(fs.readFileSync(wavPath));
  } finally {
    fs.rmSync(wavPath, { force: true });
  }
}

// Run one job at a time even if the main thread ever sends two.
let chain = Promise.resolve();
parentPort.on('message', (job) => {
  chain = chain.then(async () => {
    try {
      const wav = await synthesize(job.text);
      parentPort.postMessage({ type: 'result', id: job.id, wav }, [wav.buffer]);
    } catch (error) {
      parentPort.postMessage({ type: 'error', id: job.id, message: String(error && error.message || error) });
    }
    if (!prepared) prepared = prepareInstance();
    await prepared;
    parentPort.postMessage({ type: 'ready' });
  });
});

// Warm up before reporting ready: V8 compiles wasm functions lazily and optimises hot ones
// in the background; two runs take the first real request from ~25 ms to ~6 ms. A failure
// here is an unhandled rejection, which ends the worker: the pool sees a start-up failure.
(async () => {
  for (const text of ['Hello, this warms the synthesizer up.', 'Two short runs are enough.']) {
    await synthesize(text);
    prepared = prepareInstance();
  }
  await prepared;
  parentPort.postMessage({ type: 'ready' });
})();
`;

/** Data handed to each worker at start. */
export interface FliteWorkerData {
  module: WebAssembly.Module;
  voice: string;
  /** Private temporary directory of this worker, preopened as '.' for WASI. */
  dir: string;
  /** Flite features ("name=value"), each passed as --setf. */
  features?: string[];
}

export interface FliteWorkerJob {
  id: number;
  text: string;
}

export type FliteWorkerReply =
  /** Warm, with a wasm instance prepared: a job sent now starts at once. */
  | { type: 'ready' }
  | { type: 'result'; id: number; wav: Uint8Array }
  | { type: 'error'; id: number; message: string };
