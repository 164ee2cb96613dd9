import { describe, expect, it } from 'vitest';
import { concatPcm, decodeAudioChunk, encodeAudioChunk, floatToPcm16, pcm16ToFloat, rmsDbfs } from './pcm';

describe('PCM16 chunks', () => {
  it('round-trips samples through base64, little-endian and signed', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 258, -258]);
    const decoded = decodeAudioChunk(encodeAudioChunk(samples));
    expect(decoded.ok && Array.from(decoded.samples)).toEqual(Array.from(samples));
    expect(Buffer.from(encodeAudioChunk(Int16Array.from([258])), 'base64')).toEqual(Buffer.from([2, 1]));
  });

  it('refuses odd byte counts, oversize chunks and bad base64', () => {
    expect(decodeAudioChunk(Buffer.from([1, 2, 3]).toString('base64'))).toMatchObject({ ok: false, code: 'odd_byte_count' });
    expect(decodeAudioChunk(encodeAudioChunk(new Int16Array(3201)))).toMatchObject({ ok: false, code: 'chunk_too_large' });
    expect(decodeAudioChunk('abc')).toMatchObject({ ok: false, code: 'invalid_audio' });
    expect(decodeAudioChunk('ab$=')).toMatchObject({ ok: false, code: 'invalid_audio' });
    expect(decodeAudioChunk(encodeAudioChunk(new Int16Array(3200)))).toMatchObject({ ok: true });
  });

  it('converts float audio with clipping and measures level', () => {
    expect(Array.from(floatToPcm16(Float32Array.from([0, 1, -1, 2, -2])))).toEqual([0, 32767, -32768, 32767, -32768]);
    expect(pcm16ToFloat(Int16Array.from([-32768]))[0]).toBe(-1);
    expect(rmsDbfs(new Int16Array(10))).toBe(-Infinity);
    expect(rmsDbfs(Int16Array.from({ length: 100 }, () => 16384))).toBeCloseTo(-6.02, 1);
  });
});

describe('concatPcm', () => {
  it('joins pieces in order', () => {
    expect(concatPcm([Int16Array.of(1, 2), new Int16Array(0), Int16Array.of(3)])).toEqual(Int16Array.of(1, 2, 3));
    expect(concatPcm([])).toEqual(new Int16Array(0));
  });
});
