import { afterAll, expect, it } from 'vitest';
import { createFliteVoices } from './voices';

const tts = createFliteVoices('kal16');
afterAll(() => tts.close());

async function speak(voice?: string): Promise<number> {
  let samples = 0;
  for await (const piece of tts.synthesize({ text: 'Hello there.', signal: new AbortController().signal, voice })) samples += piece.length;
  return samples;
}

it('offers every embedded voice, the configured one first, and speaks in the one asked for', async () => {
  expect(await tts.voices?.()).toEqual(['kal16', 'slt', 'rms', 'awb']);
  const [configured, slt, unknown] = [await speak(), await speak('slt'), await speak('no-such-voice')];
  expect(configured).toBeGreaterThan(0);
  expect(slt).toBeGreaterThan(0);
  expect(slt).not.toBe(configured); // another voice, another length
  expect(unknown).toBe(configured); // an unknown name falls back to the configured voice
});
