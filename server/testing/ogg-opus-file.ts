/**
 * Reads an Ogg Opus file back for tests, independently of the muxer that wrote it: every page's
 * framing and CRC checked (the Ogg spec, RFC 3533), the packets joined from their lacing, the
 * identification header parsed (RFC 7845), and the audio decoded with libopus again.
 */
import opus from '@discordjs/opus';

export interface OggPage {
  headerType: number;
  granule: bigint;
  serial: number;
  sequence: number;
  crcOk: boolean;
  /** Packets ending on this page (a packet continued from the page before is joined in). */
  packets: Buffer[];
}

export interface OggOpusFile {
  pages: OggPage[];
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  /** The audio packets, after the two header packets. */
  audioPackets: Buffer[];
  /** The last page's granule position, at 48 kHz, pre-skip included. */
  lastGranule: bigint;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor. */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  return crc;
}

export function readOggOpus(file: Uint8Array): OggOpusFile {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const pages: OggPage[] = [];
  let offset = 0;
  let carry: Buffer[] = [];
  while (offset < bytes.length) {
    if (bytes.toString('latin1', offset, offset + 4) !== 'OggS') throw new Error(`no Ogg page at byte ${offset}`);
    if (bytes[offset + 4] !== 0) throw new Error(`unknown Ogg version at byte ${offset}`);
    const segments = bytes[offset + 26];
    const lacing = bytes.subarray(offset + 27, offset + 27 + segments);
    const bodyStart = offset + 27 + segments;
    const bodyLength = lacing.reduce((sum, n) => sum + n, 0);
    const page = Buffer.from(bytes.subarray(offset, bodyStart + bodyLength));
    if (page.length < bodyStart + bodyLength - offset) throw new Error(`the Ogg page at byte ${offset} is cut short`);
    const storedCrc = page.readUInt32LE(22);
    page.writeUInt32LE(0, 22);
    const packets: Buffer[] = [];
    let at = bodyStart;
    for (const size of lacing) {
      carry.push(bytes.subarray(at, at + size));
      at += size;
      if (size < 255) {
        packets.push(Buffer.concat(carry));
        carry = [];
      }
    }
    pages.push({
      headerType: bytes[offset + 5],
      granule: bytes.readBigInt64LE(offset + 6),
      serial: bytes.readUInt32LE(offset + 14),
      sequence: bytes.readUInt32LE(offset + 18),
      crcOk: oggCrc(page) === storedCrc,
      packets,
    });
    offset = bodyStart + bodyLength;
  }
  const all = pages.flatMap((p) => p.packets);
  const head = all[0];
  if (!head || head.toString('latin1', 0, 8) !== 'OpusHead') throw new Error('the first packet is not an OpusHead');
  if (all[1]?.toString('latin1', 0, 8) !== 'OpusTags') throw new Error('the second packet is not OpusTags');
  return {
    pages,
    channels: head[9],
    preSkip: head.readUInt16LE(10),
    inputSampleRate: head.readUInt32LE(12),
    audioPackets: all.slice(2),
    lastGranule: pages.at(-1)!.granule,
  };
}

/** The file's audio decoded at `rate`, with the pre-skip and the end trimming applied (RFC 7845 §4). */
export function decodeOggOpus(file: Uint8Array, rate = 16_000): Int16Array {
  const parsed = readOggOpus(file);
  const decoder = new opus.OpusEncoder(rate, parsed.channels);
  const decoded = Buffer.concat(parsed.audioPackets.map((packet) => decoder.decode(packet)));
  const all = new Int16Array(decoded.buffer, decoded.byteOffset, decoded.byteLength / 2);
  const scale = 48_000 / rate;
  const skip = Math.round(parsed.preSkip / scale);
  const length = Math.round((Number(parsed.lastGranule) - parsed.preSkip) / scale);
  return all.slice(skip, skip + length);
}
