/**
 * Picks the barge-in minimum by measurement: the real session (scripted agent speaking a tone
 * at a fixed level) with the server VAD's path in front of it (server/testing/vad-feed.ts),
 * for each VAD and each BARGE_IN_MIN_SPEECH_MS:
 *  - speech onset → the agent's last audio frame sent (the interrupt), for real speech over the
 *    agent (7 voices × sentences, clean and at 10 dB SNR pink noise);
 *  - false barge-ins per minute: coughs, music-like chords, pink noise, and the agent's own
 *    voice leaking back 20 dB below its output level.
 * Frames are pushed as fast as they are processed: latencies are in stream time (20 ms a
 * frame) plus the measured processing time of the interrupt path.
 * Not a test: figures for docs/vad.md.   npx tsx scripts/measure-barge-in.ts [--quick]
 */
import { concatPcm, rmsDbfs } from '../lib/audio/pcm';
import type { VadKind } from '../server/audio/vad';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { attenuate, chords, cough, espeakSpeech, mixPcm, onsetMs, pinkNoise, quiet } from '../server/testing/test-sounds';
import { ServerVadFeed } from '../server/testing/vad-feed';
import { VoiceHarness } from '../server/testing/voice-harness';

const quick = process.argv.includes('--quick');
const MINIMA = process.argv.includes('--slow') ? [120] : [60, 120, 160, 240];
const KINDS: VadKind[] = ['silero', 'webrtc'];
const AGENT_DBFS = 20 * Math.log10(3000 / Math.SQRT2 / 32768); // the ToneTts level
const SENTENCES = quick ? ['what is nine times seven', 'stop'] : ['what is nine times seven', 'stop', 'hello there', 'wait a moment', 'no, tell me the time', 'set a timer for ten minutes'];

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const fmt = (x: number, d = 0) => (Number.isNaN(x) ? '–' : x.toFixed(d));

async function speakingSession(kind: VadKind, minSpeechMs: number) {
  const h = new VoiceHarness({ bargeIn: { minSpeechMs } });
  h.agent.sentences = ['A reply long enough to be talked over, and then some more words after that, and more.'];
  h.tts.msPerChar = 200; // it outlasts any clip fed below
  const feed = await ServerVadFeed.create((input) => h.input(input), { vad: { kind } });
  h.onMessage(feed.observe);
  h.say();
  await h.waitFor('agent.audio.chunk');
  await h.waitFor('agent.audio.chunk', () => true, h.messages.length);
  return { h, feed };
}

/** Pushes `pcm` frame by frame; the frame at which the agent was interrupted (or -1), and the ms it took to process that frame. */
function feedUntilInterrupt(h: VoiceHarness, feed: ServerVadFeed, pcm: Int16Array): { frame: number; processMs: number; interrupts: number } {
  let frame = -1;
  let processMs = 0;
  for (const [i, f] of chunkPcm(pcm).entries()) {
    const t = performance.now();
    feed.push(f);
    const took = performance.now() - t;
    if (frame < 0 && h.of('agent.interrupt').length > 0) {
      frame = i;
      processMs = took;
    }
  }
  return { frame, processMs, interrupts: h.of('agent.interrupt').length };
}

const speech: Array<{ pcm: Int16Array; onsetMs: number; voicedMs: number; label: string }> = [];
const LEAD = 500;
for (const [i, text] of SENTENCES.entries()) {
  const voices = [
    ...(['kal16', 'slt', 'rms', 'awb'] as const).map((voice) => [`flite ${voice}`, () => synthesizeSpeech(text, { voice, noiseDbfs: -Infinity })] as const),
    ...['en-us', 'en-gb', 'en-us+f3'].map((voice) => [`espeak ${voice}`, () => espeakSpeech(text, voice)] as const),
  ];
  for (const [who, make] of voices) {
    const clean = await make();
    const padded = concatPcm([new Int16Array(LEAD * 16), clean, new Int16Array(16000)]);
    const onset = LEAD + onsetMs(clean);
    const voiced = LEAD + onsetMs(clean, 20);
    speech.push({ pcm: mixPcm(padded, quiet(padded.length / 16, -60, i)), onsetMs: onset, voicedMs: voiced, label: `${who} "${text}"` });
    speech.push({ pcm: mixPcm(padded, pinkNoise(padded.length / 16, rmsDbfs(clean) - 10, i + 50)), onsetMs: onset, voicedMs: voiced, label: `${who} "${text}" in noise` });
  }
}

