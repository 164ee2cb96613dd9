/**
 * Speech kept compactly: 16 kHz mono PCM16 → Opus (libopus through @discordjs/opus) → an Ogg
 * Opus file (RFC 7845, muxed by mediabunny) that browsers' <audio> plays. Written a little at a
 * time as speech arrives and encoded off the caller's stack, so that keeping audio never holds
 * up the audio path.
 */
import opus from '@discordjs/opus';
import { BufferTarget, EncodedAudioPacketSource, EncodedPacket, OggOutputFormat, Output } from 'mediabunny';
import { SAMPLE_RATE } from '../../lib/audio/pcm';

export const OGG_OPUS_MIME = 'audio/ogg; codecs=opus';

/** Opus counts time at 48 kHz whatever the input rate (RFC 7845 §4). */
const OPUS_RATE = 48_000;
const FRAME_MS = 20;
const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000; // 320
const FRAME_48K = (OPUS_RATE * FRAME_MS) / 1000; // 960
/** libopus's encoder delay at any rate (its lookahead: 6.5 ms), which a player skips. */
const PRE_SKIP_48K = 312;
/** Wideband speech at 16 kb/s: clear to listen to, 2 KB a second. */
export const RECORDING_BITRATE = 16_000;
/** Frames encoded per turn of the event loop. */
const FRAMES_PER_SLICE = 25;

const OPUS_SET_SIGNAL_REQUEST = 4024;
const OPUS_SIGNAL_VOICE = 3001;
const OPUS_SET_COMPLEXITY_REQUEST = 4010;
/** Half the CPU of libopus's default (10) for speech that sounds the same at this bitrate (scripts/bench-recordings.ts). */
const COMPLEXITY = 5;

export interface EncodedAudio {
  mimeType: string;
  durationMs: number;
  audio: Uint8Array;
}

/** One stream of speech on its way to a file. */
export class OggOpusRecording {
  private readonly encoder = new opus.OpusEncoder(SAMPLE_RATE, 1);
  private readonly packets: Buffer[] = [];
  /** PCM written but not yet encoded, oldest first. */
  private pending: Int16Array[] = [];
  private pendingSamples = 0;
  /** The unfinished frame: encoded once full (or at the end, padded with silence). */
  private readonly frame = new Int16Array(FRAME_SAMPLES);
  private frameFill = 0;
  private written = 0;
  private scheduled = false;
  private closed = false;

  constructor(private readonly maxSamples = Infinity) {
    this.encoder.setBitrate(RECORDING_BITRATE);
    this.encoder.applyEncoderCTL(OPUS_SET_SIGNAL_REQUEST, OPUS_SIGNAL_VOICE);
    this.encoder.applyEncoderCTL(OPUS_SET_COMPLEXITY_REQUEST, COMPLEXITY);
  }

  /** Samples written so far (at most maxSamples: speech past it is not kept). */
  get samples(): number {
    return this.written;
  }

  write(pcm: Int16Array): void {
    if (this.closed) return;
    const take = Math.min(pcm.length, this.maxSamples - this.written);
    if (take <= 0) return;
    // A copy: callers may reuse their buffers.
    this.pending.push(pcm.slice(0, take));
    this.pendingSamples += take;
    this.written += take;
    this.schedule();
  }

  /** Encodes a slice on a later turn of the event loop, and again while a slice's worth waits. */
  private schedule(): void {
    if (this.scheduled || this.closed || this.pendingSamples < FRAME_SAMPLES * FRAMES_PER_SLICE) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.closed) return;
      this.encodePending(FRAMES_PER_SLICE * FRAME_SAMPLES);
      this.schedule();
    });
  }

  /**
   * The file of the first `keepSamples` written (all of them by default); null when that is
   * nothing. Nothing more is kept once it is asked for.
   */
  async finish(keepSamples = this.written): Promise<EncodedAudio | null> {
    this.closed = true;
    const kept = Math.max(0, Math.min(keepSamples, this.written));
    if (kept === 0) return null;
    // Drop what lies past the cut, then encode the rest a slice at a time.
    this.dropAfter(kept);
    while (this.pendingSamples > 0) {
      this.encodePending(FRAMES_PER_SLICE * FRAME_SAMPLES);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Enough frames that the decoder, after skipping the encoder's delay, gives every sample back.
    const needed48k = PRE_SKIP_48K + kept * (OPUS_RATE / SAMPLE_RATE);
    // Frames already encoded past the cut are not kept (the last one kept is trimmed on playing).
    this.packets.length = Math.min(this.packets.length, Math.ceil(needed48k / FRAME_48K));
    while (this.packets.length * FRAME_48K < needed48k) this.encodeFrame(true);
    return { mimeType: OGG_OPUS_MIME, durationMs: Math.round((kept * 1000) / SAMPLE_RATE), audio: await this.mux(needed48k) };
  }

  /** Forget the pending PCM from sample `kept` on (samples already encoded stay). */
  private dropAfter(kept: number): void {
    let excess = this.written - kept;
    while (excess > 0 && this.pendingSamples > 0) {
      const last = this.pending[this.pending.length - 1];
      const cut = Math.min(excess, last.length);
      if (cut === last.length) this.pending.pop();
      else this.pending[this.pending.length - 1] = last.subarray(0, last.length - cut);
      this.pendingSamples -= cut;
      excess -= cut;
    }
    this.written = kept;
  }

  private encodePending(limit: number): void {
    let budget = limit;
    while (budget > 0 && this.pending.length > 0) {
      const head = this.pending[0];
      const take = Math.min(head.length, FRAME_SAMPLES - this.frameFill, budget);
      this.frame.set(head.subarray(0, take), this.frameFill);
      this.frameFill += take;
      this.pendingSamples -= take;
      budget -= take;
      if (take === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(take);
      if (this.frameFill === FRAME_SAMPLES) this.encodeFrame(false);
    }
  }

  /** Encodes the current frame; `padding`: whatever is in it, the rest silence. */
  private encodeFrame(padding: boolean): void {
    if (padding) this.frame.fill(0, this.frameFill);
    this.packets.push(this.encoder.encode(Buffer.from(this.frame.buffer, this.frame.byteOffset, this.frame.byteLength)));
    this.frameFill = 0;
  }

  /** The packets as an Ogg Opus file whose last granule position trims the padding (RFC 7845 §4.4). */
  private async mux(total48k: number): Promise<Uint8Array> {
    const target = new BufferTarget();
    const output = new Output({ format: new OggOutputFormat(), target });
    const source = new EncodedAudioPacketSource('opus');
    output.addAudioTrack(source);
    await output.start();
    const meta = { decoderConfig: { codec: 'opus', numberOfChannels: 1, sampleRate: OPUS_RATE, description: opusHead() } };
    for (let i = 0; i < this.packets.length; i++) {
      const duration = Math.min(FRAME_48K, total48k - i * FRAME_48K);
      await source.add(new EncodedPacket(this.packets[i], 'key', (i * FRAME_48K) / OPUS_RATE, duration / OPUS_RATE), i === 0 ? meta : undefined);
    }
    await output.finalize();
    if (!target.buffer) throw new Error('the Ogg muxer wrote nothing');
    return new Uint8Array(target.buffer);
  }
}

/** The identification header (RFC 7845 §5.1): mono, our pre-skip, 16 kHz input, mapping family 0. */
function opusHead(): Uint8Array {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // channels
  head.writeUInt16LE(PRE_SKIP_48K, 10);
  head.writeUInt32LE(SAMPLE_RATE, 12);
  head.writeInt16LE(0, 16); // output gain
  head.writeUInt8(0, 18); // channel mapping family
  return head;
}
