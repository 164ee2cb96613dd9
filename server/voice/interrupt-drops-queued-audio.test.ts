/** Rule 2: agent.interrupt stops the reply at once; nothing of it is sent afterwards. */
import { expect, it } from 'vitest';
import { VoiceHarness } from '../testing/voice-harness';

it('stops the agent at once and sends no further chunk of that utterance', async () => {
  const h = new VoiceHarness();
  h.agent.sentences = ['This is a long answer that goes on and on for quite some time.', 'And then it goes on some more.'];
  h.say();
  const first = await h.waitFor('agent.audio.chunk');
  h.input({ type: 'interrupt' });

  const interrupt = await h.waitFor('agent.interrupt');
  expect(interrupt).toEqual({ type: 'agent.interrupt', utteranceId: first.utteranceId, reason: 'client' });
  const end = await h.waitFor('agent.audio.end');
  expect(end).toEqual({ type: 'agent.audio.end', utteranceId: first.utteranceId, reason: 'interrupted' });
  const endIndex = h.indexOf(end);

  // A whole further turn later, still nothing more of the interrupted utterance.
  h.say();
  await h.waitFor('agent.audio.end', (e) => e.utteranceId !== first.utteranceId);
  expect(h.messages.slice(endIndex + 1).filter((m) => 'utteranceId' in m && m.utteranceId === first.utteranceId && m.type !== 'agent.text')).toEqual([]);
  expect(h.of('agent.audio.end', first.utteranceId)).toHaveLength(1);
});

it('ignores an interrupt for an utterance that is not playing', async () => {
  const h = new VoiceHarness();
  h.say();
  await h.waitFor('agent.audio.chunk');
  h.input({ type: 'interrupt', utteranceId: 'agent-99' });
  expect((await h.waitFor('agent.audio.end')).reason).toBe('completed');
  expect(h.of('agent.interrupt')).toEqual([]);
});
