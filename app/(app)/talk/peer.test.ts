/** Non-trickle signalling waits for ICE gathering, but never for ever. */
import { describe, expect, it, vi } from 'vitest';
import { waitForIceGathering } from './peer';

class FakePeer extends EventTarget {
  iceGatheringState: RTCIceGatheringState = 'gathering';
  finishGathering() {
    this.iceGatheringState = 'complete';
    this.dispatchEvent(new Event('icegatheringstatechange'));
  }
}

describe('waitForIceGathering', () => {
  it('resolves when gathering completes, not before', async () => {
    vi.useFakeTimers();
    try {
      const pc = new FakePeer();
      let done = false;
      const waiting = waitForIceGathering(pc as unknown as RTCPeerConnection, 2000).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(500);
      expect(done).toBe(false);
      pc.finishGathering();
      await waiting;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resolves at the time-out with what was gathered', async () => {
    vi.useFakeTimers();
    try {
      const pc = new FakePeer();
      let done = false;
      const waiting = waitForIceGathering(pc as unknown as RTCPeerConnection, 2000).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(1999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await waiting;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resolves at once when gathering is already complete', async () => {
    const pc = new FakePeer();
    pc.iceGatheringState = 'complete';
    await expect(waitForIceGathering(pc as unknown as RTCPeerConnection, 60_000)).resolves.toBeUndefined();
  });
});
