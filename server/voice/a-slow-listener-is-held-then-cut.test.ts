/**
 * Backpressure (issue 12): agent audio for a listener that does not take it is held back while
 * its socket is full, goes on when it drains, and past the bound is dropped, the reply ending as
 * cut where audio stopped going out (rule 3: what was sent is what is kept).
 */
import { expect, it } from 'vitest';
import { ToneTts, VoiceHarness } from '../testing/voice-harness';

const LONG = ['A reply long enough to be held back and cut off somewhere in its middle, with many words after that point.'];

it('holds the audio back while the socket is full, then goes on where it stopped', async () => {
  let verdict: 'send' | 'hold' = 'send';
  const h = new VoiceHarness({ congestion: () => verdict });
  h.agent.sentences = ['One two three four five six.'];
  h.say();
  const chunk = await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 5);
  verdict = 'hold';
  const heldAt = h.of('agent.audio.chunk', chunk.utteranceId).length;
  // While held, other events still go out and the reply does not end; no audio frame leaves.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(h.of('agent.audio.chunk', chunk.utteranceId).length).toBeLessThanOrEqual(heldAt + 1);
  expect(h.of('agent.audio.end')).toEqual([]);
  verdict = 'send';
  const end = await h.waitFor('agent.audio.end');
  expect(end.reason).toBe('completed');
  const sequences = h.of('agent.audio.chunk', chunk.utteranceId).map((c) => c.sequence);
  // No frame lost or repeated across the hold.
  expect(sequences).toEqual(sequences.map((_, i) => i));
  await h.session.close();
  expect(h.stored.find((t) => t.role === 'agent')).toMatchObject({ interrupted: false, text: 'One two three four five six.' });
});

it('drops the rest past the bound: the reply ends cut to what was sent, and the session goes on', async () => {
  let verdict: 'send' | 'drop' = 'send';
  const h = new VoiceHarness({ congestion: () => verdict, apologyVoice: new ToneTts() });
  h.agent.sentences = LONG;
  h.say();
  const chunk = await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 20);
  verdict = 'drop';
  const error = await h.waitFor('error', (e) => e.code === 'client_too_slow');
  expect(error).toMatchObject({ fatal: false, utteranceId: chunk.utteranceId });
  expect(await h.waitFor('agent.audio.end')).toEqual({ type: 'agent.audio.end', utteranceId: chunk.utteranceId, reason: 'interrupted' });
  const final = await h.waitFor('agent.text', (t) => t.final);
  expect(final.text.length).toBeGreaterThan(0);
  expect(final.text.length).toBeLessThan(LONG[0].length);
  expect(LONG[0].startsWith(final.text)).toBe(true);
  const sent = h.of('agent.audio.chunk', chunk.utteranceId).length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(h.of('agent.audio.chunk', chunk.utteranceId).length).toBe(sent);

  // No spoken sorry follows: it could not reach the listener either.
  expect(h.of('agent.text').filter((t) => t.utteranceId !== chunk.utteranceId)).toEqual([]);

  // The next question is answered as usual once the socket takes audio again.
  verdict = 'send';
  h.agent.sentences = ['Fine again.'];
  const from = h.messages.length;
  h.say();
  expect(await h.waitFor('agent.audio.end', () => true, from)).toMatchObject({ reason: 'completed' });
  await h.session.close();
  const agentTurns = h.stored.filter((t) => t.role === 'agent');
  expect(agentTurns[0]).toMatchObject({ interrupted: true, text: final.text });
  expect(agentTurns[1]).toMatchObject({ interrupted: false, text: 'Fine again.' });
});