const minutes = quick ? 0.25 : 1;
const agentVoice = await synthesizeSpeech('Here is a longer answer, spoken by the agent, so that its own voice comes back through the microphone. It is nine hundred kilometres from here, and the road is slow in winter.', { voice: 'slt', noiseDbfs: -Infinity });
const echoClip = (() => {
  const parts: Int16Array[] = [];
  for (let total = 0; total < minutes * 60_000 * 16; total += agentVoice.length) parts.push(agentVoice);
  const joined = concatPcm(parts).subarray(0, minutes * 60_000 * 16);
  // The agent's voice at 20 dB below the level the session measures for its output.
  return attenuate(joined, AGENT_DBFS - 20 - rmsDbfs(agentVoice));
})();
const coughs = (() => {
  const count = Math.round(minutes * 40);
  const out = new Int16Array(count * 1500 * 16);
  for (let k = 0; k < count; k++) out.set(cough(200 + (k % 5) * 50, -20 + (k % 3) * 5, k + 1), (k * 1500 + 500) * 16);
  return mixPcm(out, quiet(out.length / 16, -60, 7));
})();
const noises = [
  { label: 'coughs (40/min, 200-400 ms, -20..-10 dBFS)', pcm: coughs },
  { label: 'chords -25 dBFS', pcm: chords(minutes * 60_000, -25, 14) },
  { label: 'pink noise -30 dBFS', pcm: pinkNoise(minutes * 60_000, -30, 12) },
  { label: 'agent voice 20 dB below its output', pcm: mixPcm(echoClip, quiet(echoClip.length / 16, -60, 3)) },
];

console.log(`Barge-in measurement: ${speech.length} speech clips over the agent, ${minutes} min of each noise; agent output ${fmt(AGENT_DBFS, 1)} dBFS; ${new Date().toISOString()}`);
for (const kind of KINDS) {
  for (const minSpeechMs of MINIMA) {
    const latencies: number[] = [];
    const fromVoiced: number[] = [];
    const processing: number[] = [];
    let missed = 0;
    let early = 0;
    const slow: string[] = [];
    for (const clip of speech) {
      const { h, feed } = await speakingSession(kind, minSpeechMs);
      const { frame, processMs } = feedUntilInterrupt(h, feed, clip.pcm);
      if (frame < 0) missed++;
      else {
        const latency = (frame + 1) * 20 - clip.onsetMs + processMs;
        if (latency < 0) early++;
        if (latency > 200) slow.push(`${clip.label} ${fmt(latency)}`);
        latencies.push(latency);
        fromVoiced.push((frame + 1) * 20 - clip.voicedMs + processMs);
        processing.push(processMs);
      }
      feed.close();
      await h.session.close();
    }
    const falses = [];
    for (const noise of noises) {
      const { h, feed } = await speakingSession(kind, minSpeechMs);
      // The agent must outlast the noise: a new session per interruption would be closer, but
      // one interruption per noise is what matters: count utterances that met the minimum.
      let count = 0;
      for (const f of chunkPcm(noise.pcm)) {
        const before = h.of('agent.interrupt').length;
        feed.push(f);
        if (h.of('agent.interrupt').length > before) {
          count++;
          feed.close();
          break;
        }
      }
      // Utterances the guard refused: starts without an interrupt.
      const starts = feed.events.filter((e) => e.type === 'start').length;
      falses.push(`${noise.label}: ${count ? `interrupted after ${fmt(feed.frames * 20 / 1000, 1)} s` : 'never interrupted'} (${starts} utterance${starts === 1 ? '' : 's'} opened)`);
      feed.close();
      await h.session.close();
    }
    console.log(
      `## ${kind}, BARGE_IN_MIN_SPEECH_MS=${minSpeechMs}\n` +
        `speech onset → last agent frame ms: median ${fmt(quantile(latencies, 0.5))}, p95 ${fmt(quantile(latencies, 0.95))}, max ${fmt(Math.max(...latencies))}; from the first vowel: median ${fmt(quantile(fromVoiced, 0.5))}, p95 ${fmt(quantile(fromVoiced, 0.95))}; missed ${missed}/${speech.length}; before the onset ${early}; interrupt path ${fmt(quantile(processing, 0.5), 2)} ms median\n` +
        falses.map((f) => `  ${f}`).join('\n') +
        (process.argv.includes('--slow') ? `\n  over 200 ms: ${slow.join('; ')}` : ''),
    );
  }
}
await closeSpeechEngines();
