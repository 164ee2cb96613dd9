/**
 * The pool of warm decoder processes: a stream takes an idle one, hands it back after
 * end()/abort(), and spare decoders are loaded in the background so a new session never
 * waits for a model load. It keeps warm the most of: the recent peak of streams at once, and
 * the speakers it is told to expect (open sessions), plus `poolSize` spares; surplus idle
 * decoders are stopped one per `idleTrimMs`, so a burst's decoders stay a while and go slowly.
 */
import { DecoderProcess } from './decoder-process';

export interface PoolStats {
  idle: number;
  loading: number;
  busy: number;
  waiting: number;
  /** Process ids of decoders serving a stream right now. */
  busyPids: number[];
  /** Streams so far that found no warm decoder and waited for one to load (should stay 0). */
  waitedForLoad: number;
  /** Speakers the pool was last told to expect (expectSpeakers). */
  expected: number;
}

const DEFAULT_LOAD_TIMEOUT_MS = 30_000;
const MAX_RESPAWN_BACKOFF_MS = 30_000;
const LOAD_ATTEMPTS_BEFORE_BACKOFF = 3;

/** What the pool hands decoders to. */
export interface DecoderClient {
  attach(decoder: DecoderProcess): void;
  /** No decoder could be loaded for this client. */
  fail(error: Error): void;
}

export interface PoolConfig {
  binaryPath: string;
  args: string[];
  poolSize: number;
  maxDecoders: number;
  idleTrimMs: number;
}

export class DecoderPool {
  private readonly idle: DecoderProcess[] = [];
  private readonly loading = new Set<DecoderProcess>();
  private readonly busy = new Set<DecoderProcess>();
  private readonly waiting: DecoderClient[] = [];
  private closed = false;
  private respawnBackoffMs = 0;
  private lastLoadError: Error | null = null;
  private consecutiveLoadFailures = 0;
  private respawnTimer: NodeJS.Timeout | null = null;
  private trimTimer: NodeJS.Timeout | null = null;
  /** Most streams running at once since the last trim check. */
  private peakBusy = 0;
  private expected = 0;
  private waitedForLoad = 0;

  constructor(private readonly config: PoolConfig) {}

  get isClosed(): boolean {
    return this.closed;
  }

  stats(): PoolStats {
    return {
      idle: this.idle.length,
      loading: this.loading.size,
      busy: this.busy.size,
      waiting: this.waiting.length,
      busyPids: [...this.busy].flatMap((decoder) => (decoder.pid === undefined ? [] : [decoder.pid])),
      waitedForLoad: this.waitedForLoad,
      expected: this.expected,
    };
  }

  /**
   * This many speakers may talk at once now (the sessions open): keep a warm decoder for each
   * (up to maxDecoders) so that a new speaker's first utterance never waits for a load.
   */
  expectSpeakers(speakers: number): void {
    this.expected = Math.max(0, speakers);
    this.replenish();
    this.scheduleTrim();
  }

  /** Loads the spares; resolves when they are ready. */
  async fill(): Promise<void> {
    this.replenish();
    await Promise.all([...this.loading].map((decoder) => decoder.ready));
  }

  acquire(client: DecoderClient): void {
    const decoder = this.idle.pop(); // most recently used: long-idle ones get trimmed
    if (decoder) {
      this.markBusy(decoder);
      client.attach(decoder);
    } else if (this.lastLoadError && this.respawnTimer && this.loading.size + this.busy.size === 0) {
      client.fail(this.lastLoadError); // loading is broken right now: fail fast, don't hang
      return;
    } else {
      this.waitedForLoad++;
      this.waiting.push(client);
    }
    this.replenish();
  }

  cancel(client: DecoderClient): void {
    const index = this.waiting.indexOf(client);
    if (index >= 0) this.waiting.splice(index, 1);
  }

  release(decoder: DecoderProcess): void {
    this.busy.delete(decoder);
    this.offer(decoder);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    if (this.trimTimer) clearTimeout(this.trimTimer);
    const error = new Error('pocketsphinx STT was closed');
    for (const client of this.waiting.splice(0)) client.fail(error);
    const all = [...this.idle, ...this.loading, ...this.busy];
    this.idle.length = 0;
    await Promise.all(all.map((decoder) => decoder.close('was closed with the STT provider')));
  }

