/**
 * Endpointing that does not cut people off: words that end mid-phrase ("what is nine times",
 * "and the"), or nothing recognised yet, wait ENDPOINT_INCOMPLETE_SILENCE_MS (700 ms) of
 * silence; the rest of the request said within it stays one utterance.
 */
import { afterAll, expect, it } from 'vitest';
import { concatPcm } from '../../lib/audio/pcm';
import { createBuiltinAgent } from '../providers/agent/builtin';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { quiet } from '../testing/test-sounds';
import { ServerVadFeed } from '../testing/vad-feed';
import { VoiceHarness } from '../testing/voice-harness';
import { looksCompleteRequest } from './request-completeness';

afterAll(() => closeSpeechEngines());

const builtin = createBuiltinAgent();

async function feedFor(partial: (samples: number) => string, isCompleteRequest: (text: string) => boolean) {
  const h = new VoiceHarness();
  h.stt.partialText = partial;
  const feed = await ServerVadFeed.create((input) => h.input(input), { isCompleteRequest });
  h.onMessage(feed.observe);
  return { h, feed };
}

const speech = (text: string) => synthesizeSpeech(text, { noiseDbfs: -60 });

it.each([
  ['what is nine times', 'the built-in agent', (t: string) => builtin.isCompleteRequest!(t)],
  ['and the', 'the general rule for LLM agents', looksCompleteRequest],
  ['', 'nothing recognised yet', looksCompleteRequest],
])('waits 700 ms after %j (%s)', async (partial, _who, judge) => {
  const { h, feed } = await feedFor(() => partial, judge);
  feed.push(concatPcm([quiet(400), await speech('what is nine times'), quiet(1500)]));
  const ends = feed.events.filter((e) => e.type === 'end');
  expect(ends).toHaveLength(1);
  expect((ends[0].frame - feed.probabilities.findLastIndex((p) => p >= 0.35)) * 20).toBe(700);
  feed.close();
  await h.session.close();
});

it('keeps "what is nine times … seven" one utterance across a pause of ~0.45 s, then ends it quickly', async () => {
  const first = await speech('what is nine times');
  // The recogniser has the first words until some of "seven" has arrived, then all of them.
  const { h, feed } = await feedFor((samples) => (samples > first.length + 500 * 16 ? 'what is nine times seven' : 'what is nine times'), (t) => builtin.isCompleteRequest!(t));
  // Flite pads each clip with ~170 ms of silence at either end: the pause is ~100 + 340 ms.
  feed.push(concatPcm([quiet(400), first, quiet(100), await speech('seven'), quiet(1500)]));
  const silent = feed.probabilities.map((p) => p < 0.35);
  const pause = silent.slice(40).indexOf(false, silent.slice(40).indexOf(true)) - silent.slice(40).indexOf(true);
  expect(pause * 20).toBeGreaterThan(350);
  expect(feed.events.map((e) => e.type)).toEqual(['start', 'end']);
  const end = feed.events[1];
  expect((end.frame - feed.probabilities.findLastIndex((p) => p >= 0.35)) * 20).toBe(200);
  expect(h.stt.recognitions).toHaveLength(1);
  feed.close();
  await h.session.close();
});
