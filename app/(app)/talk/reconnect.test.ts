/** The talk page's reconnect policy: jittered capped backoff, a bound, and what resets it. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, maxTotalWaitMs, Reconnector, shouldReconnect, type BackoffPolicy, type ReconnectStatus, type ReconnectTimers } from './reconnect';

const policy: BackoffPolicy = { initialMs: 500, maxMs: 4_000, factor: 2, jitter: 0.5, maxAttempts: 5, stableMs: 5_000 };

/** Timers the test advances by hand. */
class FakeTimers implements ReconnectTimers {
  time = 0;
  private pending: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  setTimeout(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.pending.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }
  now() {
    return this.time;
  }
  /** Runs the next timer; returns how long it waited. */
  runNext(): number {
    this.pending.sort((a, b) => a.at - b.at);
    const next = this.pending.shift();
    if (!next) throw new Error('no timer pending');
    const waited = next.at - this.time;
    this.time = next.at;
    next.callback();
    return waited;
  }
  get count() {
    return this.pending.length;
  }
}

function setUp(random = () => 0.5) {
  const timers = new FakeTimers();
  const statuses: ReconnectStatus[] = [];
  let connects = 0;
  const r = new Reconnector({ connect: () => connects++, onStatus: (s) => statuses.push(s), policy, timers, random });
  return { r, timers, statuses, connects: () => connects };
}

describe('backoffDelay', () => {
  it('doubles up to the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, () => 0.999999));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('is jittered between half and all of its ceiling', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(1000);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(1500);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(policy, 4);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('the default gives up within about 40 s', () => {
    expect(maxTotalWaitMs(DEFAULT_BACKOFF)).toBe(500 + 1000 + 2000 + 4000 + 8000 * 4);
  });
});

describe('shouldReconnect', () => {
  it('retries drops, restarts and server errors, not closes on purpose or for policy', () => {
    expect([1001, 1006, 1011, 1012, 4000].map(shouldReconnect)).toEqual([true, true, true, true, true]);
    expect([1000, 1008, 1009].map(shouldReconnect)).toEqual([false, false, false]);
  });
});

describe('Reconnector', () => {
  it('does nothing before it is begun, or after it is stopped', () => {
    const { r, timers } = setUp();
    expect(r.dropped()).toEqual({ phase: 'idle' });
    r.begin();
    r.stop();
    expect(r.dropped()).toEqual({ phase: 'idle' });
    expect(timers.count).toBe(0);
  });

  it('reconnects after a drop with growing waits, counting attempts', () => {
    const { r, timers, connects } = setUp();
    r.begin();
    r.connected();
    expect(r.dropped()).toMatchObject({ phase: 'reconnecting', attempt: 1, maxAttempts: 5 });
    expect(connects()).toBe(0);
    expect(timers.runNext()).toBe(375);
    expect(connects()).toBe(1);
    // That attempt failed before the session was ready.
    expect(r.dropped()).toMatchObject({ attempt: 2 });
    expect(timers.runNext()).toBe(750);
    expect(r.dropped()).toMatchObject({ attempt: 3 });
    expect(timers.runNext()).toBe(1500);
    expect(connects()).toBe(3);
  });

  it('gives up after maxAttempts failures in a row', () => {
    const { r, timers, connects } = setUp();
    r.begin();
    for (let n = 1; n <= 5; n++) {
      expect(r.dropped()).toMatchObject({ phase: 'reconnecting', attempt: n });
      timers.runNext();
    }
    expect(r.dropped()).toEqual({ phase: 'gave-up', attempts: 5 });
    expect(connects()).toBe(5);
    expect(timers.count).toBe(0);
    // Dropped again after giving up: still given up, nothing scheduled.
    expect(r.dropped()).toEqual({ phase: 'gave-up', attempts: 5 });
    expect(timers.count).toBe(0);
  });

  it('starts again from attempt 1 once a connection stayed up', () => {
    const { r, timers } = setUp();
    r.begin();
    r.dropped();
    timers.runNext();
    r.dropped();
    timers.runNext();
    r.connected();
    timers.time += policy.stableMs;
    expect(r.dropped()).toMatchObject({ attempt: 1 });
  });

  it('keeps counting when the server accepts and drops at once (a crash loop)', () => {
    const { r, timers } = setUp();
    r.begin();
    for (let n = 1; n <= 5; n++) {
      expect(r.dropped()).toMatchObject({ attempt: n });
      timers.runNext();
      r.connected();
      timers.time += 100;
    }
    expect(r.dropped()).toMatchObject({ phase: 'gave-up' });
  });

  it('stop cancels a pending attempt', () => {
    const { r, timers, connects } = setUp();
    r.begin();
    r.dropped();
    r.stop();
    expect(timers.count).toBe(0);
    expect(connects()).toBe(0);
  });

  it('reports every change of status', () => {
    const { r, timers, statuses } = setUp(() => 0);
    r.begin();
    r.dropped();
    timers.runNext();
    r.connected();
    r.giveUp();
    expect(statuses.map((s) => s.phase)).toEqual(['active', 'reconnecting', 'active', 'gave-up']);
    expect(statuses[1]).toEqual({ phase: 'reconnecting', attempt: 1, maxAttempts: 5, delayMs: 250 });
  });
});
