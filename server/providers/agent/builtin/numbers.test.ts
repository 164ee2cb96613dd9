import { describe, expect, it } from 'vitest';
import { formatResult, numberToWords, parseNumber, parseNumberAt } from './numbers';

describe('parseNumber', () => {
  it.each([
    ['zero', 0],
    ['seven', 7],
    ['twelve', 12],
    ['twenty', 20],
    ['twenty one', 21],
    ['twenty-one', 21],
    ['ninety nine', 99],
    ['a hundred', 100],
    ['one hundred', 100],
    ['one hundred and five', 105],
    ['one hundred five', 105],
    ['three hundred and forty two', 342],
    ['twelve hundred', 1200],
    ['nineteen hundred and ninety nine', 1999],
    ['a thousand', 1000],
    ['one thousand two hundred', 1200],
    ['one thousand and one', 1001],
    ['ten thousand', 10000],
    ['two hundred thousand', 200000],
    ['one million', 1e6],
    ['two million three hundred thousand', 2300000],
    ['five million six hundred and seventy eight thousand nine hundred and one', 5678901],
    ['a billion', 1e9],
    ['two point five', 2.5],
    ['zero point seven five', 0.75],
    ['42', 42],
    ['2.5', 2.5],
    ['5 thousand', 5000],
    ['12 hundred', 1200],
    ['negative five', -5],
    ['minus three', -3],
    ['fourty', 40],
  ])('%s → %d', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });

  it.each([['to', 2], ['too', 2], ['for', 4], ['fore', 4], ['ate', 8], ['won', 1], ['tree', 3], ['twenty for', 24], ['thirty to', 32]])(
    'near miss %s → %d only when allowed',
    (text, value) => {
      expect(parseNumber(text, { nearMisses: true })).toBe(value);
      expect(parseNumber(text)).toBeNull();
    },
  );

  it.each(['', 'hello', 'two three', 'one one', 'hundred', 'thousand', 'and', 'a', 'twenty twelve', 'one hundred and', 'point five'])(
    '%j is not one number',
    (text) => {
      expect(parseNumber(text)).toBeNull();
    },
  );

  it('stops before a second number or an operator', () => {
    expect(parseNumberAt(['two', 'three'], 0)).toEqual({ value: 2, end: 1 });
    expect(parseNumberAt(['one', 'hundred', 'and', 'five', 'divided', 'by', 'five'], 0)).toEqual({ value: 105, end: 4 });
    expect(parseNumberAt(['two', 'and', 'three'], 0)).toEqual({ value: 2, end: 1 });
    expect(parseNumberAt(['one', 'hundred', 'and', 'plus'], 0)).toEqual({ value: 100, end: 2 });
  });

  it('does not combine near misses with other number words', () => {
    expect(parseNumberAt(['two', 'to', 'three'], 0, { nearMisses: true })).toEqual({ value: 2, end: 1 });
  });
});

describe('numberToWords', () => {
  it.each([
    [0, 'zero'],
    [7, 'seven'],
    [13, 'thirteen'],
    [40, 'forty'],
    [84, 'eighty four'],
    [100, 'one hundred'],
    [105, 'one hundred and five'],
    [1200, 'one thousand two hundred'],
    [1001, 'one thousand and one'],
    [2300001, 'two million three hundred thousand and one'],
    [-7, 'negative seven'],
    [2.5, '2.5'],
  ])('%d → %s', (n, words) => {
    expect(numberToWords(n)).toBe(words);
  });

  it('round-trips through parseNumber', () => {
    for (const n of [0, 1, 9, 10, 19, 20, 99, 100, 101, 999, 1000, 1234, 20020, 999999, 1000001, 123456789]) {
      expect(parseNumber(numberToWords(n))).toBe(n);
    }
  });
});

describe('formatResult', () => {
  it.each([
    [84, '84'],
    [0, '0'],
    [-7, 'negative 7'],
    [2.5, '2.5'],
    [0.25, '0.25'],
    [10 / 3, 'about 3.33'],
    [-10 / 3, 'about negative 3.33'],
    [2 / 3, 'about 0.667'],
    [0.1 + 0.2, '0.3'],
    [1 / 300, 'about 0.00333'],
    [1e6 / 3, 'about 333333.33'],
    [1234567, '1234567'],
    [Infinity, 'too large to say'],
  ])('%d → %s', (value, spoken) => {
    expect(formatResult(value)).toBe(spoken);
  });
});
