/**
 * A failed turn is apologised for in the embedded voice (issue 10): the error first, then a
 * short spoken "sorry" the person can speak over; the apology is never stored or given to the
 * agent, and the next turn works.
 */
import { expect, it } from 'vitest';
import { ToneTts, VoiceHarness } from '../testing/voice-harness';

async function apologyAfter(h: VoiceHarness, code: string) {
  const error = await h.waitFor('error');
  expect(error.code).toBe(code);
  const from = h.messages.indexOf(error);
  // The failed reply's own last text (as far as it was heard) comes first when it was visible.
  const said = await h.waitFor('agent.text', (t) => t.final && t.utteranceId !== error.utteranceId, from);
  const end = await h.waitFor('agent.audio.end', (e) => e.utteranceId === said.utteranceId, from);
  expect(end.reason).toBe('completed');
  expect(h.messages.slice(from).some((m) => m.type === 'agent.audio.chunk' && m.utteranceId === said.utteranceId)).toBe(true);
  return said;
}

async function nextTurnIsAnswered(h: VoiceHarness) {
  const from = h.messages.length;
  h.say();
  expect(await h.waitFor('agent.audio.end', () => true, from)).toMatchObject({ reason: 'completed' });
  await h.session.close();
  // Only real turns are stored; the agent never sees the apology as something it said.
  expect(h.stored.map((t) => t.text).join(' ')).not.toMatch(/sorry/i);
  expect(h.agent.requests.at(-1)!.history.map((m) => m.text).join(' ')).not.toMatch(/sorry/i);
}

it('apologises when the agent fails, in the embedded voice', async () => {
  const h = new VoiceHarness({ apologyVoice: new ToneTts(10) });
  h.agent.failNext = new Error('model unavailable');
  h.say();
  const said = await apologyAfter(h, 'agent_failed');
  expect(said.text).toMatch(/^Sorry/);
  expect(h.apologyVoice!.requests.join(' ')).toBe(said.text);
  expect(h.tts.requests).toEqual([]);
  await nextTurnIsAnswered(h);
});

it('apologises when the voice fails mid-reply, and the failed reply is kept as far as it was heard', async () => {
  const h = new VoiceHarness({ apologyVoice: new ToneTts(10) });
  h.tts.failAfterPieces = 3;
  h.say();
  await apologyAfter(h, 'tts_failed');
  await nextTurnIsAnswered(h);
  expect(h.stored.filter((t) => t.role === 'agent').map((t) => t.interrupted)).toEqual([true, false]);
});

it("apologises when the recogniser fails, once the person has stopped speaking", async () => {
  const h = new VoiceHarness({ apologyVoice: new ToneTts(10) });
  h.stt.failNext = new Error('decoder process exited with code 139');
  h.say();
  const said = await apologyAfter(h, 'stt_failed');
  expect(said.text).toMatch(/say it again/);
  await nextTurnIsAnswered(h);
});

it('stops the apology at once when the person speaks over it', async () => {
  const h = new VoiceHarness({ apologyVoice: new ToneTts(200) });
  h.agent.failNext = new Error('model unavailable');
  h.say();
  const error = await h.waitFor('error');
  const from = h.messages.indexOf(error);
  const chunk = await h.waitFor('agent.audio.chunk', () => true, from);
  h.startSpeaking();
  expect(await h.waitFor('agent.interrupt', () => true, from)).toMatchObject({ utteranceId: chunk.utteranceId, reason: 'barge-in' });
  expect(await h.waitFor('agent.audio.end', () => true, from)).toMatchObject({ utteranceId: chunk.utteranceId, reason: 'interrupted' });
});

it('says nothing without an embedded voice, and nothing when the person is already speaking again', async () => {
  const silent = new VoiceHarness();
  silent.agent.failNext = new Error('model unavailable');
  silent.say();
  await silent.waitFor('error');
  await silent.session.close();
  expect(silent.messages.some((m) => m.type === 'agent.audio.chunk')).toBe(false);

  const h = new VoiceHarness({ apologyVoice: new ToneTts(10) });
  h.stt.failNext = new Error('decoder process exited with code 139');
  const first = h.say();
  h.startSpeaking(); // speaking again before the failed utterance's final is known
  await h.waitFor('error', (e) => e.utteranceId === first);
  await h.session.close();
  expect(h.apologyVoice!.requests).toEqual([]);
});
