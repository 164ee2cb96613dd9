/**
 * How many voice sessions this server takes at once. Past that a new session is refused with
 * `server_busy` (the socket closes with 1013) rather than every caller slowing down together.
 * The default comes from measurement (scripts/bench-load.ts, docs/operations.md): on a 2-core
 * machine with the embedded recogniser, everyone speaking at once, speech end → final transcript
 * p95 was 878 ms with 4 talkers and 4.4 s with 6 — so 2 talkers a core. A hosted recogniser
 * leaves only the voice and the agent here, which cost far less (not measured: an estimate).
 */
import os from 'node:os';

/** Talkers a core carries within target (p95 ≤ 1 s, no gap) when recognition runs here: measured on 2 cores. */
export const EMBEDDED_SESSIONS_PER_CORE = 2;
/** When recognition runs at a provider: the voice (Flite, ~0.05 of a core a reply) and the agent stay. */
export const PROVIDER_SESSIONS_PER_CORE = 12;

export function defaultMaxSessions(sttKind: 'pocketsphinx' | 'openai' | 'deepgram', cores = os.availableParallelism()): number {
  const perCore = sttKind === 'pocketsphinx' ? EMBEDDED_SESSIONS_PER_CORE : PROVIDER_SESSIONS_PER_CORE;
  return Math.max(1, Math.floor(perCore * Math.max(1, cores)));
}
