/**
 * Embedded speech-to-text: pocketsphinx in helper processes (build/pocketsphinx-decoder).
 *
 * Loading a decoder costs ~0.4-0.9 s and ~95-105 MB, so we keep a pool of warm decoder
 * processes: a stream takes an idle one, hands it back after end()/abort(), and spare
 * decoders are loaded in the background so a new session never waits for a model load.
 */
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { domainModelFor, type DomainModelOptions } from '../domain-model';
import type { Stt, SttStream, SttStreamOptions } from '../types';
import { DecoderProcess, type FinalResult, type UtteranceListener } from './decoder-process';
import type { NoiseSuppression, NoiseSuppressor } from './noise-suppression';

export interface UtteranceStats extends FinalResult {
  /** From the end() call to the final transcript, as the caller experiences it. */
  endToFinalMs: number;
}

export interface PocketsphinxSttOptions {
  /** Defaults to build/pocketsphinx-decoder at the repo root (built by build.sh). */
  binaryPath?: string;
  /** Idle warm decoders to keep ready for new streams. Default 1. */
  poolSize?: number;
  /** Upper bound on decoder processes (~100 MB each); further streams queue. Default 8. */
  maxDecoders?: number;
  /** Extra pocketsphinx arguments (-lm/-dict/-jsgf/-lw/-beam ...), passed through. */
  decoderArgs?: string[];
  /**
   * What the active agent understands: recognition then interpolates a domain language model
   * built from these phrases with the general English model, and uses the decoder settings
   * tuned for that (DOMAIN_DECODER_ARGS; decoderArgs still override them). Without it, the
   * general model alone with pocketsphinx's defaults.
   */
  domain?: PocketsphinxDomain;
  /** At most one partial per this much audio (the decoder skips unchanged ones). Default 120. */
  partialIntervalMs?: number;
  /**
   * After end(), a decoder that shows no sign of life (no partial, progress or final line)
   * for this long is presumed hung: end() rejects and the decoder is replaced. Measured from
   * the last sign of life rather than from end(), so a CPU-starved decoder still working
   * through a backlog is not killed. Default 5000.
   */
  endTimeoutMs?: number;
  /** Idle decoders beyond poolSize plus the recent peak of concurrent streams are stopped
   *  after this long. Default 60 s. */
  idleTrimMs?: number;
  /** Called once per completed utterance, for logs and metrics. */
  onUtteranceStats?(stats: UtteranceStats): void;
  /** Speakers whose cepstral mean is remembered (least recently heard forgotten first). Default 1000. */
  speakerMemory?: number;
  /**
   * Denoises each utterance before the decoder hears it (loadNoiseSuppression()). Without it the
   * decoder gets the audio as it came.
   */
  noiseSuppression?: NoiseSuppression;
}

export interface PocketsphinxDomain {
  /** Phrases people say to the agent, e.g. domainPhrases() of the built-in agent. */
  phrases: readonly string[];
  /** Share of the domain model in the interpolation, 0-1 exclusive. Default DEFAULT_DOMAIN_WEIGHT. */
  weight?: number;
  /** Where the model files are written and how they are built. */
  model?: DomainModelOptions;
}

/** Measured on the evaluation set's dev split: see docs/recognition.md. */
export const DEFAULT_DOMAIN_WEIGHT = 0.5;

/**
 * Decoder settings used with a domain model, tuned on the evaluation set's dev split
 * (docs/recognition.md): choose between the agent-request and the anything-else reading of each
 * utterance, with a prior of 0.35 on the request (measured best of 0.2-0.7).
 */
export const DOMAIN_DECODER_ARGS: readonly string[] = ['--domain-choice', '0.35'];

/** Decoder arguments for a domain: the model files, its weight and the tuned settings. */
export function domainDecoderArgs(domain: PocketsphinxDomain): string[] {
  const model = domainModelFor(domain.phrases, domain.model);
  return [
    '--extra-dict', model.extraDictPath,
    '--domain-lm', model.lmPath,
    '--domain-weight', String(domain.weight ?? DEFAULT_DOMAIN_WEIGHT),
    ...DOMAIN_DECODER_ARGS,
  ];
}

