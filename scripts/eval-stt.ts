/**
 * Speech recognition benchmark: word error rate per voice and noise level (in-domain and
 * open-domain), the built-in agent's intent accuracy, and finalisation latency, for the general
 * model alone (baseline) and with the built-in agent's domain model. See docs/recognition.md.
 *
 *   npx tsx scripts/eval-stt.ts                 full run on the test split (~15-25 min on 2 cores)
 *   npx tsx scripts/eval-stt.ts --quick         a few minutes: fewer items, Flite voices only
 *
 * Options:
 *   --config baseline|domain|both   which recognisers (default both)
 *   --split test|dev|all            which items (default test; tune on dev)
 *   --voices flite|rates|espeak|all|<id,id>   (default all)
 *   --noise clean,snr20,snr10       (default all three)
 *   --per-cell N                    at most N in-domain items per voice and noise level
 *   --open-per-cell N               at most N open-domain items per voice and noise level
 *   --args "..."                    extra decoder arguments for the domain configuration
 *   --baseline-args "..."           extra decoder arguments for the baseline
 *   --weight W                      domain model weight
 *   --latency N                     utterances fed in real time for latency (default 24; 0 skips)
 *   --decoders N                    decoders at once (default 2; the machine has 2 cores)
 *   --json FILE                     write every transcript and the summary
 *   --errors                        print the misrecognised utterances
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evalItems, hashString, type EvalItem } from '../server/providers/stt/eval/corpus';
import { createEvalStt, describeConfig, type ConfigName } from '../server/providers/stt/eval/configs';
import {
  clipFor,
  decodeCases,
  measureLatency,
  median,
  overall,
  percentile,
  summarise,
  type CaseResult,
  type CellSummary,
  type EvalCase,
  type LatencyResult,
} from '../server/providers/stt/eval/run';
import {
  ALL_VOICES,
  ESPEAK_VOICES,
  FLITE_RATE_VOICES,
  FLITE_VOICES,
  NOISE_LEVELS,
  SpeechRenderer,
  type EvalVoice,
  type NoiseLevel,
} from '../server/providers/stt/eval/speech';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    config: { type: 'string', default: 'both' },
    split: { type: 'string', default: 'test' },
    voices: { type: 'string', default: 'all' },
    noise: { type: 'string', default: NOISE_LEVELS.join(',') },
    'per-cell': { type: 'string' },
    'open-per-cell': { type: 'string' },
    args: { type: 'string', default: '' },
    'baseline-args': { type: 'string', default: '' },
    weight: { type: 'string' },
    latency: { type: 'string' },
    decoders: { type: 'string', default: '2' },
    json: { type: 'string' },
    errors: { type: 'boolean', default: false },
  },
});

const quick = values.quick!;
const configs: ConfigName[] = values.config === 'both' ? ['baseline', 'domain'] : [values.config as ConfigName];
for (const c of configs) if (c !== 'baseline' && c !== 'domain') throw new Error(`unknown --config ${c}`);

function selectVoices(spec: string): EvalVoice[] {
  if (spec === 'all') return [...(quick ? FLITE_VOICES : ALL_VOICES)];
  return spec.split(',').flatMap((s) => {
    if (s === 'flite') return [...FLITE_VOICES];
    if (s === 'rates') return [...FLITE_RATE_VOICES];
    if (s === 'espeak') return [...ESPEAK_VOICES];
    const voice = ALL_VOICES.find((v) => v.id === s);
    if (!voice) throw new Error(`unknown voice ${s}; known: ${ALL_VOICES.map((v) => v.id).join(', ')}`);
    return [voice];
  });
}
const voices = selectVoices(values.voices!);
const noises = values.noise!.split(',') as NoiseLevel[];
for (const n of noises) if (!NOISE_LEVELS.includes(n)) throw new Error(`unknown noise level ${n}`);

const split = values.split!;
const items = evalItems().filter((i) => split === 'all' || i.split === split);
const inDomain = items.filter((i) => i.domain === 'in');
const openDomain = items.filter((i) => i.domain === 'open');

/**
 * Items per cell. The four plain Flite voices get every in-domain item (the targets are about
 * them); the other voices get a different deterministic sample per cell, to keep the run short.
 */
const isPlainFlite = (v: EvalVoice) => FLITE_VOICES.some((f) => f.id === v.id);
function perCell(voice: EvalVoice, open: boolean): number {
  const given = open ? values['open-per-cell'] : values['per-cell'];
  if (given !== undefined) return Number(given);
  if (quick) return open ? 4 : 12;
  if (open) return isPlainFlite(voice) ? 20 : 8;
  return isPlainFlite(voice) ? Infinity : 36;
}
function sample(list: readonly EvalItem[], n: number, salt: string): EvalItem[] {
  if (n >= list.length) return [...list];
  return [...list].sort((a, b) => hashString(`${salt}|${a.id}`) - hashString(`${salt}|${b.id}`)).slice(0, n);
}

