/**
 * The contract's audio fields (base64 of PCM16 little-endian) on the server, through Buffer's
 * native base64 instead of atob/btoa and a string per sample (lib/audio/pcm.ts keeps those for
 * the browser). Same checks, codes and messages: both use checkAudioChunk.
 */
import { MAX_CHUNK_BYTES } from '../../lib/contract/messages';
import { checkAudioChunk, type DecodedAudio } from '../../lib/audio/pcm';

/** Int16Array views are in the host's byte order; the contract's is little-endian. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Decodes a contract audio field, checking every rule of the contract on the way. */
export function decodeAudioChunk(base64: string, maxBytes = MAX_CHUNK_BYTES): DecodedAudio {
  const checked = checkAudioChunk(base64, maxBytes);
  if (!checked.ok) return checked;
  const bytes = Buffer.from(base64, 'base64');
  if (!HOST_IS_LITTLE_ENDIAN) bytes.swap16(); // our own fresh buffer: swapping in place is fine
  return { ok: true, samples: int16View(bytes) };
}

/**
 * The bytes as samples, without a copy where the bytes allow it. Small Buffers are slices of
 * Node's shared pool and may start at an odd offset, where an Int16Array cannot view them: copied then.
 */
export function int16View(bytes: Uint8Array): Int16Array {
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  const copy = new Uint8Array(bytes.byteLength & ~1); // not bytes.slice(): on a Buffer that is a view
  copy.set(bytes.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}

export function encodeAudioChunk(samples: Int16Array): string {
  const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  if (HOST_IS_LITTLE_ENDIAN) return bytes.toString('base64');
  return Buffer.from(bytes).swap16().toString('base64'); // a copy: the caller's samples stay as they are
}
