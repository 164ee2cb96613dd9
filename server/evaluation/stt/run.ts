/**
 * Running the evaluation: renders each case, feeds it through the Stt interface in 20 ms chunks
 * (as fast as the decoder takes them: results do not depend on pacing, since the decoder works
 * on sample counts), scores the transcripts, and aggregates them into a table. Latency is
 * measured separately, on utterances fed in real time.
 */
import { chunkPcm } from '../../testing/test-speech';
import type { Stt } from '../../providers/stt/types';
import { hashString, type EvalDomain, type EvalItem } from './corpus';
import { intentOutcome, pooledWer, wordErrors, type IntentOutcome, type WordErrors } from './score';
import { prepareClip, type EvalVoice, type NoiseLevel, type SpeechRenderer } from './clips';

export interface EvalCase {
  item: EvalItem;
  voice: EvalVoice;
  noise: NoiseLevel;
}

export interface CaseResult extends EvalCase {
  hypothesis: string;
  errors: WordErrors;
  /** In-domain items only. */
  intent?: IntentOutcome;
  /** Partial results received (fed at full speed, so some arrive after end() was called). */
  partials: number;
  /** Why end() failed (the transcript then counts as empty). */
  failure?: string;
}

/** The same noise for a case in every configuration, different noise for different cases. */
export const caseSeed = (c: EvalCase) => hashString(`${c.item.id}|${c.voice.id}|${c.noise}`);

export async function clipFor(renderer: SpeechRenderer, c: EvalCase): Promise<Int16Array> {
  return prepareClip(await renderer.render(c.voice, c.item.text), c.noise, caseSeed(c), c.voice.engine === 'recording');
}

/** Each voice in each noise condition is one person in one room, talking in one session. */
export const speakerOf = (c: EvalCase) => `${c.voice.id}|${c.noise}`;

export interface DecodeOptions {
  /** Streams at once (decoders in use). Default 2. */
  concurrency?: number;
  /** Tell the STT who speaks (speakerOf) so it adapts per speaker. Default true. */
  speakers?: boolean;
  onResult?(result: CaseResult, done: number, total: number): void;
}

/** Decodes every case and scores it. Results come back in the order of `cases`. */
export async function decodeCases(
  stt: Stt,
  renderer: SpeechRenderer,
  cases: readonly EvalCase[],
  options: DecodeOptions = {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      const c = cases[index];
      const pcm = await clipFor(renderer, c);
      let partials = 0;
      const speaker = options.speakers === false ? undefined : speakerOf(c);
      const stream = stt.start({ onPartial: () => partials++, speaker });
      for (const chunk of chunkPcm(pcm, 20)) stream.write(chunk);
      let hypothesis = '';
      let failure: string | undefined;
      try {
        hypothesis = await stream.end();
      } catch (error) {
        // A decoder killed as hung counts as recognising nothing, and is reported.
        failure = error instanceof Error ? error.message : String(error);
      }
      const result: CaseResult = {
        ...c,
        hypothesis,
        failure,
        errors: wordErrors(c.item.text, hypothesis),
        intent: c.item.domain === 'in' ? intentOutcome(c.item.text, hypothesis, c.item.intent) : undefined,
        partials,
      };
      results[index] = result;
      options.onResult?.(result, ++done, cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return results;
}

export interface LatencySample {
  /** end() called → final transcript (ms). */
  endToFinalMs: number;
  /** Partials received while the audio was still being fed. */
  partialsWhileSpeaking: number;
  /** First partial, from the first audio chunk (ms); NaN when none came. */
  firstPartialMs: number;
  /** Audio fed (ms). */
  audioMs: number;
  /** A label for grouping (e.g. the noise condition). */
  label?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Feeds each clip in real time (20 ms per chunk, on the wall clock), one stream at a time. */
export async function measureLatency(
  stt: Stt,
  clips: readonly { pcm: Int16Array; speaker?: string; label?: string }[],
): Promise<LatencySample[]> {
  const samples: LatencySample[] = [];
  for (const { pcm, speaker, label } of clips) {
    let partials = 0;
    let firstPartialAt = NaN;
    const stream = stt.start({
      onPartial: () => {
        if (partials++ === 0) firstPartialAt = performance.now();
      },
      speaker,
    });
    const started = performance.now();
    let sentMs = 0;
    for (const chunk of chunkPcm(pcm, 20)) {
      const wait = started + sentMs - performance.now();
      if (wait > 0) await sleep(wait);
      stream.write(chunk);
      sentMs += 20;
    }
    const whileSpeaking = partials;
    const endAt = performance.now();
    await stream.end();
    samples.push({
      endToFinalMs: performance.now() - endAt,
      partialsWhileSpeaking: whileSpeaking,
      firstPartialMs: firstPartialAt - started,
      audioMs: sentMs,
      label,
    });
  }
  return samples;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface CellSummary {
  voice: string;
  noise: NoiseLevel;
  domain: EvalDomain;
  utterances: number;
  words: number;
  wer: number;
  /** In-domain: share of utterances whose intent the agent found. */
  intentAccuracy?: number;
  /** In-domain: share answered exactly as the reference would have been (numbers, name, words). */
  answerAccuracy?: number;
}

/** Pools results per voice, noise level and domain. */
export function summarise(results: readonly CaseResult[]): CellSummary[] {
  const cells = new Map<string, CaseResult[]>();
  for (const r of results) {
    const key = `${r.voice.id}\u0000${r.noise}\u0000${r.item.domain}`;
    const list = cells.get(key) ?? [];
    list.push(r);
    cells.set(key, list);
  }
  return [...cells.values()].map((list) => {
    const { voice, noise, item } = list[0];
    const withIntent = list.filter((r) => r.intent);
    return {
      voice: voice.id,
      noise,
      domain: item.domain,
      utterances: list.length,
      words: list.reduce((n, r) => n + r.errors.words, 0),
      wer: pooledWer(list.map((r) => r.errors)),
      intentAccuracy: withIntent.length ? withIntent.filter((r) => r.intent!.intentCorrect).length / withIntent.length : undefined,
      answerAccuracy: withIntent.length ? withIntent.filter((r) => r.intent!.answerCorrect).length / withIntent.length : undefined,
    };
  });
}

/** Overall figures of a set of results (all voices and noise levels pooled). */
export function overall(results: readonly CaseResult[], domain: EvalDomain): Omit<CellSummary, 'voice' | 'noise'> {
  const list = results.filter((r) => r.item.domain === domain);
  const withIntent = list.filter((r) => r.intent);
  return {
    domain,
    utterances: list.length,
    words: list.reduce((n, r) => n + r.errors.words, 0),
    wer: pooledWer(list.map((r) => r.errors)),
    intentAccuracy: withIntent.length ? withIntent.filter((r) => r.intent!.intentCorrect).length / withIntent.length : undefined,
    answerAccuracy: withIntent.length ? withIntent.filter((r) => r.intent!.answerCorrect).length / withIntent.length : undefined,
  };
}
