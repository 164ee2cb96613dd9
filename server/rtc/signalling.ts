/**
 * WebRTC for one voice session, as the contract's "WebRTC specifics" say: a non-trickle
 * `rtc.offer` gets one complete `rtc.answer`; one peer connection at a time (a second offer
 * replaces the first); when it connects, the track carries the user (InboundAudio cuts it
 * into utterances with the server VAD) and the agent (RtpAudioOutput takes over from the
 * socket's output); when it fails or closes, `error rtc_failed` (not fatal) and the socket
 * path carries on. The session itself knows nothing of any of this.
 */
import type { ServerMessage } from '../../lib/contract/messages';
import type { Logger } from '../log';
import { createVoiceActivityDetector, type VoiceActivityDetector } from '../audio/vad';
import type { AudioOutput } from '../voice/audio-out';
import { Endpointer, type EndpointingOptions } from '../voice/endpointing';
import type { SessionInput } from '../voice/events';
import { InboundAudio } from './inbound';
import { OfferError, RtcPeer, type RtcIceConfig } from './peer';
import { RtpAudioOutput } from './rtp-audio-output';

export interface RtcBridgeOptions {
  ice: RtcIceConfig;
  session: { handle(input: SessionInput): void; useOutput(output: AudioOutput): void };
  /** Where agent speech goes when no track carries it. */
  socketOutput: AudioOutput;
  send(message: ServerMessage): void;
  /** The agent's own judgement of whether a partial is a whole request (the endpointer's). */
  isCompleteRequest?: (text: string) => boolean;
  endpointing?: Partial<EndpointingOptions>;
  log: Logger;
  createVad?: () => Promise<VoiceActivityDetector>;
  /** A peer that has not connected this long after its answer has failed. Default 15 s. */
  connectTimeoutMs?: number;
  /** A track now carries the user. */
  onConnected?: () => void;
}

interface Link {
  peer: RtcPeer;
  inbound: InboundAudio;
  output: RtpAudioOutput;
  connectTimer: NodeJS.Timeout | null;
  released: boolean;
}

export class RtcBridge {
  private link: Link | null = null;
  private offers = 0;
  private closed = false;

  constructor(private readonly options: RtcBridgeOptions) {}

  /** Whether a connected track carries the user's audio (socket audio is then a transport conflict). */
  get carriesUser(): boolean {
    return this.link?.peer.connectionState === 'connected';
  }

  /** The open utterance's partial transcript, for the endpointer. */
  partial(utteranceId: string, text: string): void {
    this.link?.inbound.partial(utteranceId, text);
  }

  async offer(sdp: string): Promise<void> {
    if (this.closed) return;
    const offer = ++this.offers;
    const previous = this.link;
    this.link = null;
    if (previous) {
      this.release(previous, 'replaced by a new offer');
      // Until the new peer connects, agent speech goes nowhere rather than onto the socket.
    }
    let link: Link | null = null;
    try {
      const vad = await (this.options.createVad ?? createVoiceActivityDetector)();
      if (this.closed || offer !== this.offers) return vad.close();
      link = this.createLink(vad);
      this.link = link;
      const answer = await link.peer.answer(sdp);
      if (link.released) return;
      this.options.send({ type: 'rtc.answer', sdp: answer });
      const timeoutMs = this.options.connectTimeoutMs ?? 15_000;
      link.connectTimer = setTimeout(() => this.gone(link!, `it did not connect within ${timeoutMs / 1000} s`), timeoutMs);
      link.connectTimer.unref();
    } catch (error) {
      const reason = error instanceof OfferError ? error.message : 'the server could not answer the offer';
      if (link && !link.released) this.gone(link, reason);
      else if (!link && !this.closed && offer === this.offers) this.failed(reason); // e.g. no VAD could be made
      if (!(error instanceof OfferError)) this.options.log.error({ err: error }, 'could not answer an rtc.offer');
    }
  }

  /** The session ends: everything this bridge holds is released. */
  async close(): Promise<void> {
    this.closed = true;
    const link = this.link;
    this.link = null;
    if (link) await this.release(link, 'the session ended');
  }

  private createLink(vad: VoiceActivityDetector): Link {
    const { session, log } = this.options;
    const link: Link = {
      peer: null as unknown as RtcPeer,
      inbound: null as unknown as InboundAudio,
      output: null as unknown as RtpAudioOutput,
      connectTimer: null,
      released: false,
    };
    link.peer = new RtcPeer(this.options.ice, {
      onRtp: (packet) => link.inbound.push({ sequenceNumber: packet.header.sequenceNumber, payloadType: packet.header.payloadType, payload: packet.payload }),
      onConnected: () => {
        if (link.released) return;
        if (link.connectTimer) clearTimeout(link.connectTimer);
        link.connectTimer = null;
        session.useOutput(link.output);
        log.info('webrtc connected');
        this.options.onConnected?.();
      },
      onGone: (reason) => this.gone(link, reason),
    });
    link.output = new RtpAudioOutput(link.peer);
    link.inbound = new InboundAudio({
      vad,
      endpointer: new Endpointer({ ...this.options.endpointing, isCompleteRequest: this.options.isCompleteRequest }),
      input: (input) => session.handle(input),
      // Set once the answer is made; until then any Opus is taken.
      get payloadType() {
        return link.peer.payloadType;
      },
    });
    return link;
  }

  /** The current peer failed or closed: say so, and the socket carries the agent again. */
  private gone(link: Link, reason: string): void {
    if (link.released) return;
    const current = this.link === link;
    if (current) this.link = null;
    void this.release(link, reason);
    if (!current || this.closed) return;
    this.failed(reason);
  }

  private failed(reason: string): void {
    this.options.session.useOutput(this.options.socketOutput);
    this.options.send({ type: 'error', code: 'rtc_failed', message: `WebRTC stopped: ${sentence(reason)} The WebSocket audio path still works.`, fatal: false });
  }

  private async release(link: Link, reason: string): Promise<void> {
    if (link.released) return;
    link.released = true;
    if (link.connectTimer) clearTimeout(link.connectTimer);
    const stats = link.inbound.stats;
    // The open utterance ends with the track (its words are still recognised), before the peer goes.
    link.inbound.close();
    link.output.close();
    this.options.log.info({ reason, inbound: stats, packetsSent: link.output.packetsSent }, 'webrtc closed');
    await link.peer.close();
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
