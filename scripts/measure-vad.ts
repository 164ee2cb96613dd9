/**
 * Measures the server VADs on the same synthesised audio, through the real Endpointer's start
 * rule (startSpeechMs of speech opens an utterance):
 *  - speech (Flite voices kal16/slt/rms/awb, espeak-ng en-us/en-gb/en-us+f3), clean and in pink
 *    noise at 10 dB SNR: onset delay (true onset → 'start'), offset delay (true end → the VAD's
 *    last speech frame, i.e. its hang-over), missed utterances;
 *  - non-speech: pink noise at -40/-30/-20 dBFS, music-like chords, coughs, and the agent's
 *    own voice leaking back at -20 dB: false starts per minute, and how long the VAD calls a
 *    cough speech (what a barge-in minimum must outlast);
 *  - CPU per 20 ms frame.
 * Not a test: figures for docs/vad.md.   npx tsx scripts/measure-vad.ts [--quick]
 */
import { rmsDbfs } from '../lib/audio/pcm';
import { createVoiceActivityDetector, VAD_FRAME_MS, type VadOptions, type VoiceActivityDetector } from '../server/audio/vad';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { attenuate, chords, cough, espeakSpeech, mixPcm, pinkNoise, quiet } from '../server/testing/test-sounds';
import { Endpointer } from '../server/voice/endpointing';

const quick = process.argv.includes('--quick');
const START_SPEECH_MS = 60;
const LEAD_MS = 1000;
const TRAIL_MS = 1500;

const SENTENCES = [
  'what is nine times seven',
  'what time is it in tokyo',
  'hello there, my name is peter',
  'tell me the date today please',
  'set a timer for ten minutes',
  'how far is the moon from the earth',
];

interface Config {
  name: string;
  options: VadOptions;
}
const CONFIGS: Config[] = [
  { name: 'webrtc mode 1', options: { kind: 'webrtc', webrtcMode: 1 } },
  { name: 'webrtc mode 2', options: { kind: 'webrtc', webrtcMode: 2 } },
  { name: 'webrtc mode 3', options: { kind: 'webrtc', webrtcMode: 3 } },
  { name: 'silero v5', options: { kind: 'silero' } },
];

interface Clip {
  pcm: Int16Array;
  /** True speech span in ms from the start of the clip (from the clean speech's frame levels). */
  onsetMs: number;
  offsetMs: number;
}

/** Where the clean speech is: frames within 35 dB of its loudest frame. */
function speechSpan(clean: Int16Array): { onsetMs: number; offsetMs: number } {
  const frames = chunkPcm(clean, 10).map(rmsDbfs);
  const peak = Math.max(...frames);
  const first = frames.findIndex((db) => db > peak - 35);
  const last = frames.length - 1 - [...frames].reverse().findIndex((db) => db > peak - 35);
  return { onsetMs: first * 10, offsetMs: (last + 1) * 10 };
}

async function speechClips(): Promise<Array<{ label: string; clip: Clip }>> {
  const sources: Array<{ label: string; pcm: Int16Array }> = [];
  const sentences = quick ? SENTENCES.slice(0, 2) : SENTENCES;
  for (const voice of ['kal16', 'slt', 'rms', 'awb'] as const) {
    for (const text of sentences) sources.push({ label: `flite ${voice}`, pcm: await synthesizeSpeech(text, { voice, noiseDbfs: -Infinity }) });
  }
  for (const voice of ['en-us', 'en-gb', 'en-us+f3']) {
    for (const text of sentences) sources.push({ label: `espeak ${voice}`, pcm: await espeakSpeech(text, voice) });
  }
  const clips: Array<{ label: string; clip: Clip }> = [];
  for (const [i, { label, pcm }] of sources.entries()) {
    const span = speechSpan(pcm);
    const padded = new Int16Array(samples(LEAD_MS) + pcm.length + samples(TRAIL_MS));
    padded.set(pcm, samples(LEAD_MS));
    const level = rmsDbfs(pcm);
    const clean = mixPcm(padded, quiet(ms(padded.length), -60, i + 1));
    const noisy = mixPcm(padded, pinkNoise(ms(padded.length), level - 10, i + 100));
    const onsetMs = LEAD_MS + span.onsetMs;
    const offsetMs = LEAD_MS + span.offsetMs;
    clips.push({ label: `${label}, clean`, clip: { pcm: clean, onsetMs, offsetMs } });
    clips.push({ label: `${label}, pink 10 dB SNR`, clip: { pcm: noisy, onsetMs, offsetMs } });
  }
  return clips;
}

