/**
 * Turn rule 5: faults close cleanly and in bounded time. A recogniser that fails to start or
 * dies gives stt_failed at once; a stalled recogniser, agent or voice ends the turn with a clear
 * error within its limit, the session listens again, and the next turn works.
 */
import { describe, expect, it } from 'vitest';
import { Gate, VoiceHarness } from '../testing/voice-harness';

const limits = { finalTranscriptMs: 150, agentMs: 150, ttsMs: 150, closeMs: 150 };

async function nextTurnWorks(h: VoiceHarness) {
  const from = h.messages.length;
  h.say(200);
  const end = await h.waitFor('agent.audio.end', () => true, from);
  expect(end.reason).toBe('completed');
  expect(h.session.state).toBe('listening');
}

describe('faults end the turn in bounded time', () => {
  it('a recogniser that fails to start: stt_failed, the utterance closes, the next one works', async () => {
    const h = new VoiceHarness({ limits });
    h.stt.failStart = new Error('No recogniser is free right now.');
    const id = h.startSpeaking();
    expect(h.of('error')).toEqual([
      { type: 'error', code: 'stt_failed', message: 'Speech recognition failed: No recogniser is free right now. Please say that again.', utteranceId: id, fatal: false },
    ]);
    h.speak(id, 200);
    h.stopSpeaking(id);
    await h.until(() => h.session.state === 'listening', 'listening');
    expect(h.of('transcript.final')).toEqual([]);
    await nextTurnWorks(h);
  });

  it('a recogniser that dies mid-utterance: stt_failed at once, before the person stops', async () => {
    const h = new VoiceHarness({ limits });
    const id = h.startSpeaking();
    h.speak(id, 100);
    h.stt.recognitions[0].options.onError?.(new Error('The speech recogniser stopped unexpectedly.'));
    expect(h.of('error')).toMatchObject([{ code: 'stt_failed', utteranceId: id }]);
    expect(h.of('transcript.partial', id).length).toBe(5);
    h.speak(id, 100); // the rest is not heard: no more partials
    expect(h.of('transcript.partial', id).length).toBe(5);
    h.stopSpeaking(id);
    await nextTurnWorks(h);
    expect(h.of('error')).toHaveLength(1);
  });

  it('a recogniser that never gives its final: stt_failed after finalTranscriptMs', async () => {
    const h = new VoiceHarness({ limits });
    h.stt.stallEnd = true;
    const id = h.say(200);
    const error = await h.waitFor('error');
    expect(error).toMatchObject({ code: 'stt_failed', utteranceId: id, fatal: false });
    expect(error.message).toMatch(/no transcript within 0.15 s/);
    expect(h.stt.recognitions[0].aborted).toBe(true);
    await nextTurnWorks(h);
  });

  it('an agent that never answers: agent_failed after agentMs, nothing stored for it', async () => {
    const h = new VoiceHarness({ limits });
    h.agent.holdNext = new Gate();
    h.say(200);
    const error = await h.waitFor('error');
    expect(error).toMatchObject({ code: 'agent_failed', utteranceId: 'agent-1', fatal: false });
    expect(error.message).toMatch(/did not answer within 0.15 s/);
    await h.until(() => h.session.state === 'listening', 'listening');
    await nextTurnWorks(h);
    await h.session.close();
    expect(h.stored.filter((t) => t.role === 'agent').map((t) => t.utteranceId)).toEqual(['agent-2']);
  });

  it('a voice that never speaks: tts_failed after ttsMs, the text shown is taken back', async () => {
    const h = new VoiceHarness({ limits });
    h.tts.hold = new Gate();
    h.say(200);
    const error = await h.waitFor('error');
    expect(error).toMatchObject({ code: 'tts_failed', utteranceId: 'agent-1', fatal: false });
    expect(h.of('agent.audio.end', 'agent-1')).toEqual([{ type: 'agent.audio.end', utteranceId: 'agent-1', reason: 'interrupted' }]);
    expect(h.of('agent.text', 'agent-1').at(-1)).toMatchObject({ final: true, text: '' });
    h.tts.hold = null;
    await nextTurnWorks(h);
  });

  it('closing with a stalled recogniser ends within closeMs', async () => {
    const h = new VoiceHarness({ limits });
    h.stt.stallEnd = true;
    const id = h.startSpeaking();
    h.speak(id, 200);
    const started = performance.now();
    await h.session.close();
    // Bounded by the limit, not by the engine: generous for a loaded machine.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(h.stored).toEqual([]);
  });
});