/** Every decoder flag takes one value. */
function flagPairs(args: readonly string[]): Map<string, string[]> {
  const pairs = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (!flag.startsWith('-')) throw new Error(`pocketsphinx: expected a flag, got ${JSON.stringify(flag)}`);
    pairs.set(flag, [flag, args[++i] ?? '']);
  }
  return pairs;
}

/** `base` with each flag of `overrides` replacing the same flag in it (order otherwise kept). */
export function mergeDecoderArgs(base: readonly string[], overrides: readonly string[]): string[] {
  const merged = flagPairs(base);
  for (const [flag, pair] of flagPairs(overrides)) {
    merged.delete(flag);
    merged.set(flag, pair);
  }
  return [...merged.values()].flat();
}

export interface PoolStats {
  idle: number;
  loading: number;
  busy: number;
  waiting: number;
  /** Process ids of decoders serving a stream right now. */
  busyPids: number[];
}

export interface PocketsphinxStt extends Stt {
  /** Resolves once the initial spare decoders are loaded (rejects if loading fails). */
  ready(): Promise<void>;
  /** Decoder processes by state and streams waiting for one, for tests and health checks. */
  stats(): PoolStats;
}

const DEFAULT_LOAD_TIMEOUT_MS = 30_000;
const MAX_RESPAWN_BACKOFF_MS = 30_000;
const LOAD_ATTEMPTS_BEFORE_BACKOFF = 3;

export function defaultDecoderBinaryPath(): string {
  // Source layout: <root>/server/providers/stt/pocketsphinx/index.ts. A bundled server
  // lives elsewhere, so fall back to the working directory (the repo root in production).
  const fromSource = fileURLToPath(new URL('../../../../build/pocketsphinx-decoder', import.meta.url));
  const candidates = [fromSource, path.resolve('build/pocketsphinx-decoder')];
  return candidates.find(isExecutable) ?? fromSource;
}

