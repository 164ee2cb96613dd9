/** Rule 1 and rule 6: one party at a time; every turn stored, in order, with its latencies. */
import { describe, expect, it } from 'vitest';
import { VoiceHarness } from '../testing/voice-harness';

describe('a turn', () => {
  it('goes listening → user speaking → thinking → agent speaking → listening', async () => {
    const h = new VoiceHarness();
    expect(h.session.state).toBe('listening');
    const id = h.startSpeaking();
    expect(h.session.state).toBe('user-speaking');
    h.stopSpeaking(id);
    expect(h.session.state).toBe('thinking');
    await h.waitFor('agent.audio.chunk');
    expect(h.session.state).toBe('agent-speaking');
    await h.waitFor('agent.audio.end');
    await h.session.close();
    expect(h.session.state).toBe('listening');
  });

  it('answers only after the final transcript, with contiguous audio, then completes', async () => {
    const h = new VoiceHarness();
    const id = h.say(600);
    const final = await h.waitFor('transcript.final');
    expect(final).toEqual({ type: 'transcript.final', utteranceId: id, text: 'hello there' });
    const end = await h.waitFor('agent.audio.end');
    expect(end.reason).toBe('completed');

    const chunks = h.of('agent.audio.chunk', end.utteranceId);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.map((c) => c.sequence)).toEqual(chunks.map((_, i) => i));
    expect(h.indexOf(chunks[0])).toBeGreaterThan(h.indexOf(final));
    expect(h.indexOf(end)).toBeGreaterThan(h.indexOf(chunks.at(-1)!));
    // agent.text carries the reply so far; the final one the whole reply.
    expect(h.of('agent.text').map((t) => [t.text, t.final])).toEqual([
      ['First sentence here.', false],
      ['First sentence here. And a second one.', false],
      ['First sentence here. And a second one.', true],
    ]);
    expect(h.of('transcript.partial', id).length).toBeGreaterThan(0);
  });

  it('stores the user turn and then the agent turn, with latencies', async () => {
    const h = new VoiceHarness();
    h.say();
    await h.waitFor('agent.audio.end');
    await h.session.close();
    expect(h.stored.map((t) => [t.role, t.text, t.interrupted ?? false])).toEqual([
      ['user', 'hello there', false],
      ['agent', 'First sentence here. And a second one.', false],
    ]);
    const [user, agent] = h.stored;
    expect(user.sttLatencyMs).toBeGreaterThanOrEqual(0);
    expect(agent.agentLatencyMs).toBeGreaterThanOrEqual(0);
    expect(agent.ttsLatencyMs).toBeGreaterThanOrEqual(0);
    expect(agent.voiceToVoiceMs).toBeGreaterThanOrEqual(agent.ttsLatencyMs!);
  });

  it('gives the agent the conversation so far', async () => {
    const h = new VoiceHarness();
    h.say();
    await h.waitFor('agent.audio.end');
    h.stt.transcribe = () => 'and again';
    h.say();
    await h.waitFor('agent.audio.end', (e) => e.utteranceId === 'agent-2');
    expect(h.agent.requests[1].history.map((m) => `${m.role}: ${m.text}`)).toEqual([
      'user: hello there',
      'agent: First sentence here. And a second one.',
      'user: and again',
    ]);
  });

  it('does not answer or store an utterance in which nothing was recognised', async () => {
    const h = new VoiceHarness();
    h.stt.transcribe = () => '';
    h.say();
    expect((await h.waitFor('transcript.final')).text).toBe('');
    await h.session.close();
    expect(h.of('agent.text')).toEqual([]);
    expect(h.stored).toEqual([]);
  });
});
