/**
 * Recordings (people who keep their audio): a user turn keeps exactly the audio its recogniser
 * got; an agent turn keeps what was sent, cut where it was interrupted (where the listener said
 * they stopped it, when they said); an utterance that made no turn keeps nothing.
 */
import pino from 'pino';
import { expect, it } from 'vitest';
import type { EncodedAudio } from '../audio/ogg-opus';
import { decodeOggOpus } from '../testing/ogg-opus-file';
import { ScriptedStt, VoiceHarness } from '../testing/voice-harness';
import { TurnAudioRecording } from './recording';

function recordingHarness(options: { stt?: ScriptedStt } = {}) {
  const kept = new Map<string, EncodedAudio>();
  const recording = new TurnAudioRecording({ save: async (turnId, audio) => void kept.set(turnId, audio), log: pino({ level: 'silent' }) });
  const h = new VoiceHarness({ ...options, recording });
  const close = async () => {
    await h.session.close();
    await recording.close();
  };
  return { h, kept, close };
}

it("keeps a user turn's audio as the recogniser got it, sample for sample", async () => {
  const { h, kept, close } = recordingHarness();
  h.tts.msPerChar = 5;
  h.say(740); // 37 frames
  await h.waitFor('agent.audio.end');
  await close();
  const user = h.stored.find((t) => t.role === 'user')!;
  expect(kept.get(user.id)).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', durationMs: 740 });
  expect(decodeOggOpus(kept.get(user.id)!.audio).length).toBe(h.stt.recognitions[0].samples);
});

it('keeps all of a reply that was all sent', async () => {
  const { h, kept, close } = recordingHarness();
  h.agent.sentences = ['A short reply.'];
  h.tts.msPerChar = 20; // 14 characters → 280 ms
  h.say();
  await h.waitFor('agent.audio.end', (e) => e.reason === 'completed');
  await close();
  const agent = h.stored.find((t) => t.role === 'agent')!;
  const sentMs = h.of('agent.audio.chunk', agent.utteranceId).length * 20;
  expect(sentMs).toBe(280);
  expect(kept.get(agent.id)?.durationMs).toBe(sentMs);
  expect(decodeOggOpus(kept.get(agent.id)!.audio).length).toBe(sentMs * 16);
});

it('keeps of an interrupted reply only what was sent before the interruption', async () => {
  const { h, kept, close } = recordingHarness();
  h.agent.sentences = ['One two three four five six seven eight nine ten.', 'Eleven twelve thirteen fourteen.'];
  h.tts.msPerChar = 40; // about 3.3 s of speech, made at once, sent in real time
  h.say();
  await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 40);
  h.input({ type: 'interrupt' });
  await close();
  const agent = h.stored.find((t) => t.role === 'agent')!;
  expect(agent.interrupted).toBe(true);
  const sentMs = h.of('agent.audio.chunk', agent.utteranceId).length * 20;
  expect(sentMs).toBeLessThan(2000);
  expect(kept.get(agent.id)?.durationMs).toBe(sentMs);
  expect(decodeOggOpus(kept.get(agent.id)!.audio).length).toBe(sentMs * 16);
});

it('keeps of a reply the listener stopped only what they said they played, like its text', async () => {
  const { h, kept, close } = recordingHarness();
  h.agent.sentences = ['One two three four five six seven eight nine ten.', 'Eleven twelve thirteen fourteen.'];
  h.tts.msPerChar = 40; // sentence one: 50 characters, 2 s
  h.say();
  await h.waitFor('agent.audio.chunk', (c) => c.sequence >= 50);
  h.input({ type: 'interrupt', playedMs: 1000 });
  await close();
  const agent = h.stored.find((t) => t.role === 'agent')!;
  expect(agent.text).toBe('One two three four five');
  expect(kept.get(agent.id)?.durationMs).toBe(1000);
  expect(decodeOggOpus(kept.get(agent.id)!.audio).length).toBe(16_000);
});

it('keeps nothing of an utterance in which nothing was recognised', async () => {
  const stt = new ScriptedStt((_samples, index) => (index === 0 ? '' : 'hello there'));
  const { h, kept, close } = recordingHarness({ stt });
  h.tts.msPerChar = 5;
  h.say(400);
  h.say(600);
  await h.waitFor('agent.audio.end');
  await close();
  const turns = h.stored.filter((t) => t.role === 'user');
  expect(turns).toHaveLength(1);
  expect(kept.get(turns[0].id)?.durationMs).toBe(600);
  // The user turn and the reply: nothing for the utterance that made no turn.
  expect(kept.size).toBe(2);
});
