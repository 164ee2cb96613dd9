import { describe, expect, it } from 'vitest';
import { answer, evaluate, findArithmetic, parseArithmetic } from './arithmetic';
import { normalise } from './normalise';

const parse = (text: string) => parseArithmetic(normalise(text).tokens);
const spoken = (text: string) => {
  const expression = parse(text);
  return expression && answer(expression);
};

describe('parseArithmetic → answer', () => {
  it.each([
    ['what is twelve times seven', 'Twelve times seven is 84.'],
    ["what's two plus three", 'Two plus three is 5.'],
    ['whats two plus three', 'Two plus three is 5.'],
    ['nine minus four', 'Nine minus four is 5.'],
    ['what is one hundred and five divided by five', 'One hundred and five divided by five is 21.'],
    ['6 x 7', 'Six times seven is 42.'],
    ['6x7', 'Six times seven is 42.'],
    ['6 * 7', 'Six times seven is 42.'],
    ['8 / 2', 'Eight divided by two is 4.'],
    ['3 + 4', 'Three plus four is 7.'],
    ['9-4', 'Nine minus four is 5.'],
    ['what is 12 times 7', 'Twelve times seven is 84.'],
    ['two add three', 'Two plus three is 5.'],
    ['two and three', 'Two plus three is 5.'],
    ['ten take away three', 'Ten minus three is 7.'],
    ['ten less three', 'Ten minus three is 7.'],
    ['seven multiplied by eight', 'Seven times eight is 56.'],
    ['a hundred over four', 'One hundred divided by four is 25.'],
    ['one thousand two hundred plus five', 'One thousand two hundred plus five is 1205.'],
    ['two million plus one', 'Two million plus one is 2000001.'],
    ['twelve hundred minus one', 'One thousand two hundred minus one is 1199.'],
    ['two point five times four', '2.5 times four is 10.'],
    // question wording around the sum
    ['how much is three plus three', 'Three plus three is 6.'],
    ['calculate five times five', 'Five times five is 25.'],
    ['what is the answer to two plus two', 'Two plus two is 4.'],
    ['what does nine minus twelve make', 'Nine minus twelve is negative 3.'],
    ['what would two times three be', 'Two times three is 6.'],
    ['what is nine times nine equals', 'Nine times nine is 81.'],
    ['two plus two is', 'Two plus two is 4.'],
    ['two plus two equal to', 'Two plus two is 4.'],
    ['2 + 2 =', 'Two plus two is 4.'],
    // verb-first forms
    ['add two and three', 'Two plus three is 5.'],
    ['add two to three', 'Two plus three is 5.'],
    ['add twenty to five', 'Twenty plus five is 25.'],
    ['what do you get if you add two to three', 'Two plus three is 5.'],
    ['subtract four from nine', 'Nine minus four is 5.'],
    ['take four away from nine', 'Nine minus four is 5.'],
    ['multiply six by seven', 'Six times seven is 42.'],
    ['divide ten by two', 'Ten divided by two is 5.'],
    ['what is the sum of two and three', 'Two plus three is 5.'],
    ['what is the product of six and seven', 'Six times seven is 42.'],
    ['the difference between ten and four', 'Ten minus four is 6.'],
    ['add one hundred and five to three', 'One hundred and five plus three is 108.'],
    // recogniser near misses
    ['what is to plus to', 'Two plus two is 4.'],
    ['what is two plus too', 'Two plus two is 4.'],
    ['what is for times for', 'Four times four is 16.'],
    ['ate minus won', 'Eight minus one is 7.'],
    ['what is tree times tree', 'Three times three is 9.'],
    ['what is two time three', 'Two times three is 6.'],
    ['what is twenty for times two', 'Twenty four times two is 48.'],
    // precedence and chains
    ['two plus three times four', 'Two plus three times four is 14.'],
    ['ten minus two minus three', 'Ten minus two minus three is 5.'],
    ['one plus two plus three plus four', 'One plus two plus three plus four is 10.'],
    ['minus five plus three', 'Negative five plus three is negative 2.'],
    // results that are not whole numbers, and division by zero
    ['ten divided by three', 'Ten divided by three is about 3.33.'],
    ['five divided by two', 'Five divided by two is 2.5.'],
    ['two divided by three', 'Two divided by three is about 0.667.'],
    ['0.1 plus 0.2', '0.1 plus 0.2 is 0.3.'],
    ['five divided by zero', 'Five divided by zero has no answer: you can\'t divide by zero.'],
    ['one plus two divided by zero', 'One plus two divided by zero has no answer: you can\'t divide by zero.'],
  ])('%j → %j', (text, expected) => {
    expect(spoken(text)).toBe(expected);
  });

  it.each([
    'what time is it',
    'what is five',
    'what is five plus',
    'seven times',
    'times seven',
    'one hundred and five',
    'two three',
    'what is the time',
    'i have to go for a walk',
    'add two',
    'what is two to the power of three',
  ])('%j is not arithmetic', (text) => {
    expect(parse(text)).toBeNull();
  });
});

describe('findArithmetic', () => {
  const find = (text: string) => findArithmetic(normalise(text).tokens);

  it('finds a sum inside other words', () => {
    expect(find('hmm what would twelve times seven be do you reckon')).toEqual({ operands: [12, 7], operators: ['times'] });
    expect(find('i was wondering about nine minus four you know')).toEqual({ operands: [9, 4], operators: ['minus'] });
  });

  it('needs a real operator, not just "and"', () => {
    expect(find('me and one and two of my friends')).toBeNull();
    expect(find('i have to go for a walk')).toBeNull();
  });
});

describe('evaluate', () => {
  it('reports division by zero instead of Infinity', () => {
    expect(evaluate({ operands: [1, 0], operators: ['divide'] })).toEqual({ ok: false, reason: 'divide-by-zero' });
    expect(evaluate({ operands: [0, 5], operators: ['divide'] })).toEqual({ ok: true, value: 0 });
  });

  it('applies times and divide before plus and minus, left to right', () => {
    expect(evaluate({ operands: [2, 3, 4], operators: ['plus', 'times'] })).toEqual({ ok: true, value: 14 });
    expect(evaluate({ operands: [8, 4, 2], operators: ['divide', 'divide'] })).toEqual({ ok: true, value: 1 });
    expect(evaluate({ operands: [10, 6, 2, 3], operators: ['minus', 'divide', 'plus'] })).toEqual({ ok: true, value: 10 });
  });
});
