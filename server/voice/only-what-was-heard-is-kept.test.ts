/**
 * Turn rule 3: only what was heard is kept. A reply cut off before any of its audio was played
 * is no turn and no context; a sentence whose audio had not started is never counted as heard;
 * the agent's context holds interrupted replies as heard.
 */
import { expect, it } from 'vitest';
import { Gate, VoiceHarness } from '../testing/voice-harness';
import { heardText } from './truncate';

it('keeps no turn and no context of a reply barged in on while it was only text', async () => {
  const h = new VoiceHarness();
  h.tts.hold = new Gate(); // text is shown, no audio yet
  h.say(400, 'a');
  await h.waitFor('agent.text', (t) => t.utteranceId === 'agent-1');
  h.startSpeaking('b');
  // Shown, so taken back: interrupt, end, and the final text of what was heard: nothing.
  expect(h.of('agent.interrupt')).toEqual([{ type: 'agent.interrupt', utteranceId: 'agent-1', reason: 'barge-in' }]);
  expect(h.of('agent.text', 'agent-1').at(-1)).toEqual({ type: 'agent.text', utteranceId: 'agent-1', text: '', final: true });
  h.tts.hold = null;
  h.stopSpeaking('b');
  await h.waitFor('agent.audio.end', (e) => e.utteranceId === 'agent-2');
  await h.session.close();
  expect(h.stored.filter((t) => t.role === 'agent').map((t) => t.utteranceId)).toEqual(['agent-2']);
  // The agent never sees an empty message; both questions reach it, answered together.
  expect(h.agent.requests[1].history).toEqual([
    { role: 'user', text: 'hello there' },
    { role: 'user', text: 'hello there' },
  ]);
});

it('keeps no turn of a reply stopped by the client before any audio was played', async () => {
  const h = new VoiceHarness();
  h.agent.sentences = ['A first sentence that is long enough to take a while.', 'A second one.'];
  h.say(400, 'a');
  const chunk = await h.waitFor('agent.audio.chunk');
  h.input({ type: 'interrupt', utteranceId: chunk.utteranceId, playedMs: 0 });
  await h.session.close();
  expect(h.stored.map((t) => t.role)).toEqual(['user']);
});

it('never counts a sentence whose audio had not started as heard, at a frame boundary', () => {
  const sentences = [
    { text: 'One two.', startMs: 0, endMs: 1000 },
    { text: 'Three four.', startMs: 1000, endMs: 1000 }, // registered, no audio yet
  ];
  expect(heardText(sentences, 1000)).toBe('One two.');
  expect(heardText([{ text: 'Not yet.', startMs: 0, endMs: 0 }], 0)).toBe('');
});

it('gives the agent an interrupted reply as it was heard', async () => {
  const h = new VoiceHarness();
  h.agent.sentences = ['One two three four five six seven eight nine ten.', 'Eleven twelve.'];
  h.tts.msPerChar = 40;
  h.say(400, 'a');
  await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 50);
  h.input({ type: 'interrupt', playedMs: 1000 });
  h.say(400, 'b');
  await h.waitFor('agent.audio.end', (e) => e.utteranceId === 'agent-2' && e.reason === 'completed');
  expect(h.agent.requests[1].history).toEqual([
    { role: 'user', text: 'hello there' },
    { role: 'agent', text: 'One two three four five' },
    { role: 'user', text: 'hello there' },
  ]);
});
