/**
 * Embedded speech-to-text: pocketsphinx in helper processes (build/pocketsphinx-decoder).
 *
 * Loading a decoder costs ~0.4-0.9 s and ~95-105 MB, so we keep a pool of warm decoder
 * processes: a stream takes an idle one, hands it back after end()/abort(), and spare
 * decoders are loaded in the background so a new session never waits for a model load.
 */
import type { Stt, SttStream, SttStreamOptions } from '../types';
import { defaultDecoderBinaryPath, isExecutable } from './binary';
import { domainDecoderArgs, mergeDecoderArgs, type PocketsphinxDomain } from './decoder-args';
import { DecoderPool, type PoolStats } from './decoder-pool';
import type { NoiseSuppression } from './noise-suppression';
import { SpeakerMemory } from './speaker-memory';
import { PocketsphinxStream, type UtteranceStats } from './stream';

export { defaultDecoderBinaryPath } from './binary';
export { DEFAULT_DOMAIN_WEIGHT, DOMAIN_DECODER_ARGS, domainDecoderArgs, mergeDecoderArgs, type PocketsphinxDomain } from './decoder-args';
export type { PoolStats } from './decoder-pool';
export type { UtteranceStats } from './stream';

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

export interface PocketsphinxStt extends Stt {
  /** Resolves once the initial spare decoders are loaded (rejects if loading fails). */
  ready(): Promise<void>;
  /** Decoder processes by state and streams waiting for one, for tests and health checks. */
  stats(): PoolStats;
  /** Resolves once every decoder being loaded now is ready (e.g. after expectSpeakers). */
  warm(): Promise<void>;
  expectSpeakers(speakers: number): void;
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
    warm: () => pool.fill(),
    expectSpeakers: (speakers) => pool.expectSpeakers(speakers),
    close: () => pool.close(),
  };
}
