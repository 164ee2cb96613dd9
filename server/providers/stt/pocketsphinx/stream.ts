/** One utterance's recognition on a pooled decoder (queued until one is free). */
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
