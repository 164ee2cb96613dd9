import { describe, expect, it } from 'vitest';
import { wordErrorRate } from './wer';

describe('wordErrorRate', () => {
  it('is 0 for the same words regardless of case and punctuation', () => {
    expect(wordErrorRate('What is twelve times seven?', 'what is TWELVE times seven')).toBe(0);
  });
  it('counts substitutions, deletions and insertions against the reference length', () => {
    expect(wordErrorRate('a b c d', 'a x c d')).toBe(0.25);
    expect(wordErrorRate('a b c d', 'a c d')).toBe(0.25);
    expect(wordErrorRate('a b c d', 'a b c d e f')).toBe(0.5);
    expect(wordErrorRate('a b', '')).toBe(1);
  });
  it('handles an empty reference', () => {
    expect(wordErrorRate('', '')).toBe(0);
    expect(wordErrorRate('', 'noise')).toBe(1);
  });
});
