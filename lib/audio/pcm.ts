/**
 * PCM16 helpers used by the browser and the server alike. The contract's audio is base64 of
 * 16-bit signed little-endian mono samples at 16 kHz (the server codes it with Buffer instead:
 * server/audio/base64-pcm.ts, with the same checks).
 */
import { MAX_CHUNK_BYTES } from '../contract/messages';

export const SAMPLE_RATE = 16000;
export const BYTES_PER_MS = (SAMPLE_RATE * 2) / 1000; // 32

export function msOfSamples(sampleCount: number, sampleRate = SAMPLE_RATE): number {
  return (sampleCount * 1000) / sampleRate;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type AudioChunkProblem = { ok: false; code: 'invalid_audio' | 'odd_byte_count' | 'chunk_too_large'; message: string };

export type DecodedAudio = { ok: true; samples: Int16Array } | AudioChunkProblem;

/**
 * Every rule of the contract for an audio field, checked before decoding it: how many bytes it
 * decodes to, or what is wrong with it. Shared by the browser's decoder (below) and the server's
 * (server/audio/base64-pcm.ts), so both refuse the same chunks with the same words.
 */
export function checkAudioChunk(base64: string, maxBytes = MAX_CHUNK_BYTES): { ok: true; byteLength: number } | AudioChunkProblem {
  // Check the size before decoding: a 60 KiB string should not be decoded only to be refused.
  if (base64.length > Math.ceil(maxBytes / 3) * 4) {
    return { ok: false, code: 'chunk_too_large', message: `audio is over ${maxBytes} bytes (200 ms); send 20–40 ms per chunk.` };
  }
  if (!BASE64.test(base64)) {
    return { ok: false, code: 'invalid_audio', message: 'audio is not valid base64 (standard alphabet, with padding).' };
  }
  const byteLength = (base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
  if (byteLength > maxBytes) {
    return { ok: false, code: 'chunk_too_large', message: `audio is over ${maxBytes} bytes (200 ms); send 20–40 ms per chunk.` };
  }
  if (byteLength % 2 !== 0) {
    return { ok: false, code: 'odd_byte_count', message: `audio has ${byteLength} bytes; PCM16 needs an even number.` };
  }
  return { ok: true, byteLength };
}

/** Decodes a contract audio field, checking every rule of the contract on the way. */
export function decodeAudioChunk(base64: string, maxBytes = MAX_CHUNK_BYTES): DecodedAudio {
  const checked = checkAudioChunk(base64, maxBytes);
  if (!checked.ok) return checked;
  const binary = atob(base64);
  const samples = new Int16Array(binary.length / 2);
  for (let i = 0; i < samples.length; i++) {
    // Little-endian, then sign-extend through Int16Array's store.
    samples[i] = binary.charCodeAt(2 * i) | (binary.charCodeAt(2 * i + 1) << 8);
  }
  return { ok: true, samples };
}

export function encodeAudioChunk(samples: Int16Array): string {
  let binary = '';
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    binary += String.fromCharCode(s & 0xff, (s >> 8) & 0xff);
  }
  return btoa(binary);
}

/** Float samples in [-1, 1] (Web Audio) to PCM16, clipping. */
export function floatToPcm16(input: Float32Array): Int16Array {
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]));
    out[i] = s < 0 ? s * 0x8000 : s * 0x7fff;
  }
  return out;
}

export function pcm16ToFloat(input: Int16Array): Float32Array {
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] / 0x8000;
  return out;
}

/** Root-mean-square level in dBFS (−Infinity for digital silence). */
export function rmsDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return 20 * Math.log10(Math.sqrt(sum / samples.length) / 32768);
}

/** The pieces one after another, as one array (the piece itself when there is only one). */
export function concatPcm(pieces: readonly Int16Array[]): Int16Array {
  if (pieces.length === 1) return pieces[0];
  const out = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
