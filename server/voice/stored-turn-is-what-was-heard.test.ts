/** Rule 3: an interrupted agent turn keeps only what was heard, and is marked interrupted. */
import { expect, it } from 'vitest';
import { VoiceHarness } from '../testing/voice-harness';

const sentences = ['One two three four five six seven eight nine ten.', 'Eleven twelve thirteen fourteen.'];

async function interruptedAt(playedMs: number | undefined) {
  const h = new VoiceHarness();
  h.agent.sentences = sentences;
  h.tts.msPerChar = 40; // sentence one: 50 chars → 2 s of audio
  h.say();
  // The server sends at most 250 ms ahead: wait until ~1 s has been sent.
  await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 50);
  h.input({ type: 'interrupt', playedMs });
  await h.session.close();
  const agentTurn = h.stored.find((t) => t.role === 'agent')!;
  const finalText = h.of('agent.text').at(-1)!;
  return { agentTurn, finalText, sentMs: h.of('agent.audio.chunk').length * 20 };
}

it('cuts the stored text at playedMs', async () => {
  const { agentTurn, finalText } = await interruptedAt(1000); // half of sentence one
  expect(agentTurn.interrupted).toBe(true);
  expect(agentTurn.text).toBe('One two three four five');
  expect(finalText).toMatchObject({ final: true, text: 'One two three four five' });
});

it('never keeps more than was sent, whatever the client claims', async () => {
  const { agentTurn, sentMs } = await interruptedAt(60_000);
  expect(sentMs).toBeLessThan(2000);
  expect(agentTurn.interrupted).toBe(true);
  expect(agentTurn.text.length).toBeGreaterThan(0);
  expect(sentences[0].startsWith(agentTurn.text)).toBe(true);
  expect(agentTurn.text).not.toBe(sentences[0]);
});

it('uses what was sent when the client gives no playedMs', async () => {
  const { agentTurn } = await interruptedAt(undefined);
  expect(agentTurn.interrupted).toBe(true);
  expect(sentences[0].startsWith(agentTurn.text)).toBe(true);
  expect(agentTurn.text.split(' ').length).toBeGreaterThanOrEqual(5);
});

it('cuts a reply that was all sent but not all played when the client stops it late', async () => {
  const h = new VoiceHarness();
  h.agent.sentences = sentences;
  h.tts.msPerChar = 10; // short: all of it is sent quickly
  h.say();
  const end = await h.waitFor('agent.audio.end');
  expect(end.reason).toBe('completed');
  h.input({ type: 'interrupt', utteranceId: end.utteranceId, playedMs: 250 });
  await h.session.close();
  const agentTurn = h.stored.find((t) => t.role === 'agent')!;
  // Sentence one is 500 ms of audio: half of it heard.
  expect(agentTurn).toMatchObject({ interrupted: true, text: 'One two three four five' });
});
