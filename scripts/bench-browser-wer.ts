/**
 * Recognition through the browser: word error rate of the embedded recogniser on the same
 * utterances (a) spoken into Chromium's fake microphone and carried by the talk page over WebRTC,
 * with the browser's echo cancellation, noise suppression and gain control on as the page asks
 * for them, and (b) as raw 16 kHz PCM, cut the way the offline evaluation cuts its clips
 * (docs/recognition.md), straight into the server's recogniser configuration (embeddedSttOptions).
 * Both: RNNoise, the domain model, one speaker's cepstral mean per conversation.
 *
 * Per condition (the clean floor, pink noise at 20 and 10 dB over the whole recording, as a
 * room's would be): one WAV of a lead-in and every utterance, each followed by a pause long
 * enough for the agent's answer to play out. Path A: one Chromium, one conversation; the stored
 * user turns are matched to utterances by time (turn start on the server's clock against the
 * WAV's schedule, anchored on the page's microphone level log). Path B: each utterance's clip
 * cut from the same noisy recording (same noise samples), decoded in order as one speaker.
 * Scored like the offline evaluation (score.ts). Not a test: figures, not pass/fail. Needs the
 * production build (npm run build). ~2.5 min per condition of 16 requests (the WAV plays in real time).
 *
 *   npx tsx scripts/bench-browser-wer.ts [utterances=20] [conditions=clean,snr20,snr10,snr10-off]
 *   npx tsx scripts/bench-browser-wer.ts --quick      10 utterances, clean and snr10 (npm run bench)
 *
 * `snr10-off`: 10 dB with the page's "Echo cancellation" option off (it turns the browser's echo
 * cancellation, noise suppression and gain control off together); path B is the same as snr10's.
 */
import { chromium, type Page } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LevelLogEntry } from '../app/(app)/talk/voice-client';
import { rmsDbfs } from '../lib/audio/pcm';
import { seededRandom } from '../lib/seeded-random';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';
import { FLITE_VOICES, FLOOR_DBFS, LEAD_MS as CLIP_LEAD_MS, SAMPLE_RATE, SpeechRenderer, TRAIL_MS as CLIP_TRAIL_MS } from '../server/evaluation/stt/clips';
import { evalItems, hashString, type EvalItem } from '../server/evaluation/stt/corpus';
import { intentOutcome, pooledWer, wordErrors, type WordErrors } from '../server/evaluation/stt/score';
import { composeReply } from '../server/providers/agent/builtin';
import type { AgentMessage } from '../server/providers/agent/types';
import { encodeWav } from '../server/providers/tts/flite/wav';
import { createEvalStt } from '../server/evaluation/stt/configs';
import type { PocketsphinxStt } from '../server/providers/stt/pocketsphinx';
import { startServer, type RunningServer } from '../server/testing/server-process';
import { addNoise, chunkPcm, closeSpeechEngines, rms } from '../server/testing/test-speech';
import { signUp, type TestUser } from '../server/testing/users';
import { warmUpRecogniser } from '../server/testing/warm-up';

type Condition = 'clean' | 'snr20' | 'snr10' | 'snr10-off';
const SNR_DB: Record<Condition, number | undefined> = { clean: undefined, snr20: 20, snr10: 10, 'snr10-off': 10 };

// --quick (npm run bench): 10 requests, clean and 10 dB with the browser's processing on, ~3 min.
const quick = process.argv.includes('--quick');
const positional = process.argv.slice(2).filter((a) => a !== '--quick');
const count = Number(positional[0] ?? (quick ? 10 : 20));
const conditions = (positional[1] ?? (quick ? 'clean,snr10' : 'clean,snr20,snr10,snr10-off')).split(',') as Condition[];
for (const c of conditions) if (!(c in SNR_DB)) throw new Error(`unknown condition ${c}; known: ${Object.keys(SNR_DB).join(', ')}`);

/** One voice: one person in one room (the session's cepstral mean follows one speaker). kal16 is the server's own default voice. */
const VOICE = FLITE_VOICES[0];
/** The fake microphone starts at getUserMedia; WebRTC connects 0.5–3 s later. */
const LEAD_MS = 6000;
/**
 * After each utterance, before its answer's own length: the endpointer's silence (≤ 700 ms),
 * recognition and the first sentence's synthesis (~0.5 s, more for noisy speech on a busy
 * machine), and a margin, so the next request is not spoken over the answer.
 */
