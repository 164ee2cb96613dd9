/** One utterance's recognition on a pooled decoder (queued until one is free). */
import { log } from '../../../log';
import type { SttStream, SttStreamOptions } from '../types';
import type { DecoderProcess, FinalResult, UtteranceListener } from './decoder-process';
import type { DecoderClient, DecoderPool } from './decoder-pool';
import type { NoiseSuppressor } from './noise-suppression';
import type { SpeakerMemory } from './speaker-memory';

export interface UtteranceStats extends FinalResult {
  /** From the end() call to the final transcript, as the caller experiences it. */
  endToFinalMs: number;
}

type StreamState = 'waiting' | 'running' | 'ending' | 'done';

/**
 * What a failed stream tells its caller, who may show it to the person speaking: what happened,
 * without the decoder's pid, paths or stderr (the detailed error is its `cause`, and the log's).
 */
const FAILURE_MESSAGES = {
  died: 'the speech recogniser stopped unexpectedly',
  hung: 'the speech recogniser stopped responding',
  unavailable: 'the speech recogniser could not be started',
  closed: 'the speech recogniser was shut down',
} as const;

type FailureKind = keyof typeof FAILURE_MESSAGES;

export class PocketsphinxStream implements SttStream, DecoderClient {
  private state: StreamState = 'waiting';
  private decoder: DecoderProcess | null = null;
  /** Audio written before a decoder was free. */
  private queued: Int16Array[] = [];
  private endRequested = false;
  private endCalledAt = 0;
  private endPromise: Promise<string> | null = null;
  private resolveEnd: ((text: string) => void) | null = null;
  private rejectEnd: ((error: Error) => void) | null = null;
  /** Set when the stream failed (decoder died, none could be loaded); end() rejects with it. */
  private failure: Error | null = null;
  private endTimer: NodeJS.Timeout | null = null;
  /** We killed the decoder ourselves for giving no sign of life while finishing. */
  private killedAsHung = false;
  private aborted = false;

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
    this.aborted = true;
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
    this.failWith(this.pool.isClosed ? 'closed' : 'unavailable', error);
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
      this.failWith(this.pool.isClosed ? 'closed' : this.killedAsHung ? 'hung' : 'died', error);
      // The pool drops the dead process and loads a replacement.
    },
  };

  /**
   * The stream is over without a transcript: log what really happened (`detail` names the
   * process, how it ended and its stderr), reject end() with an error fit for the client, and
   * if audio was still arriving, report that error through onError at once.
   */
  private failWith(kind: FailureKind, detail: Error): void {
    const error = new Error(FAILURE_MESSAGES[kind], { cause: detail });
    this.failure = error;
    // The recogniser is shared by every session: the person (owner) says whose utterance it was.
    const where = { component: 'stt', userId: this.options.owner, err: detail };
    if (kind === 'unavailable') log.error(where, 'no decoder could be loaded for an utterance');
    else if (kind !== 'closed') log.error(where, `recognition failed ${this.endRequested ? 'after the end of speech' : 'mid-utterance'}`);
    if (this.endRequested) {
      this.settle(error);
      return;
    }
    const onError = this.options.onError;
    // A microtask: fail() may run inside start() (the pool fails fast while loading is broken),
    // before the caller holds the stream.
    if (onError) queueMicrotask(() => !this.aborted && onError(error));
  }

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
      this.killedAsHung = true;
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
