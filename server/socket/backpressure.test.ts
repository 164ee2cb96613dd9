import { describe, expect, it } from 'vitest';
import { SocketBackpressure } from './backpressure';

describe('SocketBackpressure', () => {
  const limits = { holdBytes: 1000, dropBytes: 5000, dropAfterMs: 2000 };

  function gate() {
    const state = { buffered: 0, now: 0, held: 0, dropped: [] as number[] };
    const backpressure = new SocketBackpressure(() => state.buffered, limits, { held: () => state.held++, dropped: (_, heldMs) => state.dropped.push(heldMs) }, () => state.now);
    return { state, check: backpressure.check };
  }

  it('sends at or below the hold bound', () => {
    const { state, check } = gate();
    expect(check()).toBe('send');
    state.buffered = 1000;
    expect(check()).toBe('send');
    expect(state.held).toBe(0);
  });

  it('holds above it, once per episode, and sends again when it drains', () => {
    const { state, check } = gate();
    state.buffered = 1001;
    expect([check(), check(), check()]).toEqual(['hold', 'hold', 'hold']);
    expect(state.held).toBe(1);
    state.buffered = 10;
    expect(check()).toBe('send');
    state.buffered = 2000;
    expect(check()).toBe('hold');
    expect(state.held).toBe(2);
  });

  it('drops after being held longer than dropAfterMs', () => {
    const { state, check } = gate();
    state.buffered = 2000;
    expect(check()).toBe('hold');
    state.now = 2000;
    expect(check()).toBe('hold');
    state.now = 2001;
    expect(check()).toBe('drop');
    expect(state.dropped).toEqual([2001]);
    // The next utterance starts a new episode: held again, not dropped at once.
    expect(check()).toBe('hold');
  });

  it('drops at once above the drop bound', () => {
    const { state, check } = gate();
    state.buffered = 5001;
    expect(check()).toBe('drop');
    expect(state.held).toBe(1);
  });
});
