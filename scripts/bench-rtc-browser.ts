/**
 * Voice-to-voice in Debian Chromium, as a person meets it, over WebRTC and over the socket
 * path: a fake-microphone WAV asks N questions (one conversation, one connection per path);
 * for each, from the last voiced 20 ms of the question as the page's microphone worklet saw
 * it to the first audible 20 ms of the agent as the page plays it (its level meter on the
 * remote track, or on the socket playback). Both ends are measured in the page, on one clock,
 * by the same kind of meter; the capture path before the page (~10–20 ms) is not included.
 * Not a test: figures, not pass/fail. Needs the production build (npm run build).
 *   npx tsx scripts/bench-rtc-browser.ts [questions=6] [transports=webrtc,socket]
 */
import { chromium } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LevelLogEntry, PlaybackLogEntry } from '../app/(app)/talk/voice-client';
import { concatPcm } from '../lib/audio/pcm';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/chromium';
import { encodeWav } from '../server/providers/tts/flite/wav';
import { startServer } from '../server/testing/server-process';
import { closeSpeechEngines, SPEECH_SAMPLE_RATE, synthesizeSpeech } from '../server/testing/test-speech';
import { signUp } from '../server/testing/users';
import { warmUpRecogniser } from '../server/testing/warm-up';

const count = Number(process.argv[2] ?? 6);
const transports = (process.argv[3] ?? 'webrtc,socket').split(',') as ('webrtc' | 'socket')[];
const QUESTIONS = ['what is nine times six', 'what time is it', 'what is twelve times seven', 'tell me the date today', 'hello there', 'what is two plus two', 'what is my name', 'what is three times four'];
/** Before the first question: the fake microphone starts at getUserMedia, WebRTC takes 1–3 s to connect. */
const LEAD_MS = 6000;
/** After each question: its answer (≤ ~3 s) is over before the next one. */
const GAP_MS = 8000;
/** A 20 ms frame of the question counts as voiced above this; pauses shorter than MERGE_MS are inside it. */
const VOICED_DBFS = -45;
const MERGE_MS = 500;
/** The agent's playback counts as audible above this (the page's own threshold, levels.ts). */
const AUDIBLE_DBFS = -60;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Voiced stretches of the microphone, on the page clock: [start, end of the last voiced frame]. */
function voicedSegments(levels: LevelLogEntry[]): { start: number; end: number }[] {
  const segments: { start: number; end: number }[] = [];
  for (const l of levels) {
    if (l.source !== 'mic' || l.dbfs <= VOICED_DBFS) continue;
    const last = segments.at(-1);
    if (last && l.at - last.end < MERGE_MS) last.end = l.at;
    else segments.push({ start: l.at - 20, end: l.at });
  }
  // A click or one loud frame is no question.
  return segments.filter((s) => s.end - s.start >= 200);
}

