/** The decoder's command-line arguments: a domain's model files and tuned settings, and overrides. */
import { domainModelFor, type DomainModelOptions } from '../domain-model';

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
