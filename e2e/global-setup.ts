/** Synthesises the fake microphone recordings before any browser starts. */
import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { concatPcm } from '../lib/audio/pcm';
import { encodeWav } from '../server/providers/tts/flite/wav';
import { closeSpeechEngines, SPEECH_SAMPLE_RATE, synthesizeSpeech, writeSpeechWav } from '../server/testing/test-speech';
import { FAKE_MIC_DIR } from './chromium';

export const FAKE_MIC_TEXT = {
  question: 'what is twelve times seven',
  /** A question with a long answer (about 8.7 s of speech), then one spoken over that answer. */
  bargeIn: { question: 'what can you do', overTheAnswer: 'what is two plus two' },
  /** Over WebRTC (webrtc-*.spec.ts). */
  webrtcQuestion: 'what is nine times six',
  webrtcBargeIn: { question: 'what can you do', overTheAnswer: 'what is nine times six' },
} as const;

/**
 * Silence before the first words over WebRTC: the fake microphone starts at getUserMedia, and
 * the peer connection takes 1–2.6 s (field notes) plus a loaded machine's share to come up.
 */
export const WEBRTC_LEAD_MS = 5000;

/**
 * Silence between the end of the barge-in question and the one spoken over its answer. The
 * answer starts about 0.6 s (end of speech detection) plus the server's reply latency after
 * the question, and lasts about 8.7 s (its audio is sent until ~0.25 s before its end): the
 * second question falls inside it, while it is still being sent, for reply latencies from 0 to
 * ~7.3 s. Measured on a loaded 2-core machine: 0.8–3.6 s after a warm-up utterance, up to
 * 6.9 s without one.
 */
export const BARGE_IN_GAP_MS = 8000;

export default async function globalSetup() {
  fs.mkdirSync(FAKE_MIC_DIR, { recursive: true });
  await writeSpeechWav(path.join(FAKE_MIC_DIR, 'question.wav'), FAKE_MIC_TEXT.question, { leadingSilenceMs: 2000, trailingSilenceMs: 2500 });
  const { question, overTheAnswer } = FAKE_MIC_TEXT.bargeIn;
  const bargeIn = concatPcm([
    await synthesizeSpeech(question, { leadingSilenceMs: 2000, trailingSilenceMs: BARGE_IN_GAP_MS, seed: 1 }),
    await synthesizeSpeech(overTheAnswer, { trailingSilenceMs: 4000, seed: 2 }),
  ]);
  await writeFile(path.join(FAKE_MIC_DIR, 'barge-in.wav'), encodeWav(bargeIn, SPEECH_SAMPLE_RATE));
  await writeSpeechWav(path.join(FAKE_MIC_DIR, 'webrtc-question.wav'), FAKE_MIC_TEXT.webrtcQuestion, { leadingSilenceMs: WEBRTC_LEAD_MS, trailingSilenceMs: 3000 });
  // Only the first question: webrtc-barge-in.spec.ts speaks the second one into the peer
  // connection once the answer is heard (a loaded server's reply latency varies too much for a fixed gap).
  await writeSpeechWav(path.join(FAKE_MIC_DIR, 'webrtc-barge-in.wav'), FAKE_MIC_TEXT.webrtcBargeIn.question, { leadingSilenceMs: WEBRTC_LEAD_MS, trailingSilenceMs: 1000, seed: 3 });
  await closeSpeechEngines();
}
