/**
 * The barge-in minimum: a cough, a knock, a door while the agent speaks is not the person
 * taking the floor. Real sounds through the real VAD and endpointer (the WebRTC bridge's path).
 */
import { afterAll, expect, it } from 'vitest';
import { concatPcm } from '../../lib/audio/pcm';
import { closeSpeechEngines } from '../testing/test-speech';
import { cough, pinkNoise, quiet } from '../testing/test-sounds';
import { ServerVadFeed } from '../testing/vad-feed';
import { VoiceHarness } from '../testing/voice-harness';

afterAll(() => closeSpeechEngines());

const LONG_REPLY = ['A long reply that goes on for a while.', 'It has a second sentence too.', 'And a third, so that it is still speaking.'];

async function agentSpeaking(kind: 'silero' | 'webrtc') {
  const h = new VoiceHarness();
  h.agent.sentences = LONG_REPLY;
  h.tts.msPerChar = 30;
  const feed = await ServerVadFeed.create((input) => h.input(input), { vad: { kind } });
  h.onMessage(feed.observe);
  h.say();
  const first = await h.waitFor('agent.audio.chunk');
  return { h, feed, reply: first.utteranceId };
}

it('coughs while the agent speaks do not interrupt it (the default VAD does not even open an utterance)', async () => {
  const { h, feed, reply } = await agentSpeaking('silero');
  feed.push(concatPcm([quiet(300), cough(250, -15, 1), quiet(500), cough(350, -10, 2), quiet(400), cough(300, -20, 3), quiet(1000)]));
  const end = await h.waitFor('agent.audio.end', (e) => e.utteranceId === reply);
  expect(end.reason).toBe('completed');
  expect(h.of('agent.interrupt')).toEqual([]);
  expect(feed.events).toEqual([]);
  await h.session.close();
  expect(h.stored.map((t) => t.role)).toEqual(['user', 'agent']);
  feed.close();
});

it('a knock the VAD takes for speech is not a turn: an empty final for it, and the agent goes on', async () => {
  // The WebRTC VAD opens an utterance on any loud burst: the guard is what keeps the floor.
  const { h, feed, reply } = await agentSpeaking('webrtc');
  feed.push(concatPcm([quiet(300), pinkNoise(90, -15, 4), quiet(1200)]));
  expect(feed.events.map((e) => e.type)).toEqual(['start', 'end']);
  const knock = feed.events[0].utteranceId;
  expect(await h.waitFor('transcript.final', (f) => f.utteranceId === knock)).toEqual({ type: 'transcript.final', utteranceId: knock, text: '' });
  expect(h.stt.recognitions[1].aborted).toBe(true); // it was being recognised, in case it was the person
  const end = await h.waitFor('agent.audio.end', (e) => e.utteranceId === reply);
  expect(end.reason).toBe('completed');
  expect(h.of('agent.interrupt')).toEqual([]);
  await h.session.close();
  expect(h.stored.map((t) => t.role)).toEqual(['user', 'agent']);
  feed.close();
});