const cases: EvalCase[] = [];
for (const voice of voices) {
  for (const noise of noises) {
    for (const item of sample(inDomain, perCell(voice, false), `${voice.id}|${noise}`)) cases.push({ item, voice, noise });
    for (const item of sample(openDomain, perCell(voice, true), `${voice.id}|${noise}|open`)) cases.push({ item, voice, noise });
  }
}

// Shuffled (deterministically): a shared decoder pool serves many people, so consecutive
// utterances on one decoder come from different voices and rooms (its cepstral mean carries over).
cases.sort((a, b) => hashString(`order|${a.item.id}|${a.voice.id}|${a.noise}`) - hashString(`order|${b.item.id}|${b.voice.id}|${b.noise}`));

const extraArgs = (s: string) => (s.trim() ? s.trim().split(/\s+/) : []);
const latencyCount = Number(values.latency ?? (quick ? 10 : 24));
const decoders = Number(values.decoders);

const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)}%`);

async function main(): Promise<void> {
  const renderer = new SpeechRenderer();
  console.log(
    `${cases.length} utterances per configuration (${split} split: ${inDomain.length} in-domain and ` +
      `${openDomain.length} open-domain items; ${voices.length} voices x ${noises.length} noise levels)`,
  );
  // Render everything first so decoding measurements are not mixed with synthesis.
  const renderStarted = performance.now();
  const seen = new Set<string>();
  for (const c of cases) {
    const key = `${c.voice.id}|${c.item.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    await renderer.render(c.voice, c.item.text);
  }
  console.log(`rendered ${seen.size} clean clips in ${((performance.now() - renderStarted) / 1000).toFixed(0)} s`);

  const results = new Map<ConfigName, CaseResult[]>();
  const latencies = new Map<ConfigName, LatencyResult>();
  const rtf = new Map<ConfigName, number>();
  // Latency clips: Flite voices, clean and 10 dB, in-domain.
  const latencyCases = cases.filter((c) => c.item.domain === 'in' && isPlainFlite(c.voice) && c.noise !== 'snr20');
  const latencyClips = await Promise.all(
    sample(latencyCases.map((c, k) => ({ ...c.item, id: `${k}` })), latencyCount, 'latency').map((i) => clipFor(renderer, latencyCases[Number(i.id)])),
  );

  for (const name of configs) {
    let cpuMs = 0;
    let audioMs = 0;
    const stt = createEvalStt(name, {
      decoders,
      decoderArgs: extraArgs(name === 'baseline' ? values['baseline-args']! : values.args!),
      domainWeight: values.weight === undefined ? undefined : Number(values.weight),
      onUtteranceStats: (s) => {
        cpuMs += s.cpuMs;
        audioMs += s.audioMs;
      },
    });
    try {
      await stt.ready();
      const started = performance.now();
      let lastPrint = started;
      const list = await decodeCases(stt, renderer, cases, {
        concurrency: decoders,
        onResult: (_r, done, total) => {
          if (performance.now() - lastPrint > 15000 || done === total) {
            lastPrint = performance.now();
            process.stderr.write(`  ${name}: ${done}/${total} (${((lastPrint - started) / 1000).toFixed(0)} s)\n`);
          }
        },
      });
      results.set(name, list);
      rtf.set(name, cpuMs / Math.max(1, audioMs));
      if (latencyCount > 0) latencies.set(name, await measureLatency(stt, latencyClips));
    } finally {
      await stt.close();
    }
  }
  await renderer.close();
  report(results, latencies, rtf);
}

