/**
 * A WebRTC client of the contract with no browser: a werift peer on loopback that offers over
 * a ContractClient's socket, sends Opus-encoded speech as RTP paced like a microphone (with
 * loss, reordering or garbage on demand), and records the agent's packets as they arrive.
 */
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { FRAME_SAMPLES, OpusDecoder, OpusEncoder16k } from '../rtc/opus';
import { gathered } from '../rtc/warmup';
import type { ContractClient } from './contract-client';
import { rms } from './test-speech';

export interface ReceivedPacket {
  at: number;
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
  payload: Buffer;
}

export interface SendOptions {
  /** Drop this share of packets (seeded by `random`). */
  loss?: number;
  /** Swap this share of packets with the next one. */
  reorder?: number;
  /** After every Nth packet, also send one of random bytes. */
  garbageEvery?: number;
  random?: () => number;
  /** Called as each 20 ms frame of the clip is sent (index, time). */
  onFrame?: (index: number, at: number) => void;
}

export class RtcTestClient {
  readonly received: ReceivedPacket[] = [];
  private readonly encoder = new OpusEncoder16k();
  private sequenceNumber = 1000;
  private timestamp = 50_000;
  private sending = false;
  state = 'new';
  private waiters: Array<() => void> = [];

  private constructor(
    readonly pc: RTCPeerConnection,
    readonly track: MediaStreamTrack,
  ) {
    pc.connectionStateChange.subscribe((state) => {
      this.state = state;
      for (const wake of this.waiters.splice(0)) wake();
    });
    pc.onTrack.subscribe((remote) => {
      remote.onReceiveRtp.subscribe((packet) => {
        this.received.push({ at: performance.now(), sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp, marker: packet.header.marker, payload: packet.payload });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /** A peer with one sendrecv audio transceiver, not yet offering. */
  static create(): RtcTestClient {
    const pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv4: false, iceUseIpv6: false });
    const track = new MediaStreamTrack({ kind: 'audio' });
    pc.addTransceiver(track, { direction: 'sendrecv' });
    return new RtcTestClient(pc, track);
  }

  /** Takes the answer and waits for the connection. */
  async accept(answerSdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    await this.until(() => this.state === 'connected', 40_000, 'the peer connection');
  }

  /** Offers over the socket and waits for the answer (or rtc_failed) and the connection. */
  static async connect(contract: ContractClient, options: { connect?: boolean } = {}): Promise<RtcTestClient> {
    const client = RtcTestClient.create();
    const pc = client.pc;
    const sdp = await client.offer();
    const from = contract.received.length;
    contract.send({ type: 'rtc.offer', sdp });
    const answer = await Promise.race([
      contract.next('rtc.answer', () => true, { from }),
      contract.next('error', (e) => e.code === 'rtc_failed', { from }).then((e) => Promise.reject(new Error(`rtc_failed: ${e.message}`))),
    ]);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    if (options.connect !== false) await client.until(() => client.state === 'connected', 40_000, 'the peer connection');
    return client;
  }

  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await gathered(this.pc);
    return this.pc.localDescription!.sdp;
  }

  /** Resolves once `condition` holds (checked on every state change and packet). */
  until(condition: () => boolean, timeoutMs = 30_000, what = 'a condition'): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not happen within ${timeoutMs} ms (state ${this.state}, ${this.received.length} packets)`)), timeoutMs);
      const check = () => {
        if (condition()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  /** Sends 16 kHz speech as 20 ms Opus packets paced on the wall clock, as a microphone would. */
  async send(pcm: Int16Array, options: SendOptions = {}): Promise<void> {
    const random = options.random ?? Math.random;
    const packets: Array<{ index: number; packet: RtpPacket }> = [];
    for (let offset = 0, index = 0; offset < pcm.length; offset += FRAME_SAMPLES, index++) {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(pcm.subarray(offset, offset + FRAME_SAMPLES));
      const header = new RtpHeader({ sequenceNumber: (this.sequenceNumber = (this.sequenceNumber + 1) & 0xffff), timestamp: (this.timestamp = (this.timestamp + 960) >>> 0), payloadType: 111, marker: index === 0 });
      packets.push({ index, packet: new RtpPacket(header, this.encoder.encode(frame)) });
    }
    for (let i = 0; i + 1 < packets.length; i++) if (options.reorder && random() < options.reorder) [packets[i], packets[i + 1]] = [packets[i + 1], packets[i]];
    this.sending = true;
    const started = performance.now();
    for (let i = 0; i < packets.length && this.sending; i++) {
      const due = started + i * 20;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      options.onFrame?.(packets[i].index, performance.now());
      if (!(options.loss && random() < options.loss)) this.track.writeRtp(packets[i].packet);
      if (options.garbageEvery && i % options.garbageEvery === 0) {
        const garbage = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
        this.track.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: Math.floor(random() * 65536), timestamp: this.timestamp, payloadType: 111 }), garbage));
      }
    }
    this.sending = false;
  }

  /** The agent's packets decoded in arrival order (the server sends them in order on loopback). */
  receivedPcm(from = 0): Int16Array {
    const decoder = new OpusDecoder();
    const parts = this.received.slice(from).map((p) => decoder.decode(p.payload) ?? new Int16Array(0));
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  /** Arrival time of the first received packet (from index `from`) whose audio is not silence. */
  firstAudibleAt(from = 0, thresholdRms = 300): number | null {
    const decoder = new OpusDecoder();
    for (const p of this.received.slice(from)) {
      const pcm = decoder.decode(p.payload);
      if (pcm && rms(pcm) > thresholdRms) return p.at;
    }
    return null;
  }

  /**
   * werift's close sends no DTLS alert, so the far side only notices when ICE consent
   * expires (~30 s), as with a browser that crashed or lost its network.
   */
  async close(): Promise<void> {
    this.sending = false;
    await this.pc.close();
  }
}
