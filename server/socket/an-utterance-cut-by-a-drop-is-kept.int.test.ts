/**
 * The connection drops while the person is speaking (the socket is cut, no user.audio.end):
 * the server recognises and stores what arrived of the utterance (rule 4), without answering
 * it, and a client reconnecting at once to the same conversation finds it in the conversation's
 * context: "my name is peter" cut by the drop, then "what is my name" after the reconnect.
 *
 * The server recognises a cut utterance within its close bound (3 s, server/voice/session.ts):
 * on a machine so loaded that recognition takes longer (seen at load average 17: 6 s from speech
 * end to transcript) the utterance is not kept and this test fails; at load ~10 it passed.
 */
import { afterAll, expect, inject, it } from 'vitest';
import { ContractClient } from '../testing/contract-client';
import { closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { signUp } from '../testing/users';

afterAll(() => closeSpeechEngines());

it('keeps an utterance cut by a drop, and a reconnect continues with it in context', async () => {
  const url = inject('serverUrl');
  const person = await signUp(url, 'Cut Speaker');
  const first = await ContractClient.connect(url, { cookie: person.cookie });
  const { conversationId } = await first.next('session.ready');
  await first.speak('cut', await synthesizeSpeech('my name is peter', { leadingSilenceMs: 200 }), { realtime: true, end: false });
  // The network goes: no close handshake, no user.audio.end.
  first.ws.terminate();

  // Reconnecting at once: the server finishes storing the cut utterance before it loads the context.
  const second = await ContractClient.connect(url, { cookie: person.cookie, conversationId });
  expect((await second.next('session.ready')).conversationId).toBe(conversationId);
  await second.speak('ask', await synthesizeSpeech('what is my name', { leadingSilenceMs: 200, trailingSilenceMs: 300 }), { realtime: true });
  const answer = await second.next('agent.text', (t) => t.final, { timeoutMs: 60_000 });
  expect(answer.text).toContain('Your name is Peter');
  await second.next('agent.audio.end', (e) => e.utteranceId === answer.utteranceId);

  const { turns } = (await (await fetch(`${url}/api/conversations/${conversationId}`, { headers: { cookie: person.cookie } })).json()) as {
    turns: Array<{ role: string; text: string; utteranceId: string }>;
  };
  // Kept, not answered on its own: one agent turn, after the second question.
  expect(turns.map((t) => [t.role, t.utteranceId])).toEqual([['user', 'cut'], ['user', 'ask'], ['agent', answer.utteranceId]]);
  expect(turns[0].text).toContain('peter');
  second.ws.close();
}, 120_000);
