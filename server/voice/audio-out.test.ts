import { describe, expect, it } from 'vitest';
import { PacedAudioOut } from './audio-out';

function recorder(now: () => number) {
  const frames: Array<{ id: string; sequence: number; length: number; at: number }> = [];
  const out = new PacedAudioOut({ sendFrame: (id, sequence, frame) => frames.push({ id, sequence, length: frame.length, at: now() }), leadMs: 100, now });
  return { out, frames };
}

describe('PacedAudioOut', () => {
  it('sends 20 ms frames at once up to the lead, pads the last one, and finishes', async () => {
    const { out, frames } = recorder(() => performance.now());
    out.start('a');
    out.push(new Int16Array(16000 * 0.05)); // 50 ms: two full frames and half of one
    expect(frames.map((f) => f.sequence)).toEqual([0, 1]);
    await out.finish();
    expect(frames.map((f) => [f.sequence, f.length])).toEqual([[0, 320], [1, 320], [2, 320]]);
    expect(out.sentMs).toBe(60);
  });

  it('paces to real time beyond the lead', async () => {
    const { out, frames } = recorder(() => performance.now());
    out.start('a');
    const started = performance.now();
    out.push(new Int16Array(16000 * 0.3)); // 300 ms with a 100 ms lead
    expect(frames.length).toBe(6); // frames 0–5 are due within the lead
    await out.finish();
    expect(frames.length).toBe(15);
    // The last frame (280 ms) may leave 100 ms early, not sooner.
    expect(frames.at(-1)!.at - started).toBeGreaterThanOrEqual(175);
  });

  it('clear() stops at once and reports what was sent', async () => {
    const { out, frames } = recorder(() => performance.now());
    out.start('a');
    out.push(new Int16Array(16000));
    const finished = out.finish();
    const { sentMs } = out.clear();
    await finished;
    expect(sentMs).toBe(frames.length * 20);
    const count = frames.length;
    out.push(new Int16Array(3200));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(frames.length).toBe(count);
  });
});
