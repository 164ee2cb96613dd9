/**
 * Recordings come second: a turn is stored and answered while its audio is still being written,
 * and a failure to keep audio loses no turn (it is logged).
 */
import pino from 'pino';
import { expect, it, vi } from 'vitest';
import { Gate, VoiceHarness } from '../testing/voice-harness';
import { TurnAudioRecording } from './recording';

it('stores and answers the next turns while a recording is still being written', async () => {
  const gate = new Gate();
  const saves: string[] = [];
  const recording = new TurnAudioRecording({
    save: async (turnId) => {
      saves.push(turnId);
      await gate.wait();
    },
    log: pino({ level: 'silent' }),
  });
  const h = new VoiceHarness({ recording });
  h.tts.msPerChar = 5;
  h.say();
  await h.waitFor('agent.audio.end');
  h.say();
  await h.until(() => h.of('agent.audio.end').length === 2, 'the second reply');
  await h.until(() => h.stored.length === 4, 'four turns stored');
  expect(saves.length).toBeGreaterThan(0); // writing, and held
  gate.release();
  await h.session.close();
  await recording.close();
  expect(new Set(saves)).toEqual(new Set(h.stored.map((t) => t.id)));
});

it('loses no turn when audio cannot be kept, and says so in the log', async () => {
  const logger = pino({ level: 'silent' });
  const warn = vi.spyOn(logger, 'warn');
  const recording = new TurnAudioRecording({
    save: async () => {
      throw new Error('disk full');
    },
    log: logger,
  });
  const h = new VoiceHarness({ recording });
  h.tts.msPerChar = 5;
  h.say();
  await h.waitFor('agent.audio.end');
  await h.session.close();
  await recording.close();
  expect(h.stored.map((t) => t.role)).toEqual(['user', 'agent']);
  expect(h.of('error')).toEqual([]);
  expect(warn).toHaveBeenCalledTimes(2);
  expect(warn.mock.calls[0][1]).toMatch(/failed to keep the audio of a turn/);
});
