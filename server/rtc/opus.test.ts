import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES, OpusDecoder, OpusEncoder16k } from './opus';
import { rms } from '../testing/test-speech';

function tone(frames: number, hz = 440): Int16Array[] {
  return Array.from({ length: frames }, (_, f) => {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * (f * FRAME_SAMPLES + i)) / 16000));
    return frame;
  });
}

describe('opus at 16 kHz', () => {
  it('round-trips 20 ms frames of a tone at about its level', () => {
    const encoder = new OpusEncoder16k();
    const decoder = new OpusDecoder();
    const decoded = tone(25).map((frame) => decoder.decode(encoder.encode(frame)));
    expect(decoded.every((d) => d?.length === FRAME_SAMPLES)).toBe(true);
    // Past the codec's start-up, the level is the tone's (8000 peak → RMS ~5657).
    expect(rms(decoded[20]!)).toBeGreaterThan(4000);
    expect(rms(decoded[20]!)).toBeLessThan(7000);
  });

  it('conceals a lost frame with sound carried on from before, of the length asked', () => {
    const encoder = new OpusEncoder16k();
    const decoder = new OpusDecoder();
    for (const frame of tone(20)) decoder.decode(encoder.encode(frame));
    const concealed = decoder.conceal(FRAME_SAMPLES);
    expect(concealed.length).toBe(FRAME_SAMPLES);
    expect(rms(concealed)).toBeGreaterThan(500);
    expect(decoder.conceal(10_000).length).toBe(5760);
  });

  it('refuses garbage and empty payloads without throwing', () => {
    const decoder = new OpusDecoder();
    expect(decoder.decode(new Uint8Array([255, 255, 255]))).toBeNull();
    expect(decoder.decode(new Uint8Array(0))).toBeNull();
  });

  it('encodes only whole 20 ms frames', () => {
    expect(() => new OpusEncoder16k().encode(new Int16Array(100))).toThrow(/320 samples/);
  });
});
