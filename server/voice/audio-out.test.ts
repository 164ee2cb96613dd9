import { describe, expect, it } from 'vitest';
import { PacedAudioOutput } from './audio-out';

function recorder(now: () => number) {
  const frames: Array<{ id: string; sequence: number; length: number; at: number }> = [];
  const output = new PacedAudioOutput({ sendFrame: (id, sequence, frame) => frames.push({ id, sequence, length: frame.length, at: now() }), leadMs: 100, now });
  return { output, frames };
}

describe('PacedAudioOutput', () => {
  it('sends 20 ms frames at once up to the lead, pads the last one, and finishes', async () => {
    const { output, frames } = recorder(() => performance.now());
    const audio = output.begin('a');
    audio.push(new Int16Array(16000 * 0.05)); // 50 ms: two full frames and half of one
    expect(frames.map((f) => f.sequence)).toEqual([0, 1]);
    await audio.finish();
    expect(frames.map((f) => [f.sequence, f.length])).toEqual([[0, 320], [1, 320], [2, 320]]);
    expect(audio.sentMs).toBe(60);
  });

  it('paces to real time beyond the lead', async () => {
    const { output, frames } = recorder(() => performance.now());
    const audio = output.begin('a');
    const started = performance.now();
    audio.push(new Int16Array(16000 * 0.3)); // 300 ms with a 100 ms lead
    expect(frames.length).toBe(6); // frames 0–5 are due within the lead
    await audio.finish();
    expect(frames.length).toBe(15);
    // The last frame (280 ms) may leave 100 ms early, not sooner.
    expect(frames.at(-1)!.at - started).toBeGreaterThanOrEqual(175);
  });

  it('clear() stops at once and reports what was sent and what was played', async () => {
    const { output, frames } = recorder(() => performance.now());
    const audio = output.begin('a');
    audio.push(new Int16Array(16000));
    const finished = audio.finish();
    const position = audio.clear(40);
    await finished;
    expect(position).toEqual({ sentMs: frames.length * 20, playedMs: 40 });
    const count = frames.length;
    audio.push(new Int16Array(3200));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(frames.length).toBe(count);
  });

  it('never reports more played than sent, and without a report counts what was sent as played', () => {
    const { output } = recorder(() => performance.now());
    const audio = output.begin('a');
    audio.push(new Int16Array(3200)); // 200 ms: 100 ms lead → 6 frames out
    expect(audio.clear(10_000)).toEqual({ sentMs: 120, playedMs: 120 });
    const next = output.begin('b');
    next.push(new Int16Array(640));
    expect(next.clear()).toEqual({ sentMs: 40, playedMs: 40 });
  });

  it('beginning an utterance clears the one before: its late pushes send nothing', () => {
    const { output, frames } = recorder(() => performance.now());
    const first = output.begin('a');
    first.push(new Int16Array(320));
    output.begin('b');
    first.push(new Int16Array(3200));
    expect(frames.map((f) => f.id)).toEqual(['a']);
  });
});
