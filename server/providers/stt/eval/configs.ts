/**
 * The recogniser configurations the evaluation compares: the general English model alone (what
 * Parley shipped before the domain model) and the built-in agent's domain model interpolated with it.
 */
import { domainPhrases } from '../../agent/builtin';
import { createPocketsphinxStt, type PocketsphinxStt, type UtteranceStats } from '../pocketsphinx';

export type ConfigName = 'baseline' | 'domain';

export interface ConfigOptions {
  /** Extra decoder arguments (override the configuration's own). */
  decoderArgs?: string[];
  /** Domain model weight (domain configuration only). */
  domainWeight?: number;
  /** Decoders to run at once. */
  decoders?: number;
  onUtteranceStats?(stats: UtteranceStats): void;
}

export function describeConfig(name: ConfigName): string {
  return name === 'baseline' ? 'general en-us model alone, pocketsphinx defaults' : "built-in agent's domain model + general model";
}

export function createEvalStt(name: ConfigName, options: ConfigOptions = {}): PocketsphinxStt {
  const decoders = options.decoders ?? 2;
  return createPocketsphinxStt({
    poolSize: decoders,
    maxDecoders: decoders,
    decoderArgs: options.decoderArgs,
    domain: name === 'domain' ? { phrases: domainPhrases(), weight: options.domainWeight } : undefined,
    onUtteranceStats: options.onUtteranceStats,
  });
}
