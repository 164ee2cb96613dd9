/**
 * The page's WebRTC peer: the microphone's track goes out on a sendrecv audio transceiver,
 * the agent's voice comes back on the same one. Signalling is the contract's, non-trickle:
 * gathering completes (or times out) before the one offer goes on the socket.
 */
import { ICE_GATHERING_TIMEOUT_MS } from './transport';

export interface PeerEvents {
  /** The agent's voice arrived as a track. */
  onRemoteStream(stream: MediaStream): void;
  /** The connection is up (ICE and DTLS): audio flows. */
  onConnected(): void;
  /** It failed or closed after it was up, or could not be set up. */
  onFailed(reason: string): void;
}

export class Peer {
  readonly pc: RTCPeerConnection;
  private readonly sender: RTCRtpSender;
  private closed = false;
  private connected = false;

  constructor(track: MediaStreamTrack, iceServers: RTCIceServer[], private readonly events: PeerEvents) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.sender = this.pc.addTransceiver(track, { direction: 'sendrecv' }).sender;
    this.pc.ontrack = (event) => this.events.onRemoteStream(event.streams[0] ?? new MediaStream([event.track]));
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === 'connected' && !this.connected) {
        this.connected = true;
        this.events.onConnected();
      } else if (state === 'failed' || (state === 'closed' && !this.closed)) {
        this.fail(`the peer connection ${state}`);
      }
    };
  }

  /** A complete offer: every candidate gathered, or those found when the time ran out. */
  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await waitForIceGathering(this.pc, ICE_GATHERING_TIMEOUT_MS);
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('the browser made no offer');
    return sdp;
  }

  async answer(sdp: string): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      this.fail(`the server's answer was refused (${(error as Error).message})`);
    }
  }

  /** Another microphone, on the same connection: no renegotiation. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    await this.sender.replaceTrack(track);
  }

  get track(): MediaStreamTrack | null {
    return this.sender.track;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.close();
  }

  private fail(reason: string) {
    if (this.closed) return;
    this.close();
    this.events.onFailed(reason);
  }
}

/** Resolves when ICE gathering is complete, or after `timeoutMs` with what was gathered. */
export function waitForIceGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
