import { describe, expect, it } from 'vitest';
import { ScriptedStt } from '../../testing/voice-harness';
import { RecogniserUnavailable, shareFairly } from './fair-share';

const options = (owner: string) => ({ onPartial: () => {}, owner });

describe('shareFairly', () => {
  it('bounds one person, and never lets someone who has one take the last free recogniser', () => {
    const stt = shareFairly(new ScriptedStt(), { total: 3, perOwner: 2 });
    stt.start(options('hoarder'));
    stt.start(options('hoarder'));
    expect(() => stt.start(options('hoarder'))).toThrow(/already have 2 utterances/);
    const other = stt.start(options('other'));
    expect(stt.inUse()).toBe(3);
    expect(() => stt.start(options('third'))).toThrow(RecogniserUnavailable);
    other.abort();
    expect(stt.inUse('other')).toBe(0);
  });

  it('keeps the last recogniser for someone who has none', () => {
    const stt = shareFairly(new ScriptedStt(), { total: 3, perOwner: 3 });
    stt.start(options('a'));
    stt.start(options('a'));
    expect(() => stt.start(options('a'))).toThrow(/busy/);
    expect(() => stt.start(options('b'))).not.toThrow();
  });

  it('frees the place when the final is in, when aborted, and when the engine fails', async () => {
    const inner = new ScriptedStt();
    const stt = shareFairly(inner, { total: 2, perOwner: 2 });
    const ended = stt.start(options('a'));
    await ended.end();
    expect(stt.inUse('a')).toBe(0);
    stt.start(options('a')).abort();
    expect(stt.inUse('a')).toBe(0);
    const errors: Error[] = [];
    stt.start({ ...options('a'), onError: (e) => errors.push(e) });
    inner.recognitions.at(-1)!.options.onError?.(new Error('died'));
    expect(errors.map((e) => e.message)).toEqual(['died']);
    expect(stt.inUse()).toBe(0);
  });
});
