/**
 * A new speaker's first utterance never waits for a recogniser to load (issue 12): the pool
 * keeps a warm decoder for every speaker it expects (the open sessions) and for the recent peak
 * of streams at once, plus spares, and lets a burst's surplus go one decoder at a time.
 * Real decoder processes; the pool's own count of streams that waited for a load is the witness.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../../../testing/test-speech';
import { createPocketsphinxStt, type PocketsphinxStt } from './index';

let speech: Int16Array;
const made: PocketsphinxStt[] = [];
const create = (options: Parameters<typeof createPocketsphinxStt>[0]) => {
  // Warmth is the question here, not hang detection: a decoder starved of CPU on a loaded
  // machine must not be replaced as hung (its replacement would be a load, and a wait).
  const stt = createPocketsphinxStt({ endTimeoutMs: 120_000, ...options });
  made.push(stt);
  return stt;
};

beforeAll(async () => {
  speech = await synthesizeSpeech('what time is it', { leadingSilenceMs: 100, trailingSilenceMs: 100 });
});
afterAll(async () => {
  await Promise.all(made.map((stt) => stt.close()));
  await closeSpeechEngines();
});

/** `count` utterances recognised at once; resolves with their transcripts. */
async function speakAtOnce(stt: PocketsphinxStt, count: number): Promise<string[]> {
  const streams = Array.from({ length: count }, (_, i) => stt.start({ onPartial: () => {}, speaker: `s${i}` }));
  for (const frame of chunkPcm(speech, 20)) for (const stream of streams) stream.write(frame);
  return Promise.all(streams.map((stream) => stream.end()));
}

it('warms a decoder for each expected speaker, so their first utterances at once wait for none', async () => {
  const stt = create({ poolSize: 1, maxDecoders: 6 });
  await stt.ready();
  stt.expectSpeakers(4);
  await stt.warm();
  expect(stt.stats()).toMatchObject({ idle: 5, loading: 0, expected: 4 });
  const texts = await speakAtOnce(stt, 4);
  expect(texts.every((text) => text.includes('time'))).toBe(true);
  expect(stt.stats().waitedForLoad).toBe(0);
});

it('never warms more than maxDecoders, however many speakers are expected', async () => {
  const stt = create({ poolSize: 1, maxDecoders: 3 });
  await stt.ready();
  stt.expectSpeakers(10);
  await stt.warm();
  expect(stt.stats().idle).toBe(3);
});

it('keeps the peak warm after a burst: the next burst waits for no load', async () => {
  const stt = create({ poolSize: 1, maxDecoders: 6, idleTrimMs: 60_000 });
  await stt.ready();
  await speakAtOnce(stt, 3); // unexpected: two of the three wait for a decoder to load
  const waitedInFirstBurst = stt.stats().waitedForLoad;
  expect(waitedInFirstBurst).toBe(2);
  await stt.warm();
  await speakAtOnce(stt, 3);
  expect(stt.stats().waitedForLoad).toBe(waitedInFirstBurst);
});

it('lets a burst go one decoder at a time once idle, down to the spares', async () => {
  const stt = create({ poolSize: 1, maxDecoders: 6, idleTrimMs: 250 });
  await stt.ready();
  stt.expectSpeakers(3);
  await stt.warm();
  expect(stt.stats().idle).toBe(4);
  stt.expectSpeakers(0); // everyone left
  const seen: number[] = [4];
  await vi.waitFor(
    () => {
      const { idle } = stt.stats();
      if (idle !== seen.at(-1)) seen.push(idle);
      expect(idle).toBe(1);
    },
    { timeout: 20_000, interval: 10 },
  );
  expect(seen).toEqual([4, 3, 2, 1]);
});
