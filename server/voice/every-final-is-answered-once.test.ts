/**
 * Turn rule 1: every finalized user utterance is answered exactly once. Utterances said before
 * the agent could answer are answered together, by one reply; each is still its own turn.
 */
import { describe, expect, it } from 'vitest';
import { Gate, ScriptedStt, VoiceHarness } from '../testing/voice-harness';

const replies = (h: VoiceHarness) => h.agent.requests.length;
const completed = (h: VoiceHarness) => h.of('agent.audio.end').filter((e) => e.reason === 'completed');

describe('every final is answered once', () => {
  it('answers a question followed at once by a cough (an utterance with no words)', async () => {
    const h = new VoiceHarness({ stt: new ScriptedStt((_, index) => (index === 0 ? 'what time is it' : '')) });
    const question = h.stt.holdFinal(0);
    h.say(600, 'question');
    const cough = h.startSpeaking('cough'); // the VAD opens on a cough before the question's final is in
    question.release();
    await h.waitFor('transcript.final', (f) => f.utteranceId === 'question');
    expect(h.session.state).toBe('user-speaking');
    expect(replies(h)).toBe(0); // held: the person may still be speaking
    h.speak(cough, 200);
    h.stopSpeaking(cough);
    await h.waitFor('agent.audio.end');
    await h.session.close();
    expect(replies(h)).toBe(1);
    expect(h.agent.requests[0].history).toEqual([{ role: 'user', text: 'what time is it' }]);
    expect(h.stored.map((t) => [t.role, t.text])).toEqual([
      ['user', 'what time is it'],
      ['agent', 'First sentence here. And a second one.'],
    ]);
  });

  it('answers a held final when the utterance after it fails', async () => {
    const h = new VoiceHarness({ stt: new ScriptedStt((_, index) => (index === 0 ? 'what is two plus two' : 'never')) });
    const question = h.stt.holdFinal(0);
    h.say(600, 'question');
    h.stt.failNext = new Error('the engine crashed');
    h.startSpeaking('next');
    question.release();
    await h.waitFor('transcript.final', (f) => f.utteranceId === 'question');
    h.stopSpeaking('next');
    await h.waitFor('error', (e) => e.utteranceId === 'next' && e.code === 'stt_failed');
    await h.waitFor('agent.audio.end');
    expect(replies(h)).toBe(1);
    expect(h.agent.requests[0].history.at(-1)).toEqual({ role: 'user', text: 'what is two plus two' });
  });

  it('answers two questions said before the agent spoke with one reply, storing each as a turn', async () => {
    const h = new VoiceHarness({ stt: new ScriptedStt((_, index) => ['what time is it', 'and the date'][index]) });
    const first = h.stt.holdFinal(0);
    h.say(600, 'one');
    h.say(600, 'two');
    first.release();
    await h.waitFor('agent.audio.end');
    await h.session.close();
    expect(replies(h)).toBe(1);
    expect(completed(h)).toHaveLength(1);
    expect(h.agent.requests[0].history).toEqual([
      { role: 'user', text: 'what time is it' },
      { role: 'user', text: 'and the date' },
    ]);
    const [one, two, agent] = h.stored;
    expect([one.role, two.role, agent.role]).toEqual(['user', 'user', 'agent']);
    expect(agent.replyTo).toEqual([one.id, two.id]);
  });

  it('answers a question whose reply was cut off before it was seen together with the next one', async () => {
    const h = new VoiceHarness({ stt: new ScriptedStt((_, index) => ['what time is it', 'and the date'][index]) });
    const thinking = new Gate();
    h.agent.holdNext = thinking; // the agent is still thinking when the person speaks again
    h.say(600, 'one');
    await h.until(() => replies(h) === 1, 'the first request');
    h.say(600, 'two');
    await h.waitFor('agent.audio.end');
    await h.session.close();
    expect(replies(h)).toBe(2);
    expect(h.agent.requests[1].history.map((m) => m.text)).toEqual(['what time is it', 'and the date']);
    // The reply nobody saw is not taken back: no agent.interrupt, no empty turn.
    expect(h.of('agent.interrupt')).toEqual([]);
    expect(h.of('agent.text', 'agent-1')).toEqual([]);
    const agentTurns = h.stored.filter((t) => t.role === 'agent');
    expect(agentTurns).toHaveLength(1);
    expect(agentTurns[0].replyTo).toEqual(h.stored.filter((t) => t.role === 'user').map((t) => t.id));
  });

  it('does not answer again what a reply already said, even when cut off after it was heard', async () => {
    const h = new VoiceHarness({ stt: new ScriptedStt((_, index) => ['tell me a story', 'stop'][index]) });
    h.agent.sentences = ['Once upon a time there was a very long story that went on and on.'];
    h.say(600, 'one');
    await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 30);
    h.say(600, 'two');
    await h.waitFor('agent.audio.end', (e) => e.utteranceId === 'agent-2' && e.reason === 'completed');
    expect(h.agent.requests[1].history.map((m) => m.role)).toEqual(['user', 'agent', 'user']);
    expect(h.agent.requests[1].history.at(-1)!.text).toBe('stop');
  });
});
