import { describe, expect, it } from 'vitest';
import { meterFraction } from './levels';

describe('meterFraction', () => {
  it('spans -70 to -10 dBFS, clamped', () => {
    expect(meterFraction(-100)).toBe(0);
    expect(meterFraction(-40)).toBeCloseTo(0.5);
    expect(meterFraction(0)).toBe(1);
  });
});
