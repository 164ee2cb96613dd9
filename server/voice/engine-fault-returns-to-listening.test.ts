/** An engine fault gives the client an error; the session listens again and the next turn works. */
import { expect, it } from 'vitest';
import { VoiceHarness } from '../testing/voice-harness';

async function nextTurnWorks(h: VoiceHarness) {
  const id = h.say();
  await h.waitFor('transcript.final', (f) => f.utteranceId === id);
  const end = await h.waitFor('agent.audio.end', (e) => e.reason === 'completed');
  expect(end.reason).toBe('completed');
}

it('recovers from a speech recognition failure', async () => {
  const h = new VoiceHarness();
  h.stt.failNext = new Error('decoder process exited with code 139');
  const id = h.say();
  const error = await h.waitFor('error');
  expect(error).toMatchObject({ code: 'stt_failed', utteranceId: id, fatal: false });
  expect(h.session.state).toBe('listening');
  await nextTurnWorks(h);
});

it('recovers from a synthesis failure in the middle of a reply', async () => {
  const h = new VoiceHarness();
  h.tts.failAfterPieces = 3;
  h.say();
  const error = await h.waitFor('error');
  expect(error).toMatchObject({ code: 'tts_failed', utteranceId: 'agent-1', fatal: false });
  expect(await h.waitFor('agent.audio.end')).toMatchObject({ utteranceId: 'agent-1', reason: 'interrupted' });
  await nextTurnWorks(h);
  await h.session.close();
  expect(h.stored.filter((t) => t.role === 'agent').map((t) => t.interrupted)).toEqual([true, false]);
});

it('recovers from an agent failure', async () => {
  const h = new VoiceHarness();
  h.agent.failNext = new Error('model unavailable');
  h.say();
  expect(await h.waitFor('error')).toMatchObject({ code: 'agent_failed', fatal: false });
  await nextTurnWorks(h);
});
