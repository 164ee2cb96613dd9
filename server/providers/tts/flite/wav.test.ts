import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from './wav';

function ramp(n: number): Int16Array {
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = ((i * 2654435761) % 65536) - 32768; // covers the full range
  pcm[0] = -32768;
  pcm[1] = 32767;
  return pcm;
}

describe('wav', () => {
  it('round-trips samples, rate and channel count', () => {
    const pcm = ramp(1001);
    const wav = encodeWav(pcm, 16000);
    expect(wav.length).toBe(44 + 2002);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(28)).toBe(32000); // byte rate
    const decoded = decodeWav(wav);
    expect(decoded.sampleRate).toBe(16000);
    expect(decoded.channels).toBe(1);
    expect(Array.from(decoded.samples)).toEqual(Array.from(pcm));

    const stereo = decodeWav(encodeWav(pcm.subarray(0, 1000), 48000, 2));
    expect([stereo.sampleRate, stereo.channels, stereo.samples.length]).toEqual([48000, 2, 1000]);
  });

  it('encodes a subarray view, not its whole backing buffer', () => {
    const pcm = ramp(100).subarray(10, 20);
    expect(Array.from(decodeWav(encodeWav(pcm, 16000)).samples)).toEqual(Array.from(pcm));
  });

  it('skips extra chunks, honours odd padding, and reads from an odd byte offset', () => {
    const pcm = ramp(10);
    const plain = encodeWav(pcm, 8000);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([0])]);
    const withList = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    const shifted = Buffer.concat([Buffer.from([0]), withList]).subarray(1); // byteOffset 1
    const decoded = decodeWav(shifted);
    expect(decoded.sampleRate).toBe(8000);
    expect(Array.from(decoded.samples)).toEqual(Array.from(pcm));
  });

  it('reads a streaming writer\'s unknown data size up to the end of the file', () => {
    const wav = encodeWav(ramp(50), 16000);
    wav.writeUInt32LE(0xffffffff, 40);
    expect(decodeWav(wav).samples.length).toBe(50);
  });

  it('rejects what it cannot read', () => {
    expect(() => decodeWav(Buffer.from('not a wav file at all'))).toThrow(/not a RIFF/);
    const float = encodeWav(ramp(4), 16000);
    float.writeUInt16LE(3, 20); // IEEE float
    expect(() => decodeWav(float)).toThrow(/only 16-bit PCM/);
    expect(() => decodeWav(encodeWav(ramp(4), 16000).subarray(0, 36))).toThrow(/no data chunk/);
  });
});
