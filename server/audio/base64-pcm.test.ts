import { describe, expect, it } from 'vitest';
import * as browser from '../../lib/audio/pcm';
import { seededRandom } from '../../lib/seeded-random';
import { decodeAudioChunk, encodeAudioChunk, int16View } from './base64-pcm';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('server base64 PCM (Buffer)', () => {
  it('round-trips samples, little-endian and signed, and agrees with the browser codec', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 258, -258]);
    const encoded = encodeAudioChunk(samples);
    expect(encoded).toBe(browser.encodeAudioChunk(samples));
    expect(Buffer.from(encodeAudioChunk(Int16Array.of(258)), 'base64')).toEqual(Buffer.from([2, 1]));
    const decoded = decodeAudioChunk(encoded);
    expect(decoded.ok && Array.from(decoded.samples)).toEqual(Array.from(samples));

    const random = seededRandom(7);
    const frame = Int16Array.from({ length: 320 }, () => Math.floor(random() * 65536) - 32768);
    expect(decodeAudioChunk(encodeAudioChunk(frame))).toEqual({ ok: true, samples: frame });
    expect(decodeAudioChunk(browser.encodeAudioChunk(frame))).toEqual(browser.decodeAudioChunk(encodeAudioChunk(frame)));
  });

  it('encodes only the samples of a view, not the whole buffer under it', () => {
    const whole = Int16Array.from({ length: 10 }, (_, i) => i * 1000);
    expect(encodeAudioChunk(whole.subarray(3, 6))).toBe(browser.encodeAudioChunk(Int16Array.of(3000, 4000, 5000)));
    expect(encodeAudioChunk(new Int16Array(0))).toBe('');
  });

  it('refuses exactly what the browser codec refuses, with the same code and message', () => {
    const cases: Array<[string, number?]> = [
      [Buffer.from([1, 2, 3]).toString('base64')], // odd byte count
      [browser.encodeAudioChunk(new Int16Array(3201))], // one sample too many
      [browser.encodeAudioChunk(new Int16Array(3200))], // the largest allowed
      ['A'.repeat(Math.ceil(6400 / 3) * 4 + 4)], // too long to look at
      ['abc'], // no padding
      ['ab$='], // outside the alphabet
      ['AAAA AAAA'], // whitespace
      ['-_-_'], // the URL-safe alphabet
      ['AA=A'], // padding inside
      ['AAAA===='],
      ['ab=='], // not canonical (extra bits) but valid: accepted by both
      [''], // empty: no samples
      [browser.encodeAudioChunk(new Int16Array(8)), 15], // over a smaller limit
      [browser.encodeAudioChunk(new Int16Array(8)), 16],
    ];
    for (const [input, maxBytes] of cases) {
      expect(decodeAudioChunk(input, maxBytes), input.slice(0, 20)).toEqual(browser.decodeAudioChunk(input, maxBytes));
    }
    expect(decodeAudioChunk('ab$=')).toMatchObject({ ok: false, code: 'invalid_audio' });
    expect(decodeAudioChunk(browser.encodeAudioChunk(new Int16Array(3201)))).toMatchObject({ ok: false, code: 'chunk_too_large' });
    expect(decodeAudioChunk('AQID')).toMatchObject({ ok: false, code: 'odd_byte_count', message: 'audio has 3 bytes; PCM16 needs an even number.' });
  });

  it('agrees with the browser codec on random strings, valid or not', () => {
    const random = seededRandom(11);
    const pick = (chars: string) => chars[Math.floor(random() * chars.length)];
    for (let n = 0; n < 2000; n++) {
      const length = Math.floor(random() * 24);
      let input = '';
      for (let i = 0; i < length; i++) input += random() < 0.03 ? pick('=$ -') : pick(ALPHABET);
      if (random() < 0.3) input = input.slice(0, input.length - (input.length % 4)) + ['', 'A=', 'AA==', 'AAA='][n % 4];
      expect(decodeAudioChunk(input), input).toEqual(browser.decodeAudioChunk(input));
    }
  });

  it('views bytes at an even offset where they are, and copies bytes at an odd one', () => {
    const buffer = new Uint8Array([9, 2, 1, 4, 3, 0]);
    const even = int16View(buffer.subarray(2));
    expect(Array.from(even)).toEqual([0x0401, 0x0003]);
    expect(even.buffer).toBe(buffer.buffer);
    const odd = int16View(Buffer.from(buffer.buffer, 1, 4));
    expect(Array.from(odd)).toEqual([0x0102, 0x0304]);
    expect(odd.buffer).not.toBe(buffer.buffer);
    expect(odd.byteLength).toBe(4);
  });
});
