import { describe, expect, it } from 'vitest';
import { heardText } from './truncate';

const sentences = [
  { text: 'Twelve times seven is 84.', startMs: 0, endMs: 2000 },
  { text: 'Anything else I can work out for you?', startMs: 2000, endMs: 5000 },
];

describe('heardText', () => {
  it('keeps whole sentences that were heard and the words heard of the next', () => {
    expect(heardText(sentences, 0)).toBe('');
    expect(heardText(sentences, 2000)).toBe('Twelve times seven is 84.');
    expect(heardText(sentences, 3000)).toBe('Twelve times seven is 84. Anything');
    expect(heardText(sentences, 3400)).toBe('Twelve times seven is 84. Anything else I');
    expect(heardText(sentences, 9999)).toBe('Twelve times seven is 84. Anything else I can work out for you?');
  });

  it('never keeps a word that was only partly heard', () => {
    // 'Twelve ' is 7 of 26 characters: heard only after 7/26 of 2000 ms ≈ 538 ms.
    expect(heardText(sentences, 530)).toBe('');
    expect(heardText(sentences, 545)).toBe('Twelve');
  });
});
