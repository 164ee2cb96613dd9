import { describe, expect, it } from 'vitest';
import { normalise, stripLeadIns } from './normalise';

describe('normalise', () => {
  it.each([
    ["What's the time?", 'what is the time'],
    ['whats the time', 'what is the time'],
    ["What’s the time", 'what is the time'],
    ["I'm Sam.", 'i am sam'],
    ['im sam', 'i am sam'],
    ["my name's Peter", 'my name is peter'],
    ["what's today's date", 'what is today date'],
    ["I don't know", 'i do not know'],
    ["can't", 'can not'],
    ["you're great", 'you are great'],
    ['um, uh, what time is it please', 'what time is it'],
    ['Hmm... please tell me the date', 'tell me the date'],
    ['oh okay so what is two plus two', 'what is two plus two'],
    ['okay', 'okay'],
    ['ok', 'okay'],
    ['twenty-one', 'twenty one'],
    ['6x7', '6 x 7'],
    ['6 * 7', '6 * 7'],
    ['9-4', '9 - 4'],
    ['9 - 4', '9 - 4'],
    ['-5 + 3', 'negative 5 + 3'],
    ['1,200/4', '1200 / 4'],
    ['2.5 times 4.', '2.5 times 4'],
    ['Hello, World!', 'hello world'],
    ['  lots   of   space  ', 'lots of space'],
    ['what time is it parley', 'what time is it'],
    ['', ''],
    ['um uh', ''],
    ['...', ''],
  ])('%j → %j', (input, text) => {
    expect(normalise(input).text).toBe(text);
  });

  it('keeps the original words for echoing back', () => {
    const u = normalise('Say: Hello, World!');
    expect(u.original).toBe('Say: Hello, World!');
    expect(u.rawTokens).toEqual(['Say:', 'Hello,', 'World!']);
    expect(u.tokens).toEqual(['say', 'hello', 'world']);
  });
});

describe('stripLeadIns', () => {
  it.each([
    ['could you tell me the time', 'the time'],
    ['can you tell me what time it is', 'what time it is'],
    ['do you know what day it is', 'what day it is'],
    ['i would like to know the date', 'the date'],
    ['i want to know what time it is', 'what time it is'],
    ['can you help me', 'help me'],
    ['what time is it', 'what time is it'],
    ['tell me', 'tell me'],
  ])('%j → %j', (input, text) => {
    expect(stripLeadIns(normalise(input)).text).toBe(text);
  });
});
