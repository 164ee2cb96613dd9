/**
 * The first DTLS handshake in a process costs ~450 ms of CPU (pure-JS crypto, a cold JIT):
 * paid once at start-up, on loopback between two peers of our own, not by the first caller.
 */
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { RtcPeer } from './peer';

export async function warmUpDtls(timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  const offerer = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv4: false, iceUseIpv6: false });
  let connected!: () => void;
  const bothConnected = new Promise<void>((resolve) => (connected = resolve));
  const answerer = new RtcPeer({ iceServers: [], loopback: true }, { onRtp: () => {}, onConnected: () => connected(), onGone: () => {} });
  const timer = setTimeout(() => connected(), timeoutMs);
  try {
    offerer.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendrecv' });
    await offerer.setLocalDescription(await offerer.createOffer());
    await gathered(offerer);
    const answer = await answerer.answer(offerer.localDescription!.sdp);
    await offerer.setRemoteDescription({ type: 'answer', sdp: answer });
    await bothConnected;
  } finally {
    clearTimeout(timer);
    await Promise.allSettled([answerer.close(), offerer.close()]);
  }
  return performance.now() - started;
}

export function gathered(pc: RTCPeerConnection, timeoutMs = 5_000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') done();
    });
    function done() {
      clearTimeout(timer);
      unSubscribe();
      resolve();
    }
  });
}