const ANSWER_WAIT_MS = 3000;
/** A stored turn belongs to the utterance whose slot its start falls in: from this long before the utterance to as long before the next. */
const SLOT_LEAD_MS = 700;
const FRAME_MS = 20;
const FRAME = (SAMPLE_RATE * FRAME_MS) / 1000;
/** The agent's playback counts as audible above this (the page's threshold, levels.ts). */
const AUDIBLE_DBFS = -60;

declare global {
  interface Window {
    /** What the browser says it applies to each microphone track it opened. */
    __werTrackSettings?: MediaTrackSettings[];
  }
}

interface Utterance {
  item: EvalItem;
  /** Where the rendered speech starts and ends in the WAV (samples). */
  start: number;
  end: number;
}

interface Recording {
  pcm: Int16Array;
  utterances: Utterance[];
}

interface StoredUserTurn {
  role: 'user' | 'agent';
  utteranceId: string;
  text: string;
  interrupted: boolean;
  startedAt: string;
}

interface PathResult {
  /** Hypothesis per utterance (turns joined), in the utterances' order. */
  hypotheses: string[];
  /** Turns per utterance. */
  turns: number[];
  /** Recognised words that belong to no utterance (e.g. noise in the lead-in taken for speech). */
  stray: string[];
  notes: string[];
}

// ── the utterances and their recordings ──

/**
 * In-domain requests of the test split (the offline figures' split): one of each intent in turn,
 * each intent's in a deterministic shuffled order, so a short conversation covers them all.
 */
function pickItems(n: number): EvalItem[] {
  const byIntent = new Map<string, EvalItem[]>();
  for (const item of evalItems()) {
    if (item.domain !== 'in' || item.split !== 'test') continue;
    byIntent.set(item.intent, [...(byIntent.get(item.intent) ?? []), item]);
  }
  const queues = [...byIntent.values()].map((list) => list.sort((a, b) => hashString(`browser|${a.id}`) - hashString(`browser|${b.id}`)));
  const picked: EvalItem[] = [];
  for (let round = 0; picked.length < n && queues.some((q) => q.length > round); round++) {
    for (const queue of queues) if (round < queue.length && picked.length < n) picked.push(queue[round]);
  }
  return picked;
}

/** How long the built-in agent's answer to each request takes to say, in the server's default voice (kal16). */
async function answerDurations(items: readonly EvalItem[], renderer: SpeechRenderer): Promise<number[]> {
  const history: AgentMessage[] = [];
  const durations: number[] = [];
  for (const item of items) {
    history.push({ role: 'user', text: item.text });
    const reply = composeReply({ history, now: new Date(), timeZone: 'UTC' }).join(' ');
    history.push({ role: 'agent', text: reply });
    durations.push(((await renderer.render(VOICE, reply)).length / SAMPLE_RATE) * 1000);
  }
  return durations;
}

/** The schedule of the WAV: lead-in, then each utterance and the pause for its answer. Clean. */
async function cleanRecording(items: readonly EvalItem[], renderer: SpeechRenderer): Promise<{ clean: Int16Array[]; recording: Omit<Recording, 'pcm'>; length: number }> {
  const answers = await answerDurations(items, renderer);
  const clean: Int16Array[] = [];
  const utterances: Utterance[] = [];
  let at = (LEAD_MS * SAMPLE_RATE) / 1000;
  for (const [i, item] of items.entries()) {
    const speech = await renderer.render(VOICE, item.text);
    clean.push(speech);
    utterances.push({ item, start: at, end: at + speech.length });
    at += speech.length + Math.round(((ANSWER_WAIT_MS + answers[i]) * SAMPLE_RATE) / 1000);
  }
  return { clean, recording: { utterances }, length: at };
}

/**
 * The recording in a condition: the faint floor over everything, as the offline clips have, and
 * pink noise over the whole WAV (pauses included) at `snrDb` below the speech's RMS (all the
 * utterances' samples pooled: one room, one level; each utterance's own SNR varies around it).
 */
