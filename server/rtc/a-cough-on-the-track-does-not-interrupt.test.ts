/**
 * The barge-in minimum over WebRTC: a cough-length noise burst on the caller's track while the
 * agent speaks on it does not interrupt the agent. A real werift peer on loopback, Opus both
 * ways, the real bridge, VAD, endpointer and session.
 */
import { afterAll, expect, it } from 'vitest';
import { concatPcm } from '../../lib/audio/pcm';
import { connectedSession } from '../testing/rtc-session';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { cough, pinkNoise, quiet } from '../testing/test-sounds';
import { VoiceHarness } from '../testing/voice-harness';

afterAll(() => closeSpeechEngines());

async function agentSpeakingOnTheTrack(vad: 'silero' | 'webrtc', minSpeechMs?: number) {
  const h = new VoiceHarness({ bargeIn: minSpeechMs === undefined ? {} : { minSpeechMs } });
  h.agent.sentences = ['A long reply that goes on for a while.', 'It has a second sentence too, and a third part.'];
  h.tts.msPerChar = 60;
  const call = await connectedSession(h, { vad });
  h.say();
  await call.client.until(() => call.client.received.length > 5, 10_000, 'agent packets on the track');
  expect(h.of('agent.audio.chunk')).toEqual([]); // its audio goes on the track, not the socket
  return { h, call, reply: 'agent-1' };
}

it('a cough and a noise burst on the track do not interrupt the agent; the person speaking after them does', async () => {
  const { h, call, reply } = await agentSpeakingOnTheTrack('silero');
  const noises = concatPcm([quiet(200), cough(300, -12, 1), quiet(400), pinkNoise(250, -15, 2), quiet(300)]);
  const speech = await synthesizeSpeech('stop please', { noiseDbfs: -60 });
  let interruptedAtFrame = -1;
  await call.client.send(concatPcm([noises, speech, quiet(800)]), {
    onFrame: (index) => {
      if (interruptedAtFrame < 0 && h.of('agent.interrupt').length > 0) interruptedAtFrame = index;
    },
  });
  expect(h.of('agent.interrupt')).toEqual([{ type: 'agent.interrupt', utteranceId: reply, reason: 'barge-in' }]);
  expect(interruptedAtFrame).toBeGreaterThan(noises.length / 320); // not during the noises
  await h.waitFor('transcript.final', (f) => f.utteranceId !== 'u1');
  await call.close();
  await h.session.close();
  expect(h.stored.slice(0, 3).map((t) => [t.role, t.interrupted ?? false])).toEqual([
    ['user', false],
    ['agent', true],
    ['user', false],
  ]);
});

it('a knock the WebRTC VAD opens an utterance on, shorter than the minimum, is no turn: an empty final, and the agent goes on', async () => {
  // Opus and the VAD's pre-roll stretch a 90 ms knock to ~140 ms above the echo gate: a 200 ms minimum.
  const { h, call, reply } = await agentSpeakingOnTheTrack('webrtc', 200);
  await call.client.send(concatPcm([quiet(200), pinkNoise(90, -12, 3), quiet(1200)]));
  const final = await h.waitFor('transcript.final', (f) => f.utteranceId !== 'u1');
  expect(final.text).toBe('');
  const end = await h.waitFor('agent.audio.end', (e) => e.utteranceId === reply);
  expect(end.reason).toBe('completed');
  expect(h.of('agent.interrupt')).toEqual([]);
  await call.close();
  await h.session.close();
  expect(h.stored.map((t) => t.role)).toEqual(['user', 'agent']);
});
