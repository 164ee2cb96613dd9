/**
 * The user's side of a WebRTC track: RTP packets in, the session's typed input out.
 * Packets → JitterBuffer (order by sequence number, drop duplicates and late ones) → Opus
 * decoded straight to 16 kHz (libopus conceals lost packets and garbage) → 20 ms frames →
 * SpeechCutter (VAD → Endpointer → `utterance.start` with the pre-roll, `utterance.audio`,
 * `utterance.end`, with utterance ids chosen here). Nothing a peer sends can throw out of `push`.
 */
import { randomUUID } from 'node:crypto';
import type { VoiceActivityDetector } from '../audio/vad';
import type { Endpointer } from '../voice/endpointing';
import type { SessionInput } from '../voice/events';
import { SpeechCutter } from '../voice/speech-cutter';
import { JitterBuffer, type JitterStats } from './jitter';
import { FRAME_SAMPLES, OpusDecoder } from './opus';

export interface InboundPacket {
  sequenceNumber: number;
  payloadType: number;
  payload: Uint8Array;
}

export interface InboundStats extends JitterStats {
  /** Packets libopus could not decode, or of a payload type that is not the negotiated Opus. */
  garbage: number;
  /** 20 ms frames run through the VAD. */
  frames: number;
  utterances: number;
}

export interface InboundAudioOptions {
  vad: VoiceActivityDetector;
  endpointer: Endpointer;
  input(input: SessionInput): void;
  /** The negotiated Opus payload type; others are counted as garbage. Undefined: any. */
  payloadType?: number;
  jitterDepth?: number;
  /** The track sent nothing for this long: stop waiting for missing packets. Default 60. */
  quietMs?: number;
  /** How many past frames are kept for the pre-roll. Default 25 (500 ms). */
  preRollFrames?: number;
}

/** A packet longer than this (120 ms at 16 kHz, Opus's maximum) is not audio we asked for. */
const MAX_PACKET_SAMPLES = 1920;

export class InboundAudio {
  private readonly jitter: JitterBuffer;
  private readonly decoder = new OpusDecoder();
  private readonly cutter: SpeechCutter;
  private readonly garbage = { count: 0 };
  private lastPacketSamples = FRAME_SAMPLES;
  private quietTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: InboundAudioOptions) {
    this.jitter = new JitterBuffer({ depth: options.jitterDepth ?? 3, onPacket: (payload, lostBefore) => this.decode(payload, lostBefore) });
    this.cutter = new SpeechCutter({
      vad: options.vad,
      endpointer: options.endpointer,
      input: options.input,
      idPrefix: randomUUID().slice(0, 8),
      historyFrames: options.preRollFrames ?? 25,
    });
  }

  get stats(): InboundStats {
    return { ...this.jitter.stats, garbage: this.garbage.count, frames: this.cutter.framesSeen, utterances: this.cutter.utterancesCut };
  }

  /** The utterance the VAD has open, if any. */
  get openUtterance(): string | null {
    return this.cutter.openUtterance;
  }

  push(packet: InboundPacket): void {
    if (this.closed) return;
    try {
      this.stopSilence();
      if (this.options.payloadType !== undefined && packet.payloadType !== this.options.payloadType) {
        this.garbage.count++;
        return;
      }
      this.jitter.push(packet.sequenceNumber, packet.payload);
      this.armQuietTimer();
    } catch {
      // A fault here must not take the session down: the packet is dropped as garbage.
      this.garbage.count++;
    }
  }

  /** The session's latest partial for an utterance: the endpointer weighs it. */
  partial(utteranceId: string, text: string): void {
    this.cutter.partial(utteranceId, text);
  }

  /** The track is gone: an open utterance ends here (its words are still recognised). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.cutter.end();
    this.options.vad.close();
  }

  private decode(payload: Uint8Array, lostBefore: number): void {
    if (lostBefore > 0) this.cutter.push(this.decoder.conceal(lostBefore * this.lastPacketSamples));
    const pcm = this.decoder.decode(payload);
    if (!pcm || pcm.length === 0 || pcm.length > MAX_PACKET_SAMPLES) {
      this.garbage.count++;
      this.cutter.push(this.decoder.conceal(this.lastPacketSamples));
      return;
    }
    this.lastPacketSamples = pcm.length;
    this.cutter.push(pcm);
  }

  /**
   * A track that goes quiet (muted, stalled) must neither hold packets back nor leave an
   * utterance open for ever: give up on missing packets, then feed silence to the endpointer.
   */
  private armQuietTimer(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (this.closed) return;
      this.jitter.flush();
      if (this.cutter.openUtterance) this.startSilence();
    }, this.options.quietMs ?? 60);
    this.quietTimer.unref();
  }

  private startSilence(): void {
    if (this.silenceTimer) return;
    const silence = new Int16Array(FRAME_SAMPLES);
    this.silenceTimer = setInterval(() => {
      if (!this.cutter.openUtterance || this.closed) return this.stopSilence();
      this.cutter.frame(silence);
    }, 20);
    this.silenceTimer.unref();
  }

  private stopSilence(): void {
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.silenceTimer = null;
  }

  private clearTimers(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    this.stopSilence();
  }
}
