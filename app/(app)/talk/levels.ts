/** The two level meters (yours, and the agent's as played): the worklets measure, this draws. */

/** Where a meter's bar ends, 0..1, for a level between -70 and -10 dBFS. */
export function meterFraction(dbfs: number): number {
  return Math.max(0, Math.min(1, (dbfs + 70) / 60));
}

/** Below this the agent's playback counts as silence (the track carries silence between replies). */
export const AUDIBLE_DBFS = -60;
