/**
 * The recogniser configurations the evaluation compares: the general English model alone on the
 * audio as it comes (what Parley shipped before this work), and the server's own configuration
 * (embeddedSttOptions: the built-in agent's domain model with the general model, and noise
 * suppression), with overrides for tuning experiments.
 */
import { embeddedSttOptions } from '../../providers';
import { createPocketsphinxStt, type PocketsphinxStt, type PocketsphinxSttOptions, type UtteranceStats } from '../../providers/stt/pocketsphinx';
import { loadNoiseSuppression } from '../../providers/stt/pocketsphinx/noise-suppression';

export type ConfigName = 'baseline' | 'server';

export interface ConfigOptions {
  /** Extra decoder arguments (override the configuration's own). */
  decoderArgs?: string[];
  /** Domain model weight (server configuration only). */
  domainWeight?: number;
  /** Noise suppression: false turns it off; a number sets its residual (server configuration only). */
  noiseSuppression?: boolean | number;
  /** Decoders to run at once. */
  decoders?: number;
  /** Another decoder binary (experiments); default build/pocketsphinx-decoder. */
  binaryPath?: string;
  onUtteranceStats?(stats: UtteranceStats): void;
}

export function describeConfig(name: ConfigName): string {
  return name === 'baseline'
    ? 'general en-us model alone, pocketsphinx defaults, no noise suppression'
    : "the server's: built-in agent's domain model + general model, noise suppression";
}

export async function createEvalStt(name: ConfigName, options: ConfigOptions = {}): Promise<PocketsphinxStt> {
  const decoders = options.decoders ?? 2;
  return createPocketsphinxStt({
    ...(name === 'server' ? await serverOptions(options) : {}),
    binaryPath: options.binaryPath,
    poolSize: decoders,
    maxDecoders: decoders,
    decoderArgs: options.decoderArgs,
    onUtteranceStats: options.onUtteranceStats,
    // Accuracy runs feed audio faster than real time on a shared 2-core box: a noisy utterance
    // may keep a CPU-starved decoder busy for seconds; only a truly hung one should count.
    endTimeoutMs: 30_000,
  });
}

/** embeddedSttOptions() with the experiment's overrides. */
async function serverOptions(options: ConfigOptions): Promise<PocketsphinxSttOptions> {
  const server = await embeddedSttOptions();
  if (server.domain && options.domainWeight !== undefined) server.domain = { ...server.domain, weight: options.domainWeight };
  if (options.noiseSuppression === false) delete server.noiseSuppression;
  if (typeof options.noiseSuppression === 'number') server.noiseSuppression = await loadNoiseSuppression({ residual: options.noiseSuppression });
  return server;
}