function noisyRecording(clean: readonly Int16Array[], schedule: Omit<Recording, 'pcm'>, length: number, snrDb: number | undefined, seed: number): Recording {
  const mix = new Float64Array(length);
  for (const [i, u] of schedule.utterances.entries()) mix.set(clean[i], u.start);
  const random = seededRandom(seed);
  addNoise(mix, 32768 * 10 ** (FLOOR_DBFS / 20), 'white', random);
  if (snrDb !== undefined) {
    let energy = 0;
    let samples = 0;
    for (const c of clean) {
      energy += rms(c) ** 2 * c.length;
      samples += c.length;
    }
    addNoise(mix, Math.sqrt(energy / samples) / 10 ** (snrDb / 20), 'pink', random);
  }
  const pcm = new Int16Array(length);
  for (let i = 0; i < length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(mix[i])));
  return { pcm, utterances: schedule.utterances };
}

/** dBFS of each 20 ms frame, as the page's microphone worklet measures it. */
function frameLevels(pcm: Int16Array): number[] {
  const levels: number[] = [];
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) levels.push(Math.max(-100, rmsDbfs(pcm.subarray(i, i + FRAME))));
  return levels;
}

// ── path A: Chromium, the talk page, WebRTC ──

/**
 * Where the WAV's time 0 is on the page's clock. The microphone worklet's frames are
 * contiguous, so the k-th frame the page logged is WAV frame k + lag: the lag is where the
 * logged levels correlate best with the WAV's own (the browser's processing changes the levels,
 * not where the speech is). Then the frames' arrival times give the clock offset.
 */
function anchor(expected: readonly number[], mic: readonly LevelLogEntry[]): { wavZeroAt: number; lag: number; correlation: number } {
  const observed = mic.map((l) => Math.max(-100, l.dbfs));
  let best = { lag: 0, correlation: -Infinity };
  for (let lag = -250; lag <= 1500; lag++) {
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let k = Math.max(0, -lag); k < observed.length && k + lag < expected.length; k++) {
      const x = observed[k];
      const y = expected[k + lag];
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    if (n < 500) continue;
    const correlation = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    if (correlation > best.correlation) best = { lag, correlation };
  }
  const offsets = mic.map((l, k) => l.at - (k + best.lag + 1) * FRAME_MS).sort((a, b) => a - b);
  return { wavZeroAt: offsets[Math.floor(offsets.length / 2)], lag: best.lag, correlation: best.correlation };
}

async function conversationTurns(server: RunningServer, person: TestUser, conversationId: string): Promise<StoredUserTurn[]> {
  const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } });
  if (!response.ok) throw new Error(`GET /api/conversations/${conversationId}: ${response.status}`);
  return ((await response.json()) as { turns: StoredUserTurn[] }).turns;
}

