/**
 * Endpointing that does not make people wait: once the words recognised so far are a request
 * the agent understands, ENDPOINT_COMPLETE_SILENCE_MS (200 ms) of silence ends the utterance.
 * Real speech through the real VAD and endpointer; the built-in agent judges the partials.
 */
import { afterAll, expect, it } from 'vitest';
import { concatPcm, rmsDbfs } from '../../lib/audio/pcm';
import { createBuiltinAgent } from '../providers/agent/builtin';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { quiet } from '../testing/test-sounds';
import { ServerVadFeed } from '../testing/vad-feed';
import { VoiceHarness } from '../testing/voice-harness';

afterAll(() => closeSpeechEngines());

const builtin = createBuiltinAgent();

/** `text` said after 400 ms of room noise, then 1.5 s of it; the recogniser's partials say `partial`. */
export async function endOf(text: string, partial: string, endpointing = {}) {
  const h = new VoiceHarness();
  h.stt.partialText = () => partial;
  const feed = await ServerVadFeed.create((input) => h.input(input), { isCompleteRequest: (t) => builtin.isCompleteRequest!(t), endpointing });
  h.onMessage(feed.observe);
  const said = await synthesizeSpeech(text, { noiseDbfs: -Infinity });
  const frames = chunkPcm(said).map(rmsDbfs);
  const peak = Math.max(...frames);
  const trueEndFrame = 20 + frames.length - 1 - [...frames].reverse().findIndex((db) => db > peak - 35);
  feed.push(concatPcm([quiet(400), said, quiet(1500)].map((pcm, i) => (i === 1 ? mixFloor(pcm) : pcm))));
  const ends = feed.events.filter((e) => e.type === 'end');
  const lastSpeech = feed.probabilities.findLastIndex((p) => p >= 0.35);
  feed.close();
  return { h, feed, ends, lastSpeech, trueEndFrame };
}

function mixFloor(pcm: Int16Array): Int16Array {
  const floor = quiet(pcm.length / 16, -60, 5);
  return pcm.map((x, i) => x + floor[i]);
}

it('ends "what time is it" 200 ms after the speech stops', async () => {
  const { h, ends, lastSpeech, trueEndFrame } = await endOf('what time is it', 'what time is it');
  expect(ends).toHaveLength(1);
  expect((ends[0].frame - lastSpeech) * 20).toBe(200);
  // From the true end of the words: the short silence plus the VAD's own hang-over (docs/vad.md).
  expect((ends[0].frame - trueEndFrame) * 20).toBeLessThanOrEqual(200 + 160);
  expect((await h.waitFor('transcript.final')).text).toBe('hello there');
  await h.session.close();
});

it('ends a complete sum as soon, and the silence is configurable', async () => {
  const { ends, lastSpeech } = await endOf('what is nine times seven', 'what is nine times seven', { completeSilenceMs: 300 });
  expect(ends).toHaveLength(1);
  expect((ends[0].frame - lastSpeech) * 20).toBe(300);
});
