/**
 * Turn rule 2: utterances are numbered when they start; their finals are used, stored and given
 * to the agent in that order, whatever order they arrive in (a hosted recogniser may return
 * them out of order). No agent.interrupt for a reply the client never saw.
 */
import { expect, it } from 'vitest';
import { Gate, ScriptedStt, VoiceHarness } from '../testing/voice-harness';

it('stores and answers finals in speaking order when they arrive out of order', async () => {
  const h = new VoiceHarness({ stt: new ScriptedStt((_, index) => ['first words', 'second words', 'third words'][index]) });
  const first = h.stt.holdFinal(0);
  const second = h.stt.holdFinal(1);
  h.say(400, 'a');
  h.say(400, 'b');
  h.say(400, 'c');
  await h.waitFor('transcript.final', (f) => f.utteranceId === 'c');
  second.release();
  await h.waitFor('transcript.final', (f) => f.utteranceId === 'b');
  expect(h.stored).toEqual([]); // 'a' is still being recognised: nothing after it may go first
  expect(h.agent.requests).toEqual([]);
  first.release();
  await h.waitFor('agent.audio.end');
  await h.session.close();
  expect(h.stored.map((t) => t.text)).toEqual(['first words', 'second words', 'third words', 'First sentence here. And a second one.']);
  expect(h.agent.requests).toHaveLength(1);
  expect(h.agent.requests[0].history.map((m) => m.text)).toEqual(['first words', 'second words', 'third words']);
});

it('sends no agent.interrupt for a reply that had shown nothing when the person spoke again', async () => {
  const h = new VoiceHarness();
  h.agent.holdNext = new Gate();
  h.say(400, 'a');
  await h.until(() => h.agent.requests.length === 1, 'the request');
  expect(h.session.state).toBe('thinking');
  h.startSpeaking('b');
  expect(h.session.state).toBe('user-speaking');
  h.stopSpeaking('b');
  await h.waitFor('agent.audio.end');
  expect(h.of('agent.interrupt')).toEqual([]);
  expect(h.messages.filter((m) => 'utteranceId' in m && m.utteranceId === 'agent-1')).toEqual([]);
});

it('numbers utterances as they start, not as they end', async () => {
  const h = new VoiceHarness({ stt: new ScriptedStt((_, index) => `utterance ${index}`) });
  h.say(200, 'x');
  await h.waitFor('agent.audio.end');
  h.say(200, 'y');
  await h.waitFor('agent.audio.end', (e) => e.utteranceId === 'agent-2');
  await h.session.close();
  expect(h.stored.filter((t) => t.role === 'user').map((t) => [t.utteranceId, t.text])).toEqual([
    ['x', 'utterance 0'],
    ['y', 'utterance 1'],
  ]);
});
