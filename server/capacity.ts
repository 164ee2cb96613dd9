/**
 * How many voice sessions this server takes at once. Past that a new session is refused with
 * `server_busy` (the socket closes with 1013) rather than every caller slowing down together.
 * The default comes from measurement (scripts/bench-load.ts, docs/operations.md): on a 2-core
 * machine with the embedded recogniser, everyone speaking at once, the latency targets hold up
 * to about 3 talkers a core; the recogniser (~0.2–0.4 of a core per talker) is what runs out.
 * A hosted recogniser leaves only the voice and the agent here, which cost far less.
 */
import os from 'node:os';

/** Talkers a core carries within target when recognition runs here (measured on 2 cores). */
export const EMBEDDED_SESSIONS_PER_CORE = 3;
/** When recognition runs at a provider: the voice (Flite, ~0.05 of a core a reply) and the agent stay. */
export const PROVIDER_SESSIONS_PER_CORE = 12;

export function defaultMaxSessions(sttKind: 'pocketsphinx' | 'openai' | 'deepgram', cores = os.availableParallelism()): number {
  const perCore = sttKind === 'pocketsphinx' ? EMBEDDED_SESSIONS_PER_CORE : PROVIDER_SESSIONS_PER_CORE;
  return Math.max(1, Math.floor(perCore * Math.max(1, cores)));
}
