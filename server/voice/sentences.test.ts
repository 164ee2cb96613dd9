import { describe, expect, it } from 'vitest';
import { SentenceSplitter } from './sentences';

function split(pieces: string[]): string[] {
  const splitter = new SentenceSplitter();
  return [...pieces.flatMap((p) => splitter.push(p)), ...splitter.flush()];
}

describe('SentenceSplitter', () => {
  it('cuts streamed tokens into sentences as soon as the next one begins', () => {
    const splitter = new SentenceSplitter();
    expect(splitter.push('Hello')).toEqual([]);
    expect(splitter.push(' there.')).toEqual([]);
    expect(splitter.push(' How')).toEqual(['Hello there.']);
    expect(splitter.push(' odd. ')).toEqual(['How odd.']); // a space after the point ends it at once
    expect(splitter.push('Are you? I am')).toEqual(['Are you?']);
    expect(splitter.flush()).toEqual(['I am']);
  });

  it('keeps decimals and numbers whole, even when a token ends at the point', () => {
    expect(split(['It is 3.', '5 degrees. ', 'Pi is 3.14159.'])).toEqual(['It is 3.5 degrees.', 'Pi is 3.14159.']);
    expect(split(['Twelve times seven is 84. Anything else?'])).toEqual(['Twelve times seven is 84.', 'Anything else?']);
  });

  it('does not end a sentence at common abbreviations', () => {
    expect(split(['Ask Dr. ', 'Smith about it. Then rest.'])).toEqual(['Ask Dr. Smith about it.', 'Then rest.']);
    expect(split(['Use a tool, e.g. a hammer. Done.'])).toEqual(['Use a tool, e.g. a hammer.', 'Done.']);
  });

  it('takes whole sentences as they come from an agent that yields sentences', () => {
    expect(split(['First sentence here. ', 'And a second one. '])).toEqual(['First sentence here.', 'And a second one.']);
  });

  it('yields nothing for whitespace only', () => {
    expect(split(['  ', '\n'])).toEqual([]);
  });
});
