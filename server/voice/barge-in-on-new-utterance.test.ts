/** Rule 2: the person starting to speak over the agent is a barge-in, handled at once. */
import { expect, it } from 'vitest';
import { VoiceHarness } from '../testing/voice-harness';

it('stops the agent when a new user utterance starts, and hears the new one', async () => {
  const h = new VoiceHarness();
  h.agent.sentences = ['A long reply that the person will not wait for, because they have something to say.'];
  h.say();
  const first = await h.waitFor('agent.audio.chunk');
  const id = h.startSpeaking();

  expect(h.of('agent.interrupt')).toEqual([{ type: 'agent.interrupt', utteranceId: first.utteranceId, reason: 'barge-in' }]);
  const end = h.of('agent.audio.end', first.utteranceId);
  expect(end).toEqual([{ type: 'agent.audio.end', utteranceId: first.utteranceId, reason: 'interrupted' }]);
  expect(h.session.state).toBe('user-speaking');

  h.stopSpeaking(id);
  expect((await h.waitFor('transcript.final', (f) => f.utteranceId === id)).text).toBe('hello there');
  await h.waitFor('agent.audio.end', (e) => e.utteranceId !== first.utteranceId && e.reason === 'completed');
  const after = h.indexOf(end[0]);
  expect(h.messages.slice(after + 1).some((m) => m.type === 'agent.audio.chunk' && m.utteranceId === first.utteranceId)).toBe(false);
});