/** The stored turns once there are `userTurns` user turns (what the page was told was recognised), or after `timeoutMs`. */
async function settledTurns(server: RunningServer, person: TestUser, conversationId: string, userTurns: number, timeoutMs = 15_000): Promise<StoredUserTurn[]> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const turns = await conversationTurns(server, person, conversationId);
    if (turns.filter((t) => t.role === 'user').length >= userTurns || performance.now() > until) return turns;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function throughChromium(server: RunningServer, person: TestUser, recording: Recording, wav: string, processing: boolean): Promise<PathResult & { seconds: number; loadDuring: number[]; overAgent: boolean[]; interrupted: number; track: string; levels: string; lag: string }> {
  const notes: string[] = [];
  const began = performance.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}%noloop`] });
  try {
    const context = await browser.newContext();
    const [name, value] = person.cookie.split('=');
    await context.addCookies([{ name, value, url: server.url }]);
    const page: Page = await context.newPage();
    await page.addInitScript(() => {
      window.__parleyPlaybackLog = [];
      window.__parleyLevelLog = [];
      window.__werTrackSettings = [];
      const media = navigator.mediaDevices;
      const open = media.getUserMedia.bind(media);
      media.getUserMedia = async (constraints) => {
        const stream = await open(constraints);
        for (const track of stream.getAudioTracks()) window.__werTrackSettings!.push(track.getSettings());
        return stream;
      };
    });
    await page.goto(`${server.url}/talk?transport=webrtc`);
    if (!processing) await page.getByLabel('Echo cancellation').uncheck();
    await page.getByRole('button', { name: 'Start talking' }).click();
    const badge = page.getByTestId('transport');
    await badge.and(page.locator('[data-phase="connected"], [data-phase="fallback"]')).waitFor({ timeout: 20_000 });
    const label = await badge.innerText();
    if ((await badge.getAttribute('data-phase')) !== 'connected') throw new Error(`WebRTC did not connect: ${label}`);
    const loadDuring = [os.loadavg()[0]];
    // The WAV is timed by nature: every one of its frames has reached the page's microphone
    // worklet (+5 s, should the worklet have started before the file), then the last answer is over.
    const frames = Math.ceil(recording.pcm.length / FRAME) + 250;
    await page.waitForFunction((n) => (window.__parleyLevelLog ?? []).filter((l) => l.source === 'mic').length >= n, frames, { timeout: (frames * FRAME_MS) + 60_000, polling: 1000 });
    loadDuring.push(os.loadavg()[0]);
    await page.getByTestId('agent-state').and(page.locator('[data-state="listening"]')).waitFor({ timeout: 30_000 }).catch(() => notes.push('the agent was not listening 30 s after the recording'));
    const seen = await page.evaluate(() => ({
      levels: window.__parleyLevelLog ?? [],
      finals: (window.__parleyPlaybackLog ?? []).filter((e) => e.event === 'received' && e.type === 'transcript.final' && e.text).length,
      timeOrigin: performance.timeOrigin,
      track: window.__werTrackSettings ?? [],
      transport: (window.__parleyPlaybackLog ?? []).flatMap((e) => (e.event === 'transport' ? [{ at: e.at, kind: e.transport.kind, connected: e.transport.kind === 'webrtc' && e.transport.phase === 'connected' }] : [])),
    }));
    const conversationId = new URL(page.url()).searchParams.get('conversation');
    if (!conversationId) throw new Error('the page named no conversation');
    // Stopping ends the voice session: what it heard is stored.
    await page.getByRole('button', { name: 'Stop' }).click();
    const turns = await settledTurns(server, person, conversationId, seen.finals);
    if (seen.transport.some((t) => t.kind === 'socket')) notes.push(`the page used the socket path at some point (${seen.transport.map((t) => t.kind).join(' → ')})`);
    const settings = seen.track.at(-1);
    const track = settings
      ? `echoCancellation ${String(settings.echoCancellation)}, noiseSuppression ${String(settings.noiseSuppression)}, autoGainControl ${String(settings.autoGainControl)}`
      : 'no track settings seen';

    const mic = seen.levels.filter((l) => l.source === 'mic');
    const { wavZeroAt, lag, correlation } = anchor(frameLevels(recording.pcm), mic);
    const epochOf = (sample: number) => seen.timeOrigin + wavZeroAt + (sample / SAMPLE_RATE) * 1000;
    const connectedAt = seen.transport.find((t) => t.connected)?.at ?? NaN;
    const headroom = epochOf(recording.utterances[0].start) - (seen.timeOrigin + connectedAt);
    if (!(headroom > 0)) notes.push(`the first utterance began ${(-headroom).toFixed(0)} ms before WebRTC connected`);

    // What the browser did to the levels: the page's microphone against the WAV, in the pauses and in the speech.
    const expected = frameLevels(recording.pcm);
    const inSpeech = (j: number) => recording.utterances.some((u) => j * FRAME >= u.start && j * FRAME < u.end);
    const inPause = (j: number) => j * FRAME > recording.utterances[0].start && recording.utterances.every((u) => j * FRAME < u.start - SAMPLE_RATE || j * FRAME > u.end + SAMPLE_RATE);
    const levelsWhere = (where: (j: number) => boolean) => {
      const page: number[] = [];
      const wavLevels: number[] = [];
      mic.forEach((l, k) => {
        const j = k + lag;
        if (j >= 0 && j < expected.length && where(j)) {
          page.push(l.dbfs);
          wavLevels.push(expected[j]);
        }
      });
      const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
      return `${median(wavLevels).toFixed(0)} → ${median(page).toFixed(0)} dBFS`;
    };
    const levels = `median level WAV → page: speech ${levelsWhere(inSpeech)}, pauses ${levelsWhere(inPause)}`;

    const users = turns.filter((t) => t.role === 'user');
    const slots = recording.utterances.map((u, i) => ({
      from: epochOf(u.start) - SLOT_LEAD_MS,
      until: i + 1 < recording.utterances.length ? epochOf(recording.utterances[i + 1].start) - SLOT_LEAD_MS : Infinity,
    }));
    const hypotheses: string[][] = recording.utterances.map(() => []);
    const stray: string[] = [];
    for (const turn of users) {
      const at = Date.parse(turn.startedAt);
      const slot = slots.findIndex((s) => at >= s.from && at < s.until);
      if (slot < 0) stray.push(turn.text);
      else hypotheses[slot].push(turn.text);
    }
    // Spoken while the agent was audible on the page: double talk, which the pauses are meant to avoid.
    const agentAudible = seen.levels.filter((l) => l.source === 'agent' && l.dbfs > AUDIBLE_DBFS).map((l) => seen.timeOrigin + l.at);
    const overAgent = recording.utterances.map((u) => agentAudible.some((t) => t >= epochOf(u.start) && t <= epochOf(u.end)));
    return {
      hypotheses: hypotheses.map((h) => h.join(' ')),
      turns: hypotheses.map((h) => h.length),
      stray,
      notes,
      seconds: (performance.now() - began) / 1000,
      loadDuring,
      overAgent,
      interrupted: turns.filter((t) => t.role === 'agent' && t.interrupted).length,
      track: `${label}; ${track}`,
      levels,
      lag: `WAV anchored at frame lag ${lag} (r = ${correlation.toFixed(2)}); first utterance ${(headroom / 1000).toFixed(1)} s after WebRTC connected`,
    };
  } finally {
    await browser.close();
  }
}

// ── path B: raw PCM straight to the recogniser ──

/**
 * The offline evaluation's way (server/evaluation/stt): the server's own recogniser configuration
 * (embeddedSttOptions: RNNoise, the domain model), in this process, one speaker per condition as
 * the voice session is one speaker, utterances in order. Over the socket contract the agent's
 * answers would have to play out between requests (stopping them makes the next answer answer
 * both): minutes for what takes seconds here, with the same recognition.
 */
async function rawPcm(stt: PocketsphinxStt, recording: Recording, speaker: string): Promise<PathResult> {
  const notes: string[] = [];
  const lead = (CLIP_LEAD_MS * SAMPLE_RATE) / 1000;
  const trail = (CLIP_TRAIL_MS * SAMPLE_RATE) / 1000;
  const hypotheses: string[] = [];
  for (const u of recording.utterances) {
    const stream = stt.start({ speaker, onPartial: () => {} });
    // Cut as the offline evaluation cuts its clips (and the page's VAD would): 300 ms before, 550 ms after.
    for (const chunk of chunkPcm(recording.pcm.subarray(u.start - lead, u.end + trail), FRAME_MS)) stream.write(chunk);
    try {
      hypotheses.push((await stream.end()).trim());
    } catch (error) {
      notes.push(`"${u.item.text}" failed (counted as empty): ${error instanceof Error ? error.message : String(error)}`);
      hypotheses.push('');
    }
  }
  return { hypotheses, turns: hypotheses.map((h) => (h ? 1 : 0)), stray: [], notes };
}

// ── scoring ──

interface Scored {
  wer: number;
  /** WER of all references against all hypotheses, each joined in order: no matching needed. */
  werJoined: number;
  words: number;
  intent: number;
  missed: number;
  split: number;
  strayWords: number;
}

function score(utterances: readonly Utterance[], result: PathResult): Scored {
  const errors: WordErrors[] = utterances.map((u, i) => wordErrors(u.item.text, result.hypotheses[i]));
  // Words recognised outside every utterance are insertions.
  const strayWords = result.stray.join(' ').split(/\s+/).filter(Boolean).length;
  errors.push({ errors: strayWords, words: 0 });
  const joined = wordErrors(utterances.map((u) => u.item.text).join(' '), [...result.hypotheses, ...result.stray].join(' '));
  return {
    wer: pooledWer(errors),
    werJoined: joined.errors / joined.words,
    words: joined.words,
    intent: utterances.filter((u, i) => intentOutcome(u.item.text, result.hypotheses[i], u.item.intent).intentCorrect).length / utterances.length,
    missed: result.turns.filter((n) => n === 0).length,
    split: result.turns.filter((n) => n > 1).length,
    strayWords,
  };
}

// ── the run ──

const items = pickItems(count);
const renderer = new SpeechRenderer();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-browser-wer-'));
const { clean, recording: schedule, length } = await cleanRecording(items, renderer);
const server = await startServer();
const stt = await createEvalStt('server', { decoders: 1 });
const rows: string[] = [];
const details: string[] = [];
const rawByNoise = new Map<number | undefined, { result: PathResult; scored: Scored }>();
const loads: number[] = [];
try {
  const person = await signUp(server.url, 'Bench');
  await warmUpRecogniser(server.url, person.cookie);

  for (const condition of conditions) {
    const snr = SNR_DB[condition];
    // The same noise for a level in every condition (snr10-off hears snr10's recording).
    const recording = noisyRecording(clean, schedule, length, snr, 1000 + (snr ?? 0));
    const wav = path.join(dir, `${condition}.wav`);
    await writeFile(wav, encodeWav(recording.pcm, SAMPLE_RATE));
    const started = performance.now();
    const a = await throughChromium(server, person, recording, wav, condition !== 'snr10-off');
    loads.push(...a.loadDuring);
    const aScored = score(recording.utterances, a);
    let b = rawByNoise.get(snr);
    if (!b) {
      const result = await rawPcm(stt, recording, `bench-browser-wer|${condition}`);
      b = { result, scored: score(recording.utterances, result) };
      rawByNoise.set(snr, b);
    }
    loads.push(os.loadavg()[0]);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    rows.push(
      `| ${condition} | ${pct(aScored.wer)} (${pct(aScored.werJoined)}) | ${pct(b.scored.wer)} (${pct(b.scored.werJoined)}) | ${pct(aScored.intent)} / ${pct(b.scored.intent)} | ` +
        `${aScored.missed} / ${aScored.split} / ${aScored.strayWords} | ${b.scored.missed} / ${b.scored.split} | ${a.overAgent.filter(Boolean).length}, ${a.interrupted} | ${items.length} (${aScored.words} words) |`,
    );
    console.log(`${condition}: ${rows.at(-1)}`);
    details.push(`\n${condition} (A ${(a.seconds).toFixed(0)} s for a ${(recording.pcm.length / SAMPLE_RATE).toFixed(0)} s recording, ${((performance.now() - started) / 1000).toFixed(0)} s in all): ${a.track}; ${a.lag}`, `  ${a.levels}`);
    for (const note of [...a.notes.map((n) => `A: ${n}`), ...b.result.notes.map((n) => `B: ${n}`)]) details.push(`  note: ${note}`);
    if (a.stray.length) details.push(`  A, outside every utterance: ${a.stray.map((s) => `"${s}"`).join(', ')}`);
    for (const [i, u] of recording.utterances.entries()) {
      const ha = a.hypotheses[i];
      const hb = b.result.hypotheses[i];
      const ea = wordErrors(u.item.text, ha).errors;
      const eb = wordErrors(u.item.text, hb).errors;
      const over = a.overAgent[i] ? ' (A: spoken while the agent was audible)' : '';
      if (ea || eb || over) details.push(`  ${u.item.text}${over}  →  A${a.turns[i] > 1 ? `(${a.turns[i]} turns)` : ''} "${ha}" [${ea}]  B "${hb}" [${eb}]`);
    }
  }
} finally {
  await server.stop();
  await stt.close();
  await renderer.close();
  await closeSpeechEngines();
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log(`\nRecognition through Chromium (WebRTC, browser processing on unless -off) vs raw PCM (the server's recogniser configuration, in process), ${VOICE.id}, ${items.length} in-domain test-split requests per condition`);
console.log('WER matched by time per utterance (in brackets: all references against all hypotheses joined); intent accuracy A / B');
console.log('\n| condition | WER A: Chromium | WER B: raw PCM | intent A / B | A missed / split / stray words | B missed / split | A spoken over the agent, answers interrupted | n |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
for (const line of details) console.log(line);
console.log(`\nload average (1 min) during the run: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}; at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min), ${os.cpus().length} cores`);
