/**
 * Speech as it streams in: raw 16-bit little-endian PCM (`response_format: pcm`), or a WAV
 * file (servers that ignore `pcm`) whose header is read and checked as soon as it has arrived.
 * Network pieces split samples anywhere, so an odd byte waits for the next piece.
 */
import { ProviderError } from '../../errors';

export class PcmStream {
  private pending = new Uint8Array(0);
  /** undefined: not yet known whether a WAV header comes first. */
  private inHeader: boolean | undefined;

  constructor(
    private readonly expectedRate: number,
    private readonly service: string,
  ) {}

  /** The whole samples in `bytes` and what was left over before. */
  push(bytes: Uint8Array): Int16Array {
    let data = this.pending.length > 0 ? concat(this.pending, bytes) : bytes;
    if (this.inHeader !== false) {
      if (this.inHeader === undefined) {
        if (data.length < 4) return this.keep(data);
        this.inHeader = ascii(data, 0, 4) === 'RIFF';
      }
      if (this.inHeader) {
        const start = this.dataStart(data);
        if (start === undefined) return this.keep(data);
        this.inHeader = false;
        data = data.subarray(start);
      }
    }
    const usable = data.length - (data.length % 2);
    // A fresh, aligned copy: network buffers may sit at an odd offset.
    const samples = new Int16Array(usable / 2);
    new Uint8Array(samples.buffer).set(data.subarray(0, usable));
    this.pending = data.slice(usable);
    return samples;
  }

  private keep(data: Uint8Array): Int16Array {
    this.pending = data.slice();
    return new Int16Array(0);
  }

  /** Where the samples begin once the header is complete (undefined: not yet), checking the format. */
  private dataStart(data: Uint8Array): number | undefined {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let offset = 12;
    while (offset + 8 <= data.length) {
      const id = ascii(data, offset, offset + 4);
      const size = view.getUint32(offset + 4, true);
      if (id === 'data') return offset + 8;
      if (id === 'fmt ') {
        if (offset + 8 + 16 > data.length) return undefined;
        const channels = view.getUint16(offset + 10, true);
        const rate = view.getUint32(offset + 12, true);
        const bits = view.getUint16(offset + 22, true);
        if (channels !== 1 || bits !== 16 || rate !== this.expectedRate) {
          throw new ProviderError(
            `${this.service} sent ${rate} Hz ${bits}-bit audio with ${channels} channel(s); Parley asks for raw PCM (response_format pcm) and takes mono 16-bit at ${this.expectedRate} Hz.`,
          );
        }
      }
      offset += 8 + size + (size % 2);
    }
    return undefined;
  }
}

function ascii(data: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...data.subarray(from, to));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
