import { describe, expect, it } from 'vitest';
import { JitterBuffer } from './jitter';

function buffer(depth = 3) {
  const out: Array<{ id: number; lostBefore: number }> = [];
  const jitter = new JitterBuffer({ depth, onPacket: (payload, lostBefore) => out.push({ id: payload[0], lostBefore }) });
  const push = (seq: number, id = seq & 0xff) => jitter.push(seq, new Uint8Array([id]));
  return { jitter, out, push, ids: () => out.map((o) => o.id) };
}

describe('the jitter buffer', () => {
  it('passes packets in order at once', () => {
    const { push, out, jitter } = buffer();
    push(10);
    expect(out).toEqual([{ id: 10, lostBefore: 0 }]);
    push(11);
    push(12);
    expect(out.length).toBe(3);
    expect(jitter.stats).toMatchObject({ received: 3, released: 3, lost: 0, duplicate: 0, late: 0 });
  });

  it('puts reordered packets back in order', () => {
    const { push, ids, jitter } = buffer();
    for (const seq of [1, 3, 2, 4, 6, 5, 7]) push(seq);
    expect(ids()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(jitter.stats.lost).toBe(0);
  });

  it('gives a missing packet up once `depth` later ones arrived, and says how many were lost', () => {
    const { push, out, jitter } = buffer(3);
    push(1);
    push(4);
    push(5);
    expect(out.length).toBe(1);
    push(6);
    expect(out).toEqual([
      { id: 1, lostBefore: 0 },
      { id: 4, lostBefore: 2 },
      { id: 5, lostBefore: 0 },
      { id: 6, lostBefore: 0 },
    ]);
    expect(jitter.stats.lost).toBe(2);
    push(2); // too late now
    expect(jitter.stats.late).toBe(1);
    expect(out.length).toBe(4);
  });

  it('drops duplicates, held or already released', () => {
    const { push, ids, jitter } = buffer();
    push(1);
    push(1);
    push(3);
    push(3);
    push(2);
    expect(ids()).toEqual([1, 2, 3]);
    expect(jitter.stats.duplicate).toBe(2);
  });

  it('follows sequence numbers across the 16-bit wrap', () => {
    const { push, ids, jitter } = buffer();
    for (const seq of [65534, 0, 65535, 1]) push(seq, seq === 0 ? 200 : seq === 1 ? 201 : seq & 0xff);
    expect(ids()).toEqual([254, 255, 200, 201]);
    expect(jitter.stats.lost).toBe(0);
  });

  it('follows a restarted stream instead of waiting for thousands of packets', () => {
    const { push, ids, jitter } = buffer();
    push(100);
    push(30_000, 7);
    push(30_001, 8);
    expect(ids()).toEqual([100, 7, 8]);
    expect(jitter.stats).toMatchObject({ resyncs: 1, stray: 0 });
  });

  it('drops a lone packet far off the sequence (garbage) without losing the stream', () => {
    const { push, ids, jitter } = buffer();
    push(100);
    push(30_000, 7);
    push(101);
    push(40_000, 9);
    push(102);
    expect(ids()).toEqual([100, 101, 102]);
    // 30 000 lies ahead of 101 (a stray); 40 000 is nearer behind it on the 16-bit circle (late).
    expect(jitter.stats).toMatchObject({ resyncs: 0, stray: 1, late: 1, lost: 0 });
  });

  it('flush releases what it holds when the track goes quiet', () => {
    const { push, out, jitter } = buffer();
    push(1);
    push(3);
    expect(out.length).toBe(1);
    jitter.flush();
    expect(out.at(-1)).toEqual({ id: 3, lostBefore: 1 });
    expect(jitter.holding).toBe(0);
  });
});