export function createPocketsphinxStt(options: PocketsphinxSttOptions = {}): PocketsphinxStt {
  const binaryPath = options.binaryPath ?? defaultDecoderBinaryPath();
  if (!isExecutable(binaryPath)) {
    throw new Error(
      `pocketsphinx decoder binary not found at ${binaryPath}: run scripts/setup.sh ` +
        `(it builds it with server/providers/stt/pocketsphinx/build.sh)`,
    );
  }
  const pool = new DecoderPool({
    binaryPath,
    args: [
      '--partial-interval-ms',
      String(options.partialIntervalMs ?? 120),
      // decoderArgs override the tuned settings (pocketsphinx refuses a flag given twice).
      ...mergeDecoderArgs(options.domain ? domainDecoderArgs(options.domain) : [], options.decoderArgs ?? []),
    ],
    poolSize: Math.max(0, options.poolSize ?? 1),
    maxDecoders: Math.max(1, options.maxDecoders ?? 8),
    idleTrimMs: options.idleTrimMs ?? 60_000,
  });
  const endTimeoutMs = options.endTimeoutMs ?? 5000;
  const speakers = new SpeakerMemory(Math.max(0, options.speakerMemory ?? 1000));
  const initialLoad = pool.fill();
  initialLoad.catch(() => {}); // surfaced through ready() and the streams, not as unhandled

  return {
    name: 'pocketsphinx',
    start(streamOptions: SttStreamOptions): SttStream {
      if (pool.isClosed) throw new Error('pocketsphinx STT is closed');
      return new PocketsphinxStream(pool, streamOptions, endTimeoutMs, options.onUtteranceStats, speakers, options.noiseSuppression?.create());
    },
    ready: () => initialLoad,
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Each speaker's cepstral mean as their last utterance left it. pocketsphinx normalises features
 * by a running mean that it adapts from utterance to utterance (to a voice, a microphone, a room);
 * a pooled decoder serves many people, so the mean travels with the speaker instead: a known
 * speaker starts from their own, anyone else from the model's initial mean, never from whoever
 * used the decoder last. Measured on the dev split: 1 point of WER at the clean floor, 5 at 10 dB.
 */
class SpeakerMemory {
  private readonly means = new Map<string, number[]>();

  constructor(private readonly limit: number) {}

  /** The mean to start `speaker`'s utterance from (undefined: the decoder reported none). */
  startFor(speaker: string | undefined, decoder: DecoderProcess): number[] | undefined {
    return (speaker === undefined ? undefined : this.means.get(speaker)) ?? decoder.initialCmn;
  }

  remember(speaker: string | undefined, cmn: number[] | undefined): void {
    if (speaker === undefined || !cmn || this.limit === 0) return;
    this.means.delete(speaker); // re-insert: Map order is least recently heard first
    this.means.set(speaker, cmn);
    while (this.means.size > this.limit) this.means.delete(this.means.keys().next().value!);
  }
}

/** What the pool hands decoders to. */
interface DecoderClient {
  attach(decoder: DecoderProcess): void;
  /** No decoder could be loaded for this client. */
  fail(error: Error): void;
}

interface PoolConfig {
  binaryPath: string;
  args: string[];
  poolSize: number;
  maxDecoders: number;
  idleTrimMs: number;
}

class DecoderPool {
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
    };
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

  /** Spawns decoders until waiting clients plus `poolSize` spares are covered. */
  private replenish(): void {
    if (this.closed || this.respawnTimer) return;
    const { poolSize, maxDecoders } = this.config;
    while (
      this.idle.length + this.loading.size < this.waiting.length + poolSize &&
      this.idle.length + this.loading.size + this.busy.size < maxDecoders
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
   * After a burst, stop idle decoders nobody needed for a while. We keep the recent peak
   * of concurrent streams plus poolSize spares: a single conversation (one busy, one spare)
   * then never churns, while decoders left over from a burst go after idleTrimMs.
   */
  private scheduleTrim(): void {
    if (this.trimTimer || this.idle.length <= this.config.poolSize) return;
    this.trimTimer = setTimeout(() => {
      this.trimTimer = null;
      const keep = this.peakBusy + this.config.poolSize;
      this.peakBusy = this.busy.size;
      while (this.idle.length > this.config.poolSize && this.idle.length + this.busy.size > keep) {
        void this.idle.shift()?.close('was stopped as a surplus idle decoder');
      }
      this.scheduleTrim();
    }, this.config.idleTrimMs);
    this.trimTimer.unref();
  }
}

type StreamState = 'waiting' | 'running' | 'ending' | 'done';

class PocketsphinxStream implements SttStream, DecoderClient {
  private state: StreamState = 'waiting';
  private decoder: DecoderProcess | null = null;
  /** Audio written before a decoder was free. */
  private queued: Int16Array[] = [];
  private endRequested = false;
  private endCalledAt = 0;
  private endPromise: Promise<string> | null = null;
  private resolveEnd: ((text: string) => void) | null = null;
  private rejectEnd: ((error: Error) => void) | null = null;
  /** Set when the decoder died before end() was called; end() then rejects with it. */
  private failure: Error | null = null;
  private endTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: DecoderPool,
    private readonly options: SttStreamOptions,
    private readonly endTimeoutMs: number,
    private readonly onStats: ((stats: UtteranceStats) => void) | undefined,
    private readonly speakers: SpeakerMemory,
    private readonly suppressor: NoiseSuppressor | undefined,
  ) {
    pool.acquire(this);
  }

  write(pcm: Int16Array): void {
    // Late audio after end/abort is dropped: transports may deliver a frame after hang-up.
    // No backpressure: at 32 KB/s, a decoder lagging by seconds buffers only kilobytes.
    if (this.endRequested || this.state === 'done' || pcm.length === 0) return;
    // The suppressor returns new arrays; without it, copy: callers may reuse their buffer.
    this.forward(this.suppressor ? this.suppressor.process(pcm) : pcm, !this.suppressor);
  }

  private forward(pcm: Int16Array, copy: boolean): void {
    if (pcm.length === 0) return;
    if (this.decoder) this.decoder.writeAudio(pcm);
    else this.queued.push(copy ? pcm.slice() : pcm);
  }

  end(): Promise<string> {
    if (this.endPromise) return this.endPromise;
    if (this.suppressor && this.state !== 'done') this.forward(this.suppressor.flush(), false);
    this.endRequested = true;
    this.endCalledAt = performance.now();
    this.endPromise = new Promise<string>((resolve, reject) => {
      this.resolveEnd = resolve;
      this.rejectEnd = reject;
    });
    if (this.failure) this.settle(this.failure);
    else if (this.state === 'done') this.settle(''); // aborted before end()
    else if (this.decoder) this.sendEnd();
    // else: attach() sends the end once a decoder is free.
    return this.endPromise;
  }

  /** Frees the decoder for the next stream at once; an end() already pending resolves "". */
  abort(): void {
    if (this.state === 'done') return;
    const decoder = this.decoder;
    this.finish();
    this.queued = [];
    if (!decoder) {
      this.pool.cancel(this);
    } else {
      // Already ended: the decoder is finishing anyway, just stop listening.
      if (this.endRequested) decoder.detach();
      else decoder.abortUtterance();
      this.pool.release(decoder);
    }
    this.settle('');
  }

  attach(decoder: DecoderProcess): void {
    if (this.state === 'done') {
      this.pool.release(decoder);
      return;
    }
    this.decoder = decoder;
    this.state = 'running';
    decoder.startUtterance(this.listener, this.speakers.startFor(this.options.speaker, decoder));
    for (const pcm of this.queued) decoder.writeAudio(pcm);
    this.queued = [];
    if (this.endRequested) this.sendEnd();
  }

  fail(error: Error): void {
    if (this.state === 'done') return;
    this.finish();
    this.queued = [];
    this.failure = error;
    if (this.endRequested) this.settle(error);
  }

  private readonly listener: UtteranceListener = {
    onPartial: (text) => {
      if (this.state !== 'running' && this.state !== 'ending') return;
      this.armEndTimer();
      this.options.onPartial(text);
    },
    onProgress: () => this.armEndTimer(),
    onFinal: (result) => {
      const decoder = this.decoder;
      if (this.state !== 'ending' || !decoder) return;
      this.finish();
      this.pool.release(decoder);
      this.speakers.remember(this.options.speaker, result.cmn);
      this.onStats?.({ ...result, endToFinalMs: performance.now() - this.endCalledAt });
      this.settle(result.text);
    },
    onDeath: (error) => {
      if (this.state === 'done') return;
      this.finish();
      this.failure = error;
      if (this.endRequested) this.settle(error);
      // The pool drops the dead process and loads a replacement.
    },
  };

  private sendEnd(): void {
    if (!this.decoder) return;
    this.state = 'ending';
    this.decoder.endUtterance();
    this.armEndTimer();
  }

  /** (Re)starts the hung-decoder timer while waiting for the final. */
  private armEndTimer(): void {
    const decoder = this.decoder;
    if (this.state !== 'ending' || !decoder) return;
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = setTimeout(() => {
      // kill() makes the decoder report its death, which rejects end() via onDeath.
      decoder.kill(`gave no sign of life for ${this.endTimeoutMs} ms while finishing an utterance`);
    }, this.endTimeoutMs);
  }

  private finish(): void {
    this.state = 'done';
    this.suppressor?.close();
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = null;
  }

  private settle(outcome: string | Error): void {
    const resolve = this.resolveEnd;
    const reject = this.rejectEnd;
    if (!resolve || !reject) return; // end() not called yet; it will look at `failure`
    this.resolveEnd = this.rejectEnd = null;
    if (typeof outcome === 'string') resolve(outcome);
    else reject(outcome);
  }
}
