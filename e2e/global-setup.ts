/** Synthesises the fake microphone recordings before any browser starts. */
import fs from 'node:fs';
import path from 'node:path';
import { closeSpeechEngines, writeSpeechWav } from '../server/testing/test-speech';
import { FAKE_MIC_DIR } from './chromium';

export const FAKE_MIC_TEXT = { question: 'what is twelve times seven' } as const;

export default async function globalSetup() {
  fs.mkdirSync(FAKE_MIC_DIR, { recursive: true });
  await writeSpeechWav(path.join(FAKE_MIC_DIR, 'question.wav'), FAKE_MIC_TEXT.question, { leadingSilenceMs: 2000, trailingSilenceMs: 2500 });
  await closeSpeechEngines();
}
