/**
 * The agent's voice on a WebRTC track: an AudioOutput (server/voice/audio-out.ts) whose
 * utterances encode 16 kHz PCM to Opus, one RTP packet per 20 ms, paced on the wall clock
 * (PacedAudioOutput, at most `leadMs` ahead). One RTP stream across utterances: sequence
 * numbers +1 per packet, timestamps +960 per packet (Opus's RTP clock is 48 kHz whatever the
 * encoding rate) and, between utterances, by the wall-clock time that passed; the marker bit
 * on each utterance's first packet (the start of a talkspurt).
 */
import { RtpHeader, RtpPacket } from 'werift';
import { PacedAudioOutput, type AudioOutput, type UtteranceAudio } from '../voice/audio-out';
import { OpusEncoder16k } from './opus';

export const RTP_TICKS_PER_FRAME = 960;

export interface RtpSink {
  writeRtp(packet: RtpPacket): void;
}

export interface RtpAudioOutputOptions {
  /** How far ahead of real time packets may go. Default 20 ms (one packet). */
  leadMs?: number;
  now?: () => number;
  /** Measures how long each frame's encode and write took (the bench). */
  onFrameCost?: (microseconds: number) => void;
}

export class RtpAudioOutput implements AudioOutput {
  private readonly paced: PacedAudioOutput;
  private readonly encoder = new OpusEncoder16k();
  private sequenceNumber = Math.floor(Math.random() * 0x10000);
  private timestamp = Math.floor(Math.random() * 0x100000000);
  private lastSentAt: number | null = null;
  private current: UtteranceAudio | null = null;
  private closed = false;
  packetsSent = 0;

  constructor(
    private readonly sink: RtpSink,
    private readonly options: RtpAudioOutputOptions = {},
  ) {
    this.paced = new PacedAudioOutput({ leadMs: options.leadMs ?? 20, now: options.now, sendFrame: (_id, sequence, frame) => this.send(sequence, frame) });
  }

  begin(utteranceId: string): UtteranceAudio {
    const utterance = this.paced.begin(utteranceId);
    this.current = utterance;
    if (this.closed) utterance.clear();
    return utterance;
  }

  /** The track is gone: the utterance playing stops, later ones send nothing. */
  close(): void {
    this.closed = true;
    this.current?.clear();
  }

  private send(sequence: number, frame: Int16Array): void {
    if (this.closed) return;
    const started = this.options.onFrameCost ? performance.now() : 0;
    const now = this.paced.now();
    if (sequence === 0 && this.lastSentAt !== null) {
      // Silence between utterances still passes on the RTP clock, so the listener's jitter
      // buffer sees a pause rather than packets arriving early.
      const gapFrames = Math.max(1, Math.round((now - this.lastSentAt) / 20));
      this.timestamp = (this.timestamp + gapFrames * RTP_TICKS_PER_FRAME) >>> 0;
    } else if (this.lastSentAt !== null) {
      this.timestamp = (this.timestamp + RTP_TICKS_PER_FRAME) >>> 0;
    }
    this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff;
    this.lastSentAt = now;
    const header = new RtpHeader({ sequenceNumber: this.sequenceNumber, timestamp: this.timestamp, payloadType: 111, marker: sequence === 0 });
    this.sink.writeRtp(new RtpPacket(header, this.encoder.encode(frame)));
    this.packetsSent++;
    if (this.options.onFrameCost) this.options.onFrameCost((performance.now() - started) * 1000);
  }
}
