/**
 * One simulated caller for load benchmarks and the soak run: speaks real speech in real time
 * over /ws, waits for the answer and hears it to the end as the server paces it, and records
 * per turn the latencies a person notices and every gap in the agent's audio.
 */
import fs from 'node:fs';
import { ContractClient } from './contract-client';

export interface TurnFigures {
  /** Client's last audio sent → transcript.final arrived. */
  sttMs: number;
  /** Client's last audio sent → first agent.audio.chunk of the reply. */
  firstAudioMs: number;
  /** Gaps over 100 ms between consecutive chunks of the reply. */
  gaps: number;
  /** Longest gap between consecutive chunks of the reply. */
  longestGapMs: number;
  /** The turn was this caller's first (a recogniser not yet warmed would show here). */
  first: boolean;
}

export interface TalkerResult {
  turns: TurnFigures[];
  errors: string[];
  busy: boolean;
}

export const QUESTIONS = ['what is twelve times seven', 'what time is it', 'what is nine times six', 'tell me the date today', 'hello there', 'what can you do'];

const GAP_MS = 100;

/**
 * Holds `turns` turns (or until `until`, a performance.now() deadline) on an open session.
 * Each turn: speak, wait for the final transcript and the whole reply, pause `pauseMs`.
 */
export async function talk(client: ContractClient, speech: Int16Array[], options: { turns?: number; until?: number; pauseMs?: number; timeoutMs?: number }): Promise<TalkerResult> {
  const result: TalkerResult = { turns: [], errors: [], busy: false };
  const seenErrors = () => client.all('error').map((e) => `${e.code}: ${e.message}`);
  const replied = new Set<string>();
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (let i = 0; options.turns === undefined ? performance.now() < (options.until ?? 0) : i < options.turns; i++) {
    const id = `u${i}`;
    const from = client.received.length;
    await client.speak(id, speech[i % speech.length], { realtime: true });
    const endSent = performance.now();
    const at = (m: object) => client.arrivals[client.received.indexOf(m as never)];
    try {
      // An utterance the server could not recognise is answered with an error instead of a final.
      const heard = client.next('transcript.final', (m) => m.utteranceId === id, { from, timeoutMs });
      const failed = client.next('error', (e) => e.utteranceId === id && /^(stt_failed|provider_timeout)$/.test(e.code), { from, timeoutMs });
      for (const p of [heard, failed]) p.catch(() => {}); // the one that loses times out unheeded
      const outcome = await Promise.race([heard, failed]);
      if (outcome.type === 'error') {
        result.errors.push(`turn ${i}: ${outcome.code}: ${outcome.message}`);
        continue;
      }
      const final = outcome;
      if (final.text === '') {
        result.errors.push(`turn ${i}: nothing recognised`);
        continue;
      }
      const chunk = await client.next('agent.audio.chunk', (c) => !replied.has(c.utteranceId), { from, timeoutMs });
      replied.add(chunk.utteranceId);
      await client.next('agent.audio.end', (e) => e.utteranceId === chunk.utteranceId, { from, timeoutMs });
      const arrivals = client.received.flatMap((m, index) => (index >= from && m.type === 'agent.audio.chunk' && m.utteranceId === chunk.utteranceId ? [client.arrivals[index]] : []));
      let gaps = 0;
      let longest = 0;
      for (let k = 1; k < arrivals.length; k++) {
        const gap = arrivals[k] - arrivals[k - 1];
        longest = Math.max(longest, gap);
        if (gap > GAP_MS) gaps++;
      }
      result.turns.push({ sttMs: at(final) - endSent, firstAudioMs: at(chunk) - endSent, gaps, longestGapMs: longest, first: i === 0 });
    } catch (error) {
      result.errors.push(`turn ${i}: ${(error as Error).message.slice(0, 200)}`);
      break;
    }
    if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
  }
  // Other errors the server sent (turn errors are already counted above).
  result.errors.push(...seenErrors().filter((e) => !/^(stt_failed|provider_timeout):/.test(e)));
  result.busy = client.all('error').some((e) => e.code === 'server_busy');
  return result;
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** CPU seconds (user+system) and RSS bytes of a process and its children (the decoders). */
export function processTree(pid: number): { cpuSeconds: number; rssBytes: number; mainRssBytes: number; processes: number } {
  const ticks = 100; // USER_HZ on Linux
  const pages = 4096;
  let cpuSeconds = 0;
  let rssBytes = 0;
  let processes = 0;
  let mainRssBytes = 0;
  const visit = (p: number) => {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime are fields 14, 15 (1-based); rss is 24: after the ")" they are at 11, 12, 21.
      cpuSeconds += (Number(fields[11]) + Number(fields[12])) / ticks;
      rssBytes += Number(fields[21]) * pages;
      if (p === pid) mainRssBytes = Number(fields[21]) * pages;
      processes++;
      const children = fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) visit(Number(child));
    } catch {
      // gone meanwhile
    }
  };
  visit(pid);
  return { cpuSeconds, rssBytes, mainRssBytes, processes };
}
