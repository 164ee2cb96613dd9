/**
 * What the WebRTC specs observe of the page from outside its code: every RTCPeerConnection it
 * makes (for getStats), and the agent's audio as received on the peer connection, through a
 * Web Audio analyser of the test's own (the page's meter is checked separately).
 */
import { expect, type Page } from '@playwright/test';

declare global {
  interface Window {
    __testPeers?: RTCPeerConnection[];
    /** Largest absolute sample the test's analyser saw on the received track(s). */
    __testRemotePeak?: number;
    /** Page-clock ms of the first received sample above 0.01 (none yet: undefined). */
    __testRemoteFirstAudible?: number;
    /** Every 20 ms: the peak of the last ~43 ms received, on the page's clock. */
    __testRemoteLevels?: { at: number; peak: number }[];
  }
}

export async function observePeers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Original = window.RTCPeerConnection;
    window.__testPeers = [];
    window.__testRemotePeak = 0;
    window.__testRemoteLevels = [];
    const watch = (track: MediaStreamTrack) => {
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048; // ~43 ms at 48 kHz: read every 20 ms, no sample goes unseen
      context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const timer = setInterval(() => {
        if (track.readyState === 'ended') return clearInterval(timer);
        analyser.getFloatTimeDomainData(samples);
        let peak = 0;
        for (const s of samples) peak = Math.max(peak, Math.abs(s));
        window.__testRemotePeak = Math.max(window.__testRemotePeak ?? 0, peak);
        window.__testRemoteLevels!.push({ at: performance.now(), peak });
        if (peak > 0.01 && window.__testRemoteFirstAudible === undefined) window.__testRemoteFirstAudible = performance.now();
      }, 20);
    };
    class ObservedPeerConnection extends Original {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        window.__testPeers!.push(this);
        this.addEventListener('track', (event) => watch(event.track));
      }
    }
    window.RTCPeerConnection = ObservedPeerConnection;
  });
}

/** Audio bytes received over all the page's peer connections (inbound-rtp). */
export function inboundAudioBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let bytes = 0;
    for (const pc of window.__testPeers ?? []) {
      const stats = await pc.getStats();
      stats.forEach((report: { type: string; kind?: string; bytesReceived?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') bytes += report.bytesReceived ?? 0;
      });
    }
    return bytes;
  });
}

export const remotePeak = (page: Page) => page.evaluate(() => window.__testRemotePeak ?? 0);

/**
 * Speaks `pcm` (16 kHz mono) into the page's peer connection from now on: the sender's track
 * is replaced by one Web Audio plays the speech into, followed by silence. A person speaking
 * at a moment the test chooses, which a fake microphone's fixed schedule cannot do.
 * Returns the page-clock time the speech starts.
 */
export function speakIntoPeer(page: Page, pcm: Int16Array): Promise<number> {
  return page.evaluate(async (samples) => {
    const context = new AudioContext({ sampleRate: 16000 });
    const buffer = context.createBuffer(1, samples.length, 16000);
    buffer.getChannelData(0).set(samples.map((s) => s / 32768));
    const destination = context.createMediaStreamDestination();
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(destination);
    const sender = window.__testPeers?.at(-1)?.getSenders().find((s) => s.track?.kind === 'audio');
    if (!sender) throw new Error('the page has no peer connection sending audio');
    await sender.replaceTrack(destination.stream.getAudioTracks()[0]);
    source.start();
    return performance.now();
  }, Array.from(pcm));
}

export interface StoredTurn {
  role: 'user' | 'agent';
  text: string;
  interrupted: boolean;
}

/** The talk page's conversation (from its URL), once its stored turns have these roles, in order. */
export async function storedTurns(page: Page, roles: StoredTurn['role'][]): Promise<StoredTurn[]> {
  const conversationId = new URL(page.url()).searchParams.get('conversation');
  let turns: StoredTurn[] = [];
  await expect
    .poll(async () => {
      const response = await page.request.get(`/api/conversations/${conversationId}`);
      turns = ((await response.json()) as { turns: StoredTurn[] }).turns;
      return turns.map((t) => t.role);
    })
    .toEqual(roles);
  return turns;
}