const samples = (milliseconds: number) => Math.round(milliseconds * 16);
const ms = (count: number) => count / 16;

const cpu: Record<string, number[]> = {};
function run(vad: VoiceActivityDetector, config: string, pcm: Int16Array): number[] {
  vad.reset();
  const times = (cpu[config] ??= []);
  return chunkPcm(pcm).map((frame) => {
    const t = performance.now();
    const p = vad.process(frame);
    times.push(performance.now() - t);
    return p;
  });
}

/** Starts the Endpointer would make, and for each the ms the VAD held speech (≥ 0.35) from there. */
function starts(probabilities: number[]): Array<{ frame: number; heldMs: number }> {
  const e = new Endpointer({ startSpeechMs: START_SPEECH_MS, completeSilenceMs: 200, incompleteSilenceMs: 200 });
  const found: Array<{ frame: number; heldMs: number }> = [];
  probabilities.forEach((p, i) => {
    const d = e.push(p);
    if (d?.type === 'start') {
      let end = i;
      while (end + 1 < probabilities.length && probabilities[end + 1] >= 0.35) end++;
      found.push({ frame: i, heldMs: (end - i + 1 + START_SPEECH_MS / VAD_FRAME_MS) * VAD_FRAME_MS });
    }
  });
  return found;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const fmt = (x: number, digits = 0) => (Number.isNaN(x) ? '–' : x.toFixed(digits));

const clips = await speechClips();
const noiseMinutes = quick ? 0.25 : 1;
const noiseMs = noiseMinutes * 60_000;
const agentVoice = await (async () => {
  const parts: Int16Array[] = [];
  let total = 0;
  let i = 0;
  const lines = ['Here is a longer answer, spoken by the agent, so that its own voice comes back through the microphone.', 'It is nine hundred kilometres from here, and the road is slow in winter.', 'The time in Tokyo is half past four in the afternoon.'];
  while (total < samples(noiseMs)) {
    const pcm = await synthesizeSpeech(lines[i++ % lines.length], { voice: 'slt', noiseDbfs: -Infinity, trailingSilenceMs: 300 });
    parts.push(pcm);
    total += pcm.length;
  }
  const joined = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return joined.subarray(0, samples(noiseMs));
})();
const coughTrain = (() => {
  const count = quick ? 10 : 40;
  const out = new Int16Array(samples(count * 1500));
  for (let k = 0; k < count; k++) out.set(cough(200 + (k % 5) * 50, -20 + (k % 3) * 5, k + 1), samples(k * 1500 + 500));
  return mixPcm(out, quiet(ms(out.length), -60, 7));
})();
const nonSpeech: Array<{ label: string; pcm: Int16Array; minutes: number }> = [
  { label: 'pink noise -40 dBFS', pcm: pinkNoise(noiseMs, -40, 11), minutes: noiseMinutes },
  { label: 'pink noise -30 dBFS', pcm: pinkNoise(noiseMs, -30, 12), minutes: noiseMinutes },
  { label: 'pink noise -20 dBFS', pcm: pinkNoise(noiseMs, -20, 13), minutes: noiseMinutes },
  { label: 'chords -25 dBFS', pcm: chords(noiseMs, -25, 14), minutes: noiseMinutes },
  { label: `agent voice at -20 dB (${fmt(rmsDbfs(attenuate(agentVoice, -20)))} dBFS)`, pcm: mixPcm(attenuate(agentVoice, -20), quiet(noiseMs, -60, 15)), minutes: noiseMinutes },
  { label: `coughs 200-400 ms, -20..-10 dBFS (${quick ? 10 : 40})`, pcm: coughTrain, minutes: ms(coughTrain.length) / 60_000 },
];

console.log(`VAD measurement: ${clips.length} speech clips, ${noiseMinutes} min of each noise; start rule ${START_SPEECH_MS} ms; ${new Date().toISOString()}`);
const rows: string[] = [];
for (const config of CONFIGS) {
  const vad = await createVoiceActivityDetector(config.options);
  // Warm the JIT/wasm before timing.
  run(vad, `${config.name} warm-up`, clips[0].clip.pcm);
  const onset: Record<'clean' | 'noisy', number[]> = { clean: [], noisy: [] };
  const offset: Record<'clean' | 'noisy', number[]> = { clean: [], noisy: [] };
  const missed = { clean: 0, noisy: 0 };
  let early = 0;
  for (const { label, clip } of clips) {
    const condition = label.endsWith('clean') ? 'clean' : 'noisy';
    const p = run(vad, config.name, clip.pcm);
    const found = starts(p).filter((s) => (s.frame + 1) * VAD_FRAME_MS > clip.onsetMs - 300);
    early += starts(p).length - found.length;
    if (found.length === 0) {
      missed[condition]++;
      continue;
    }
    onset[condition].push((found[0].frame + 1) * VAD_FRAME_MS - clip.onsetMs);
    // The VAD's last speech frame before the trailing silence.
    let last = -1;
    for (let i = 0; i < p.length && i * VAD_FRAME_MS < clip.offsetMs + 1000; i++) if (p[i] >= 0.35) last = i;
    offset[condition].push((last + 1) * VAD_FRAME_MS - clip.offsetMs);
  }
  const falseStarts = nonSpeech.map(({ label, pcm, minutes }) => {
    const found = starts(run(vad, config.name, pcm));
    return { label, perMinute: found.length / minutes, held: found.map((s) => s.heldMs) };
  });
  const times = cpu[config.name].map((t) => t * 1000);
  vad.close();
  rows.push(
    [
      `## ${config.name}`,
      `onset delay ms (true onset → start), clean: median ${fmt(quantile(onset.clean, 0.5))}, p95 ${fmt(quantile(onset.clean, 0.95))}; pink 10 dB SNR: median ${fmt(quantile(onset.noisy, 0.5))}, p95 ${fmt(quantile(onset.noisy, 0.95))}`,
      `offset delay ms (true end → last speech frame), clean: median ${fmt(quantile(offset.clean, 0.5))}, p95 ${fmt(quantile(offset.clean, 0.95))}; noisy: median ${fmt(quantile(offset.noisy, 0.5))}, p95 ${fmt(quantile(offset.noisy, 0.95))}`,
      `missed utterances: clean ${missed.clean}/${clips.length / 2}, noisy ${missed.noisy}/${clips.length / 2}; starts in the leading silence: ${early}`,
      ...falseStarts.map((f) => `false starts/min, ${f.label}: ${fmt(f.perMinute, 1)}${f.held.length ? ` (speech held ms: median ${fmt(quantile(f.held, 0.5))}, p95 ${fmt(quantile(f.held, 0.95))}, max ${fmt(Math.max(...f.held))})` : ''}`),
      `CPU per 20 ms frame µs: median ${fmt(quantile(times, 0.5), 1)}, p95 ${fmt(quantile(times, 0.95), 1)}, mean ${fmt(times.reduce((a, b) => a + b, 0) / times.length, 1)} (${times.length} frames)`,
    ].join('\n'),
  );
  console.log(rows.at(-1));
}
await closeSpeechEngines();