function report(
  results: Map<ConfigName, CaseResult[]>,
  latencies: Map<ConfigName, LatencyResult>,
  rtf: Map<ConfigName, number>,
): void {
  const summaries = new Map([...results].map(([name, list]) => [name, summarise(list)]));
  const find = (name: ConfigName, voice: string, noise: string, domain: string): CellSummary | undefined =>
    summaries.get(name)?.find((s) => s.voice === voice && s.noise === noise && s.domain === domain);
  const pair = (f: (name: ConfigName) => number | undefined) =>
    configs.map((name) => pct(f(name))).join(configs.length > 1 ? ' → ' : '');

  console.log(`\nConfigurations: ${configs.map((c) => `${c} (${describeConfig(c)})`).join('; ')}`);
  if (values.args) console.log(`domain decoder args: ${values.args}`);
  if (values['baseline-args']) console.log(`baseline decoder args: ${values['baseline-args']}`);
  if (values.weight) console.log(`domain weight: ${values.weight}`);
  const head = configs.length > 1 ? ' (baseline → domain)' : ` (${configs[0]})`;
  console.log(`\n| voice | noise | in-domain WER${head} | open-domain WER${head} | intent accuracy${head} | answer accuracy${head} | utterances (in/open) |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const voice of voices) {
    for (const noise of noises) {
      const inCell = (n: ConfigName) => find(n, voice.id, noise, 'in');
      const openCell = (n: ConfigName) => find(n, voice.id, noise, 'open');
      console.log(
        `| ${voice.id} | ${noise} | ${pair((n) => inCell(n)?.wer)} | ${pair((n) => openCell(n)?.wer)} | ` +
          `${pair((n) => inCell(n)?.intentAccuracy)} | ${pair((n) => inCell(n)?.answerAccuracy)} | ` +
          `${inCell(configs[0])?.utterances ?? 0}/${openCell(configs[0])?.utterances ?? 0} |`,
      );
    }
  }

  // Pooled by voice family and noise level.
  const families: [string, (v: string) => boolean][] = [
    ['Flite (4 voices)', (v) => FLITE_VOICES.some((f) => f.id === v)],
    ['Flite other rates', (v) => FLITE_RATE_VOICES.some((f) => f.id === v)],
    ['espeak-ng', (v) => ESPEAK_VOICES.some((f) => f.id === v)],
    ['all voices', () => true],
  ];
  console.log(`\n| voices | noise | in-domain WER${head} | open-domain WER${head} | intent accuracy${head} | answer accuracy${head} |`);
  console.log('|---|---|---|---|---|---|');
  for (const [label, member] of families) {
    for (const noise of [...noises, 'all']) {
      const subset = (n: ConfigName) =>
        (results.get(n) ?? []).filter((r) => member(r.voice.id) && (noise === 'all' || r.noise === noise));
      if (subset(configs[0]).length === 0) continue;
      const o = (n: ConfigName, d: 'in' | 'open') => overall(subset(n), d);
      console.log(
        `| ${label} | ${noise} | ${pair((n) => o(n, 'in').wer)} | ${pair((n) => o(n, 'open').wer)} | ` +
          `${pair((n) => o(n, 'in').intentAccuracy)} | ${pair((n) => o(n, 'in').answerAccuracy)} |`,
      );
    }
  }

  console.log('\nDecoding cost and latency (real-time feeding, one stream at a time):');
  for (const name of configs) {
    const l = latencies.get(name);
    const partials = (results.get(name) ?? []).map((r) => r.partials);
    const line = [`${name}: CPU ${(rtf.get(name)! * 100).toFixed(0)}% of audio time`, `partials per utterance median ${median(partials)}`];
    if (l) {
      line.push(
        `end()→final median ${median(l.endToFinalMs).toFixed(0)} ms (p90 ${percentile(l.endToFinalMs, 90).toFixed(0)} ms, n=${l.endToFinalMs.length})`,
        `first partial median ${median(l.firstPartialMs).toFixed(0)} ms after the first chunk`,
        `partials while speaking median ${median(l.partialsWhileSpeaking)}`,
      );
    }
    const failures = (results.get(name) ?? []).filter((r) => r.failure);
    if (failures.length) line.push(`${failures.length} utterances failed (counted as empty): ${failures[0].failure}`);
    console.log(`  ${line.join('; ')}`);
  }

  if (values.errors) {
    const last = configs[configs.length - 1];
    console.log(`\nMisrecognised (${last}):`);
    for (const r of results.get(last) ?? []) {
      if (r.errors.errors > 0 || (r.intent && !r.intent.answerCorrect)) {
        console.log(`  [${r.voice.id}/${r.noise}] ${r.item.text}  →  ${r.hypothesis}${r.intent && !r.intent.intentCorrect ? `  (intent: ${r.intent.heard})` : ''}`);
      }
    }
  }

  if (values.json) {
    writeFileSync(
      values.json,
      JSON.stringify(
        {
          configs,
          args: { domain: values.args, baseline: values['baseline-args'], weight: values.weight },
          summaries: Object.fromEntries(summaries),
          latency: Object.fromEntries(latencies),
          results: Object.fromEntries(
            [...results].map(([n, list]) => [
              n,
              list.map((r) => ({ id: r.item.id, voice: r.voice.id, noise: r.noise, ref: r.item.text, hyp: r.hypothesis, errors: r.errors, intent: r.intent })),
            ]),
          ),
        },
        null,
        1,
      ),
    );
  }
}

await main();
