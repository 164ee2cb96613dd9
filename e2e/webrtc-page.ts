/**
 * What the WebRTC specs observe of the page from outside its code: every RTCPeerConnection it
 * makes (for getStats), and the agent's audio as received on the peer connection, through a
 * Web Audio analyser of the test's own (the page's meter is checked separately).
 */
import type { Page } from '@playwright/test';

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
