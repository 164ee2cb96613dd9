/**
 * The agent's voice on a WebRTC track: an AudioOutput (server/voice/audio-out.ts) whose
 * utterances encode 16 kHz PCM to Opus, one RTP packet per 20 ms, paced on the wall clock
 * (PacedAudioOutput, at most `leadMs` ahead). One RTP stream across utterances: sequence
 * numbers +1 per packet, timestamps +960 per packet (Opus's RTP clock is 48 kHz whatever the
 * encoding rate) and, between utterances, by the wall-clock time that passed; the marker bit
 * on each utterance's first packet (the start of a talkspurt). Silence a voice starts its
 * utterances with (Flite: ~200 ms) is not sent at all: the listener hears the agent that much
 * sooner, and it still counts as sent and played, so that what was heard is reckoned right.
 */
import { RtpHeader, RtpPacket } from 'werift';
import { PacedAudioOutput, type AudioOutput, type PlaybackPosition, type UtteranceAudio } from '../voice/audio-out';
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
    const utterance = new LeadingSilenceTrimmed(this.paced.begin(utteranceId));
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

/** Below this (about -44 dBFS) a sample is silence as far as the start of an utterance goes. */
const SILENCE_LEVEL = 200;
/** Kept before the first sound, so that its onset is not clipped. */
const ONSET_MARGIN_SAMPLES = 640; // 40 ms

/** An utterance whose leading silence is dropped before pacing, and counted as sent at once. */
export class LeadingSilenceTrimmed implements UtteranceAudio {
  private leading = true;
  private trimmedSamples = 0;
  /** The latest silence, up to the onset margin, not yet sent or trimmed. */
  private held = new Int16Array(0);

  constructor(private readonly inner: UtteranceAudio) {}

  get utteranceId(): string {
    return this.inner.utteranceId;
  }

  private get trimmedMs(): number {
    return (this.trimmedSamples * 1000) / 16000;
  }

  get sentMs(): number {
    return this.inner.sentMs + this.trimmedMs;
  }

  push(pcm: Int16Array): void {
    if (!this.leading) return this.inner.push(pcm);
    const first = pcm.findIndex((x) => x > SILENCE_LEVEL || x < -SILENCE_LEVEL);
    const all = new Int16Array(this.held.length + pcm.length);
    all.set(this.held);
    all.set(pcm, this.held.length);
    if (first < 0) {
      // Still silence: keep only the margin's worth of it, in case sound follows.
      const drop = Math.max(0, all.length - ONSET_MARGIN_SAMPLES);
      this.trimmedSamples += drop;
      this.held = all.slice(drop);
      return;
    }
    this.leading = false;
    const start = Math.max(0, this.held.length + first - ONSET_MARGIN_SAMPLES);
    this.trimmedSamples += start;
    this.held = new Int16Array(0);
    this.inner.push(all.subarray(start));
  }

  finish(): Promise<void> {
    // An utterance that was silence throughout: what was held is silence too.
    if (this.leading) this.trimmedSamples += this.held.length;
    this.held = new Int16Array(0);
    return this.inner.finish();
  }

  clear(reportedPlayedMs?: number): PlaybackPosition {
    const trimmed = this.trimmedMs;
    const position = this.inner.clear(reportedPlayedMs === undefined ? undefined : Math.max(0, reportedPlayedMs - trimmed));
    return { sentMs: position.sentMs + trimmed, playedMs: position.playedMs + trimmed };
  }
}
