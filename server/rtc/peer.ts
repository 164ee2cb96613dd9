/**
 * One werift peer connection answering a browser's (or a test client's) non-trickle offer:
 * audio only, Opus 48000/2, one transceiver made sendrecv so that the agent's voice goes back
 * on it. ICE: no public STUN unless configured, a loopback host candidate, `.local` (mDNS)
 * candidates stripped from the offer so that werift never sends multicast DNS, an optional
 * announced address (a container's or NAT's public one) added to the answer's candidates.
 */
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCIceServer,
  type RtpPacket,
  type RTCRtpTransceiver,
} from 'werift';

export interface RtcIceConfig {
  /** STUN/TURN servers; none by default. */
  iceServers: RTCIceServer[];
  /** UDP ports the peers may bind, inclusive; undefined: any the system gives. */
  udpPorts?: [number, number];
  /** An address clients reach this server at that it cannot see itself (container, 1:1 NAT). */
  announcedAddress?: string;
  /** Offer a loopback candidate (clients on this machine). Default true. */
  loopback?: boolean;
}

export type PeerState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export interface RtcPeerEvents {
  /** An RTP packet of the remote audio track. */
  onRtp(packet: RtpPacket): void;
  onConnected(): void;
  /** The connection failed or closed from the far side (not after close()). */
  onGone(reason: string): void;
}

export class OfferError extends Error {}

/** Opus as RFC 7587 names it; the audio itself is mono. */
const OPUS = () => new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: 'minptime=10;useinbandfec=1' });

const GATHER_TIMEOUT_MS = 5_000;
/** ICE "disconnected" is often a blip; it is failure once it lasts this long. */
const DISCONNECTED_GRACE_MS = 5_000;

export class RtcPeer {
  private readonly pc: RTCPeerConnection;
  private transceiver: RTCRtpTransceiver | null = null;
  /** The track the agent's voice is written to. */
  readonly outbound = new MediaStreamTrack({ kind: 'audio' });
  private state: PeerState = 'new';
  private disconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly config: RtcIceConfig,
    private readonly events: RtcPeerEvents,
  ) {
    this.pc = new RTCPeerConnection({
      iceServers: config.iceServers,
      icePortRange: config.udpPorts,
      iceAdditionalHostAddresses: config.loopback === false ? undefined : ['127.0.0.1'],
      iceUseIpv4: true,
      iceUseIpv6: false,
      codecs: { audio: [OPUS()], video: [] },
      headerExtensions: { audio: [], video: [] },
    });
    this.pc.connectionStateChange.subscribe((state) => this.onState(state));
    this.pc.onTrack.subscribe((track) => {
      if (track.kind !== 'audio') return;
      track.onReceiveRtp.subscribe((packet) => {
        if (!this.closed) this.events.onRtp(packet);
      });
    });
  }

  get connectionState(): PeerState {
    return this.state;
  }

  /** The negotiated Opus payload type (after `answer`). */
  get payloadType(): number | undefined {
    return this.transceiver?.codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus')?.payloadType;
  }

  /** The complete answer (all candidates) to a complete offer. Throws OfferError for an offer we cannot take. */
  async answer(offerSdp: string): Promise<string> {
    const sdp = stripMdnsCandidates(offerSdp);
    if (!/^m=audio /m.test(sdp)) throw new OfferError('The offer has no audio section: offer one audio track (Opus).');
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
    } catch (error) {
      throw new OfferError(`The offer could not be read: ${(error as Error).message}`);
    }
    const transceiver = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!transceiver || !transceiver.codecs.some((c) => c.mimeType.toLowerCase() === 'audio/opus')) {
      throw new OfferError('The offer has no Opus audio: offer opus/48000/2.');
    }
    this.transceiver = transceiver;
    // The transceiver setRemoteDescription made is recvonly: the agent's voice needs it both ways.
    transceiver.setDirection('sendrecv');
    await transceiver.sender.replaceTrack(this.outbound);
    this.state = 'connecting';
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    // A browser closing says so over DTLS (close_notify); werift only notices ICE failing ~30 s later.
    transceiver.dtlsTransport?.onStateChange.subscribe((state) => {
      if (state === 'closed' || state === 'failed') this.gone(`the peer connection ${state === 'closed' ? 'was closed by the other side' : 'failed'}`);
    });
    await this.gathered();
    const local = this.pc.localDescription?.sdp;
    if (!local) throw new Error('werift made no local description');
    return this.config.announcedAddress ? announce(local, this.config.announcedAddress) : local;
  }

  writeRtp(packet: RtpPacket): void {
    if (this.state === 'connected') this.outbound.writeRtp(packet);
  }

  /** Ends the connection and releases its sockets and timers. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.state = 'closed';
    if (this.disconnectTimer) clearTimeout(this.disconnectTimer);
    this.outbound.stop();
    await this.pc.close().catch(() => {});
  }

  private gathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, GATHER_TIMEOUT_MS);
      const { unSubscribe } = this.pc.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') done();
      });
      function done() {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      }
    });
  }

  private onState(state: string): void {
    if (this.closed) return;
    if (this.disconnectTimer && state !== 'disconnected') {
      clearTimeout(this.disconnectTimer);
      this.disconnectTimer = null;
    }
    switch (state) {
      case 'connected':
        if (this.state !== 'connected') {
          this.state = 'connected';
          this.events.onConnected();
        }
        return;
      case 'disconnected':
        this.disconnectTimer ??= setTimeout(() => this.gone('the peer connection was lost'), DISCONNECTED_GRACE_MS);
        this.disconnectTimer.unref();
        return;
      case 'failed':
        return this.gone('the peer connection failed');
      case 'closed':
        return this.gone('the peer connection closed');
    }
  }

  private gone(reason: string): void {
    if (this.closed) return;
    this.state = 'failed';
    void this.close();
    this.events.onGone(reason);
  }
}

/** Drops `.local` (mDNS) candidates: resolving them would make werift send multicast DNS. */
export function stripMdnsCandidates(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => !/^a=candidate:\S+ \d+ \S+ \d+ \S+\.local /i.test(line))
    .join('\r\n');
}

/** Adds, for every host candidate, the same port at the announced address (a slightly lower priority). */
export function announce(sdp: string, address: string): string {
  const out: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    out.push(line);
    const m = /^a=candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ host(.*)$/.exec(line);
    if (m && m[5] !== address) out.push(`a=candidate:${m[1]}a ${m[2]} ${m[3]} ${Number(m[4]) - 1} ${address} ${m[6]} typ host${m[7]}`);
  }
  return out.join('\r\n');
}