const questions = Array.from({ length: count }, (_, i) => QUESTIONS[i % QUESTIONS.length]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-rtc-'));
const wav = path.join(dir, 'questions.wav');
const parts: Int16Array[] = [];
for (const [i, q] of questions.entries()) parts.push(await synthesizeSpeech(q, { leadingSilenceMs: i === 0 ? LEAD_MS : 0, trailingSilenceMs: GAP_MS, seed: i + 1 }));
await writeFile(wav, encodeWav(concatPcm(parts), SPEECH_SAMPLE_RATE));
const wavMs = parts.reduce((n, p) => n + p.length, 0) / 16;

const server = await startServer();
const results: Record<string, Record<string, number[]>> = {};
const notes: string[] = [];
try {
  const person = await signUp(server.url, 'Bench');
  await warmUpRecogniser(server.url, person.cookie);

  for (const transport of transports) {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}%noloop`] });
    try {
      const context = await browser.newContext();
      const [name, value] = person.cookie.split('=');
      await context.addCookies([{ name, value, url: server.url }]);
      const page = await context.newPage();
      await page.addInitScript(() => {
        window.__parleyPlaybackLog = [];
        window.__parleyLevelLog = [];
      });
      await page.goto(`${server.url}/talk?transport=${transport}`);
      await page.getByLabel('Echo cancellation').uncheck();
      const clicked = await page.evaluate(() => performance.now());
      await page.getByRole('button', { name: 'Start talking' }).click();
      const badge = page.getByTestId('transport');
      await badge.and(page.locator('[data-phase="connected"], [data-phase="chosen"], [data-phase="fallback"]')).waitFor({ timeout: 20_000 });
      const phase = await badge.getAttribute('data-phase');
      if (transport === 'webrtc' && phase !== 'connected') {
        notes.push(`webrtc: did not connect (${await badge.innerText()}); skipped`);
        continue;
      }
      // Every question answered (or the WAV long over), the last answer played out, then the logs.
      const answers = page.getByRole('list', { name: 'Conversation' }).locator('li[data-role="agent"][data-final="true"]');
      await answers.nth(questions.length - 1).waitFor({ timeout: wavMs + 30_000 }).catch(() => notes.push(`${transport}: not every question was answered`));
      await page.getByTestId('agent-state').and(page.locator('[data-state="listening"]')).waitFor({ timeout: 30_000 }).catch(() => {});
      const { levels, log } = await page.evaluate(() => ({ levels: window.__parleyLevelLog ?? [], log: window.__parleyPlaybackLog ?? [] }));
      const rows: Record<string, number[]> = { 'voice-to-voice (last voiced → first audible agent)': [], 'last voiced → transcript.final received': [], 'transcript.final → first agent.text': [], 'first agent.text → first audible': [] };
      if (transport === 'socket') rows['last voiced → user.audio.end sent (page VAD)'] = [];
      if (transport === 'webrtc') {
        const connected = log.find((e: PlaybackLogEntry) => e.event === 'transport' && e.transport.kind === 'webrtc' && e.transport.phase === 'connected');
        if (connected) rows['Start click → WebRTC connected'] = [connected.at - clicked];
      }
      const segments = voicedSegments(levels);
      if (segments.length !== questions.length) notes.push(`${transport}: ${segments.length} voiced stretches seen for ${questions.length} questions`);
      for (const [i, segment] of segments.entries()) {
        const until = segments[i + 1]?.start ?? Infinity;
        const first = levels.find((l) => l.source === 'agent' && l.at > segment.end && l.at < until && l.dbfs > AUDIBLE_DBFS);
        const final = log.find((e) => e.event === 'received' && e.type === 'transcript.final' && e.at > segment.end && e.at < until && e.text);
        const text = log.find((e) => e.event === 'received' && e.type === 'agent.text' && e.at > segment.end && e.at < until);
        const end = log.find((e) => e.event === 'sent' && e.type === 'user.audio.end' && e.at > segment.start && e.at < until);
        if (!first) {
          notes.push(`${transport}: no agent audio after question ${i + 1}`);
          continue;
        }
        rows['voice-to-voice (last voiced → first audible agent)'].push(first.at - segment.end);
        if (final) rows['last voiced → transcript.final received'].push(final.at - segment.end);
        if (final && text) rows['transcript.final → first agent.text'].push(text.at - final.at);
        if (text) rows['first agent.text → first audible'].push(first.at - text.at);
        if (end && rows['last voiced → user.audio.end sent (page VAD)']) rows['last voiced → user.audio.end sent (page VAD)'].push(end.at - segment.end);
      }
      results[transport] = rows;
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.stop();
  await closeSpeechEngines();
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log(`\nParley in Chromium: ${count} questions per path, one conversation each (page clock, ms)\n`);
console.log('path    stage'.padEnd(62) + 'median'.padStart(9) + 'p95'.padStart(9) + 'n'.padStart(4) + '   values');
for (const [transport, rows] of Object.entries(results)) {
  for (const [name, values] of Object.entries(rows)) {
    if (!values.length) continue;
    console.log(`${transport.padEnd(8)}${name}`.padEnd(62) + quantile(values, 0.5).toFixed(0).padStart(9) + quantile(values, 0.95).toFixed(0).padStart(9) + String(values.length).padStart(4) + '   ' + values.map((v) => v.toFixed(0)).join(' '));
  }
}
for (const note of notes) console.log(`note: ${note}`);
console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min), ${os.cpus().length} cores`);