  /**
   * Spawns decoders until waiting clients plus `poolSize` spares are covered, and every
   * expected speaker has one (busy or warm) with `poolSize` to spare.
   */
  private replenish(): void {
    if (this.closed || this.respawnTimer) return;
    const { poolSize, maxDecoders } = this.config;
    const ready = () => this.idle.length + this.loading.size;
    while (
      (ready() < this.waiting.length + poolSize || ready() + this.busy.size < this.expected + poolSize) &&
      ready() + this.busy.size < maxDecoders
    ) {
      this.spawn();
    }
  }

  private spawn(): void {
    const decoder = new DecoderProcess({
      binaryPath: this.config.binaryPath,
      args: this.config.args,
      loadTimeoutMs: DEFAULT_LOAD_TIMEOUT_MS,
    });
    this.loading.add(decoder);
    decoder.ready.then(
      () => {
        this.loading.delete(decoder);
        this.respawnBackoffMs = 0;
        this.consecutiveLoadFailures = 0;
        this.lastLoadError = null;
        this.offer(decoder);
      },
      (error: Error) => {
        this.loading.delete(decoder);
        this.onLoadFailed(error);
      },
    );
    void decoder.closed.then(() => {
      const index = this.idle.indexOf(decoder);
      if (index >= 0) this.idle.splice(index, 1);
      this.busy.delete(decoder);
      this.replenish();
    });
  }

  /**
   * A decoder died before it was ready. Once may be an accident (killed, OOM): load another
   * at once. Several in a row mean a broken install or bad arguments: fail the waiting
   * clients with the decoder's own error and retry with backoff, never in a tight loop.
   */
  private onLoadFailed(error: Error): void {
    if (this.closed) return;
    this.lastLoadError = error;
    this.consecutiveLoadFailures++;
    if (this.consecutiveLoadFailures < LOAD_ATTEMPTS_BEFORE_BACKOFF) {
      this.replenish();
      return;
    }
    if (this.loading.size === 0) {
      for (const client of this.waiting.splice(0)) client.fail(error);
    }
    this.respawnBackoffMs = Math.min(MAX_RESPAWN_BACKOFF_MS, Math.max(1000, this.respawnBackoffMs * 2));
    if (this.respawnTimer) return;
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = null;
      this.replenish();
    }, this.respawnBackoffMs);
    this.respawnTimer.unref();
  }

  /** A ready decoder goes to the longest-waiting client, else to the idle list. */
  private offer(decoder: DecoderProcess): void {
    if (!decoder.alive) return; // its close handler replenishes
    if (this.closed) {
      void decoder.close('was closed with the STT provider');
      return;
    }
    const client = this.waiting.shift();
    if (client) {
      this.markBusy(decoder);
      client.attach(decoder);
      return;
    }
    this.idle.push(decoder);
    this.scheduleTrim();
  }

  private markBusy(decoder: DecoderProcess): void {
    this.busy.add(decoder);
    this.peakBusy = Math.max(this.peakBusy, this.busy.size);
  }

  /**
   * After a burst, stop idle decoders nobody needed for a while, one per idleTrimMs: we keep
   * the recent peak of concurrent streams (or the expected speakers, if more) plus poolSize
   * spares. A single conversation (one busy, one spare) then never churns, and a burst's
   * decoders go slowly, so a second burst soon after finds them warm.
   */
  private scheduleTrim(): void {
    if (this.trimTimer || this.idle.length <= this.config.poolSize) return;
    this.trimTimer = setTimeout(() => {
      this.trimTimer = null;
      const keep = Math.max(this.peakBusy, this.expected) + this.config.poolSize;
      this.peakBusy = this.busy.size;
      if (this.idle.length > this.config.poolSize && this.idle.length + this.busy.size > keep) {
        void this.idle.shift()?.close('was stopped as a surplus idle decoder');
      }
      this.scheduleTrim();
    }, this.config.idleTrimMs);
    this.trimTimer.unref();
  }
}
