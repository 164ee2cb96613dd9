import { describe, expect, it } from 'vitest';
import { Vad, type VadEvent } from './vad';

const frame = () => new Int16Array(320);

function run(vad: Vad, levels: number[]): string[] {
  const out: string[] = [];
  levels.forEach((level, i) => {
    for (const e of vad.push(frame(), level) as VadEvent[]) out.push(`${i}:${e.type}${e.type === 'start' ? `+${e.preroll.length}` : ''}`);
  });
  return out.filter((e) => !e.includes(':frame'));
}

describe('Vad', () => {
  it('starts after three loud frames with a pre-roll, and ends after the hangover', () => {
    const vad = new Vad();
    const levels = [...Array(50).fill(-70), ...Array(40).fill(-25), ...Array(40).fill(-70)];
    expect(run(vad, levels)).toEqual(['52:start+15', `${90 + 27}:end`]);
  });

  it('ignores a click shorter than the onset', () => {
    const vad = new Vad();
    expect(run(vad, [...Array(30).fill(-70), -20, -20, ...Array(30).fill(-70)])).toEqual([]);
  });

  it('keeps one utterance across a short pause', () => {
    const vad = new Vad();
    const levels = [...Array(30).fill(-70), ...Array(20).fill(-25), ...Array(10).fill(-70), ...Array(20).fill(-25), ...Array(40).fill(-70)];
    expect(run(vad, levels).map((e) => e.split(':')[1])).toEqual(['start+15', 'end']);
  });

  it('adapts to a noisy room', () => {
    const vad = new Vad();
    // Steady fan noise at -40 dBFS is not speech; speech 15 dB over it is.
    const levels = [...Array(200).fill(-40), ...Array(20).fill(-24), ...Array(40).fill(-40)];
    expect(run(vad, levels).map((e) => e.split(':')[1])).toEqual(['start+15', 'end']);
    expect(vad.threshold).toBeGreaterThan(-30);
  });
});
