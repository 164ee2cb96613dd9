/** Rule 4: every closing is preceded by persisting what was said so far. */
import { expect, it } from 'vitest';
import { VoiceHarness } from '../testing/voice-harness';

it('keeps the words of a person cut off mid-utterance', async () => {
  const h = new VoiceHarness();
  const id = h.startSpeaking();
  h.speak(id, 20);
  await h.session.close();
  expect(h.stored).toMatchObject([{ role: 'user', text: 'hello there' }]);
});

it('keeps what was heard of an agent reply cut off by the socket closing', async () => {
  const h = new VoiceHarness();
  h.agent.sentences = ['A reply long enough to be cut off by a closing socket somewhere in the middle.'];
  h.say();
  await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 20);
  await h.session.close();
  const agent = h.stored.find((t) => t.role === 'agent')!;
  expect(agent.interrupted).toBe(true);
  expect(h.agent.sentences[0].startsWith(agent.text)).toBe(true);
  expect(agent.text.length).toBeLessThan(h.agent.sentences[0].length);
});

it('stores a reply while it is spoken, so that a crash keeps what was heard', async () => {
  const h = new VoiceHarness();
  h.agent.sentences = ['One two three.', 'Four five six seven eight nine ten eleven twelve thirteen.'];
  h.tts.msPerChar = 40;
  h.say();
  // Before the reply ends, the turn is already stored as far as it was sent, marked interrupted.
  await h.until(() => h.stored.some((t) => t.role === 'agent' && t.text.startsWith('One two three.')), 'the first sentence stored');
  expect(h.of('agent.audio.end')).toEqual([]);
  expect(h.stored.find((t) => t.role === 'agent')).toMatchObject({ interrupted: true });
  await h.waitFor('agent.audio.end');
  await h.session.close();
  const agentTurns = h.stored.filter((t) => t.role === 'agent');
  expect(agentTurns).toHaveLength(1);
  expect(agentTurns[0]).toMatchObject({ interrupted: false, text: h.agent.sentences.join(' ') });
});
