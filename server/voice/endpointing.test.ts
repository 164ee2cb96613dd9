/** The endpointer: frame probabilities in, utterance starts and ends out. */
import { describe, expect, it } from 'vitest';
import { Endpointer, type EndpointDecision } from './endpointing';

/** Feeds `ms` of frames at probability `p`; returns the decisions with the frame index each came at. */
function feed(e: Endpointer, p: number, ms: number, log: Array<[number, EndpointDecision]>, clock: { frame: number }): void {
  for (let i = 0; i < ms / 20; i++) {
    const d = e.push(p);
    if (d) log.push([clock.frame, d]);
    clock.frame++;
  }
}

describe('the endpointer', () => {
  it('opens after startSpeechMs of speech, with the onset and pre-roll frames', () => {
    const e = new Endpointer({ startSpeechMs: 60, preRollMs: 100 });
    const log: Array<[number, EndpointDecision]> = [];
    const clock = { frame: 0 };
    feed(e, 0, 400, log, clock);
    feed(e, 1, 40, log, clock);
    expect(log).toEqual([]);
    feed(e, 1, 20, log, clock);
    expect(log).toEqual([[22, { type: 'start', preRollFrames: 3 + 5 }]]);
    expect(e.isOpen).toBe(true);
  });

  it('does not open on speech shorter than startSpeechMs, nor on flicker', () => {
    const e = new Endpointer({ startSpeechMs: 80 });
    const log: Array<[number, EndpointDecision]> = [];
    const clock = { frame: 0 };
    for (let i = 0; i < 20; i++) {
      feed(e, 1, 60, log, clock);
      feed(e, 0, 20, log, clock);
    }
    expect(log).toEqual([]);
  });

  it('cannot reach back past the start of the stream for pre-roll', () => {
    const e = new Endpointer({ startSpeechMs: 40, preRollMs: 300 });
    expect(e.push(1)).toBeNull();
    expect(e.push(1)).toEqual({ type: 'start', preRollFrames: 2 });
  });

  it('ends after the short silence when the partial reads as a whole request', () => {
    const e = new Endpointer({ completeSilenceMs: 200, incompleteSilenceMs: 700 });
    const log: Array<[number, EndpointDecision]> = [];
    const clock = { frame: 0 };
    feed(e, 1, 600, log, clock);
    e.partial('what is nine times seven');
    feed(e, 0, 180, log, clock);
    expect(log.map(([, d]) => d?.type)).toEqual(['start']);
    feed(e, 0, 20, log, clock);
    expect(log.at(-1)).toEqual([30 + 9, { type: 'end' }]);
    expect(e.isOpen).toBe(false);
  });

  it('waits the long silence when the words end mid-phrase, or nothing is recognised yet', () => {
    for (const partial of ['what is nine times', 'and the', '']) {
      const e = new Endpointer({ completeSilenceMs: 200, incompleteSilenceMs: 700 });
      const log: Array<[number, EndpointDecision]> = [];
      const clock = { frame: 0 };
      feed(e, 1, 600, log, clock);
      e.partial(partial);
      feed(e, 0, 680, log, clock);
      expect(log.map(([, d]) => d?.type)).toEqual(['start']);
      feed(e, 0, 20, log, clock);
      expect(log.at(-1)![1]).toEqual({ type: 'end' });
    }
  });

  it('asks the agent whether a partial is complete when it can say', () => {
    const asked: string[] = [];
    const e = new Endpointer({ isCompleteRequest: (t) => (asked.push(t), t === 'stop'), completeSilenceMs: 100, incompleteSilenceMs: 500 });
    for (let i = 0; i < 10; i++) e.push(1);
    e.partial('stop');
    expect(e.silenceNeeded()).toBe(100);
    e.partial('stop the');
    expect(e.silenceNeeded()).toBe(500);
    expect(asked).toEqual(['stop', 'stop the']);
  });

  it('resumes on speech within the silence: a pause is not an end', () => {
    const e = new Endpointer({ completeSilenceMs: 200, incompleteSilenceMs: 700 });
    const log: Array<[number, EndpointDecision]> = [];
    const clock = { frame: 0 };
    feed(e, 1, 300, log, clock);
    for (let i = 0; i < 5; i++) {
      feed(e, 0, 600, log, clock);
      feed(e, 1, 100, log, clock);
    }
    expect(log.map(([, d]) => d?.type)).toEqual(['start']);
  });

  it('ignores partials between utterances and starts each utterance afresh', () => {
    const e = new Endpointer({ completeSilenceMs: 200, incompleteSilenceMs: 700 });
    const log: Array<[number, EndpointDecision]> = [];
    const clock = { frame: 0 };
    feed(e, 1, 300, log, clock);
    e.partial('hello there');
    feed(e, 0, 200, log, clock);
    e.partial('stale words');
    feed(e, 1, 300, log, clock);
    expect(e.silenceNeeded()).toBe(700); // nothing recognised of the new one yet
    expect(log.map(([, d]) => d?.type)).toEqual(['start', 'end', 'start']);
    e.reset();
    expect(e.isOpen).toBe(false);
  });

  it('refuses nonsense settings', () => {
    expect(() => new Endpointer({ completeSilenceMs: -1 })).toThrow(/completeSilenceMs/);
    expect(() => new Endpointer({ startSpeechMs: Number.NaN })).toThrow(/startSpeechMs/);
  });
});
