/**
 * The barge-in minimum's echo gate: the agent's own voice coming back through the person's
 * microphone 20 dB down (no echo cancellation) is speech to any VAD, but it is not the person.
 * Real Flite speech, fed back as it is sent, through the real VAD and endpointer.
 */
import { afterAll, expect, it } from 'vitest';
import { createFliteTts } from '../providers/tts/flite';
import { closeSpeechEngines } from '../testing/test-speech';
import { attenuate, quiet } from '../testing/test-sounds';
import { ServerVadFeed } from '../testing/vad-feed';
import { VoiceHarness } from '../testing/voice-harness';
import type { BargeInRules } from './barge-in-guard';

const voice = createFliteTts({ voice: 'slt', workers: 1 });
afterAll(async () => {
  await voice.close();
  await closeSpeechEngines();
});

async function replyWithEcho(bargeIn: Partial<BargeInRules> = {}) {
  let feed: ServerVadFeed | null = null;
  const room = quiet(20, -60, 9);
  const h = new VoiceHarness({
    voice,
    bargeIn,
    // The person's microphone: the agent 20 dB down, over a faint room noise.
    onAgentFrame: (frame) => feed?.push(attenuate(frame, -20).map((x, i) => x + room[i])),
  });
  h.agent.sentences = ['Here is a longer answer, so that its own voice comes back for a while.', 'The time in Tokyo is half past four.'];
  feed = await ServerVadFeed.create((input) => h.input(input));
  h.onMessage(feed.observe);
  h.say();
  const first = await h.waitFor('agent.audio.chunk');
  const end = await h.waitFor('agent.audio.end', (e) => e.utteranceId === first.utteranceId);
  return { h, feed, end };
}

it('does not interrupt the agent, though the VAD hears its voice; what it heard resolves as no turn', async () => {
  const { h, feed, end } = await replyWithEcho();
  expect(end.reason).toBe('completed');
  expect(h.of('agent.interrupt')).toEqual([]);
  const heard = feed.events.filter((e) => e.type === 'start').map((e) => e.utteranceId);
  expect(heard.length).toBeGreaterThan(0); // the VAD did take the echo for speech: the guard kept the floor
  feed.push(quiet(1000)); // the room after the agent: any utterance still open ends
  for (const id of heard) expect((await h.waitFor('transcript.final', (f) => f.utteranceId === id)).text).toBe('');
  await h.session.close();
  expect(h.stored.map((t) => [t.role, t.interrupted ?? false])).toEqual([
    ['user', false],
    ['agent', false],
  ]);
  feed.close();
});

it('would interrupt without the echo gate (the test can tell)', async () => {
  const { h, feed, end } = await replyWithEcho({ echoMarginDb: 40 });
  expect(end.reason).toBe('interrupted');
  expect(h.of('agent.interrupt').map((i) => i.reason)).toEqual(['barge-in']);
  feed.close();
});
