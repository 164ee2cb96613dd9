/**
 * The barge-in minimum, met: the person's speech over the agent interrupts it (rule 2: at once,
 * barge-in, interrupted, truncated) as soon as it has shown BARGE_IN_MIN_SPEECH_MS of speech
 * above the echo gate, and not a frame earlier. Socket clients' utterances keep the immediate rule.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { concatPcm, rmsDbfs } from '../../lib/audio/pcm';
import { chunkPcm, closeSpeechEngines, synthesizeSpeech } from '../testing/test-speech';
import { quiet } from '../testing/test-sounds';
import { ServerVadFeed } from '../testing/vad-feed';
import { VoiceHarness } from '../testing/voice-harness';
import type { BargeInRules } from './barge-in-guard';

afterAll(() => closeSpeechEngines());

/** ToneTts speaks a sine of amplitude 3000: its level, and so the echo gate 12 dB below it. */
const AGENT_DBFS = 20 * Math.log10(3000 / Math.SQRT2 / 32768);

async function bargeIn(rules: Partial<BargeInRules>) {
  const h = new VoiceHarness({ bargeIn: rules });
  h.tts.msPerChar = 25;
  h.agent.sentences = ['A long reply that the person will not wait for, because they have something to say.'];
  const feed = await ServerVadFeed.create((input) => h.input(input));
  h.onMessage(feed.observe);
  h.say();
  const first = await h.waitFor('agent.audio.chunk');
  await h.waitFor('agent.audio.chunk', () => true, h.messages.length); // the output's level is known by now
  const speech = concatPcm([quiet(400), await synthesizeSpeech('what is nine times seven', { noiseDbfs: -60 }), quiet(1000)]);
  let interruptedAt = -1;
  for (const [i, frame] of chunkPcm(speech).entries()) {
    feed.push(frame);
    if (interruptedAt < 0 && h.of('agent.interrupt').length > 0) interruptedAt = i;
  }
  return { h, feed, reply: first.utteranceId, speech, interruptedAt };
}

/** The frame by which `ms` of the clip's frames have been at or above the gate. */
function frameMeeting(speech: Int16Array, ms: number, gateDbfs: number): number {
  let counted = 0;
  for (const [i, frame] of chunkPcm(speech).entries()) if (rmsDbfs(frame) >= gateDbfs && (counted += 20) >= ms) return i;
  return -1;
}

describe('speech over the agent, cut by the server VAD', () => {
  it.each([120, 300])('interrupts once %i ms of it is above the echo gate, then is heard and answered', async (minSpeechMs) => {
    const { h, feed, reply, speech, interruptedAt } = await bargeIn({ minSpeechMs });
    const start = feed.events[0];
    expect(start.type).toBe('start');
    const met = frameMeeting(speech, minSpeechMs, AGENT_DBFS - 12);
    expect(interruptedAt).toBe(Math.max(start.frame, met));
    expect(h.of('agent.interrupt')).toEqual([{ type: 'agent.interrupt', utteranceId: reply, reason: 'barge-in' }]);
    expect(h.of('agent.audio.end', reply)).toEqual([{ type: 'agent.audio.end', utteranceId: reply, reason: 'interrupted' }]);
    // The recogniser had it from the first frame of pre-roll on.
    expect(h.stt.recognitions[1].samples).toBeGreaterThan(speech.length / 2);
    expect((await h.waitFor('transcript.final', (f) => f.utteranceId === start.utteranceId)).text).toBe('hello there');
    await h.waitFor('agent.audio.end', (e) => e.utteranceId !== reply && e.reason === 'completed');
    await h.session.close();
    expect(h.stored.map((t) => [t.role, t.interrupted ?? false])).toEqual([
      ['user', false],
      ['agent', true],
      ['user', false],
      ['agent', false],
    ]);
    feed.close();
  });

  it('waits for the recognised words as well when BARGE_IN_MIN_WORDS asks for them', async () => {
    const h = new VoiceHarness({ bargeIn: { minSpeechMs: 60, minWords: 3 } });
    h.agent.sentences = ['A long reply that the person will not wait for, because they have something to say.'];
    h.say();
    await h.waitFor('agent.audio.chunk');
    h.stt.partialText = (samples) => ['what', 'is', 'nine', 'times'].slice(0, Math.floor(samples / 3200)).join(' ');
    const id = h.startSpeaking(undefined, 'server-vad');
    const loud = Int16Array.from({ length: 320 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
    for (let i = 0; i < 29; i++) h.input({ type: 'utterance.audio', utteranceId: id, samples: loud }); // 580 ms: two words so far
    expect(h.of('agent.interrupt')).toEqual([]);
    h.input({ type: 'utterance.audio', utteranceId: id, samples: loud }); // the third word
    expect(h.of('agent.interrupt').map((m) => m.reason)).toEqual(['barge-in']);
    await h.session.close();
  });

  it('an utterance the client cut itself (a socket client) still interrupts at once', async () => {
    const h = new VoiceHarness({ bargeIn: { minSpeechMs: 3000 } });
    h.say();
    const first = await h.waitFor('agent.audio.chunk');
    h.startSpeaking();
    expect(h.of('agent.interrupt')).toEqual([{ type: 'agent.interrupt', utteranceId: first.utteranceId, reason: 'barge-in' }]);
    await h.session.close();
  });
});
