/**
 * Minimal RIFF/WAVE codec for 16-bit PCM, the only format Parley reads or writes.
 * Lives here because the Flite provider needs it at run time; test speech uses it too.
 */

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** Interleaved when channels > 1. */
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** A 44-byte-header PCM16 WAV file. */
export function encodeWav(pcm: Int16Array, sampleRate: number, channels = 1): Buffer {
  const dataBytes = pcm.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * channels * 2, 28);
  out.writeUInt16LE(channels * 2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  // WAV and every host Parley runs on are little-endian: copy the bytes as they are.
  Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).copy(out, 44);
  return out;
}

/**
 * Walks the chunks instead of assuming a 44-byte header: writers add LIST/fact chunks,
 * and streaming writers leave the data size as 0 or 0xFFFFFFFF (clamped to the file).
 */
export function decodeWav(input: Uint8Array): DecodedWav {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('decodeWav: not a RIFF/WAVE file');
  }
  let format: { sampleRate: number; channels: number } | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw new Error('decodeWav: truncated fmt chunk');
      const tag = buf.readUInt16LE(body);
      const bits = buf.readUInt16LE(body + 14);
      // WAVE_FORMAT_EXTENSIBLE carries the real format tag at the start of its SubFormat GUID.
      const realTag = tag === WAVE_FORMAT_EXTENSIBLE && size >= 40 ? buf.readUInt16LE(body + 24) : tag;
      if (realTag !== WAVE_FORMAT_PCM || bits !== 16) {
        throw new Error(`decodeWav: only 16-bit PCM is supported (format ${realTag}, ${bits} bits)`);
      }
      format = { channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4) };
    } else if (id === 'data') {
      if (!format) throw new Error('decodeWav: data chunk before fmt chunk');
      const toEndOfFile = size === 0 || size === 0xffffffff;
      const end = toEndOfFile ? buf.length : Math.min(body + size, buf.length);
      const frameBytes = 2 * format.channels;
      const usable = end - body - ((end - body) % frameBytes);
      // Copy into a fresh buffer: the input may sit at an odd byte offset.
      const samples = new Int16Array(usable / 2);
      new Uint8Array(samples.buffer).set(buf.subarray(body, body + usable));
      return { ...format, samples };
    }
    offset = body + size + (size % 2); // chunks are padded to even sizes
  }
  throw new Error('decodeWav: no data chunk');
}
