import { describe, expect, it } from 'vitest';
import { matchAny, pattern, patterns } from './patterns';

describe('pattern', () => {
  it.each([
    ['what time is it', 'what time is it', true],
    ['what time is it', 'what time is it now', false],
    ['what time is it', 'so what time is it', false],
    ['what is? the time', 'what the time', true],
    ['what is? the time', 'what is the time', true],
    ['(what is)? the time', 'the time', true],
    ['(what|which) day', 'which day', true],
    ['(what|which) day', 'whose day', false],
    ['hello|hi there', 'hello', true],
    ['hello|hi there', 'hi there', true],
    ['hello|hi there', 'hello there', false],
    ['(hello|hi)+ there?', 'hello hi hello', true],
    ['(hello|hi)+', '', false],
    ['very* good', 'good', true],
    ['very* good', 'very very good', true],
    ['a (b (c|d))? e', 'a b d e', true],
    ['a (b (c|d))? e', 'a b e', false],
    ['two', 'twofold', false],
  ])('%j matches %j: %s', (source, text, expected) => {
    expect(pattern(source).match(text) !== null).toBe(expected);
  });

  it('captures words, as few as the rest allows', () => {
    expect(pattern('my name is <name>').match('my name is peter smith')).toEqual({ name: 'peter smith' });
    expect(pattern('call me <name> please?').match('call me anna please')).toEqual({ name: 'anna' });
    expect(pattern('what time is it in <place>').match('what time is it in new york')).toEqual({ place: 'new york' });
    expect(pattern('my name is <name>').match('my name is')).toBeNull();
  });

  it('treats regular expression characters in words literally', () => {
    expect(pattern('6 * 7').match('6 * 7')).toBeNull(); // "*" is a quantifier in patterns
    expect(pattern('a.b').match('a.b')).toEqual({});
    expect(pattern('a.b').match('axb')).toBeNull();
  });

  it('rejects malformed patterns', () => {
    expect(() => pattern('(unclosed')).toThrow(SyntaxError);
    expect(() => pattern('close)')).toThrow(SyntaxError);
    expect(() => pattern('? at start')).toThrow(SyntaxError);
  });

  it('matchAny returns the first match', () => {
    const list = patterns('call me <name>', 'my name is <name>');
    expect(matchAny(list, 'my name is anna')).toEqual({ name: 'anna' });
    expect(matchAny(list, 'hello')).toBeNull();
  });
});
