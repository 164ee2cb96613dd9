/**
 * Spoken arithmetic: "what is twelve times seven", "nine take away four", "add two and three",
 * "6 x 7", "one hundred and five divided by five equals". Parsing works on normalised tokens.
 */
import { formatResult, numberToWords, parseNumber, parseNumberAt } from './numbers';

export type Operator = 'plus' | 'minus' | 'times' | 'divide';

/** `operands[0] operators[0] operands[1] operators[1] operands[2] ...` */
export interface Expression {
  readonly operands: readonly number[];
  readonly operators: readonly Operator[];
}

export type Evaluation = { ok: true; value: number } | { ok: false; reason: 'divide-by-zero' };

/** How each operator may be said, as token sequences. "and" is "plus" except inside a number. */
export const OPERATOR_WORDS: ReadonlyArray<readonly [readonly string[], Operator]> = [
  [['multiplied', 'by'], 'times'], [['multiplied', 'with'], 'times'], [['multiply', 'by'], 'times'], [['multiplied'], 'times'],
  [['times'], 'times'], [['time'], 'times'], [['x'], 'times'], [['*'], 'times'], [['\u00d7'], 'times'],
  [['divided', 'by'], 'divide'], [['divide', 'by'], 'divide'], [['divided'], 'divide'], [['over'], 'divide'],
  [['/'], 'divide'], [['\u00f7'], 'divide'],
  [['added', 'to'], 'plus'], [['plus'], 'plus'], [['add'], 'plus'], [['and'], 'plus'], [['+'], 'plus'],
  [['take', 'away'], 'minus'], [['takeaway'], 'minus'], [['minus'], 'minus'], [['less'], 'minus'],
  [['subtract'], 'minus'], [['-'], 'minus'],
];

/** How an operator is said back. */
export const OPERATOR_SPOKEN: Readonly<Record<Operator, string>> = {
  plus: 'plus', minus: 'minus', times: 'times', divide: 'divided by',
};

/** Question wording around an expression, dropped before parsing (longest first). */
export const QUESTION_PREFIXES: readonly (readonly string[])[] = [
  'what do you get if you', 'what do you get when you', 'what is the answer to', 'what is the result of',
  'the answer to', 'the result of', 'how much is', 'how much are', 'what is', 'what are', 'what does',
  'what do', 'what would', 'what will', 'if you', 'work out', 'figure out', 'calculate', 'compute', 'solve',
  'evaluate', 'tell me', 'can you', 'could you', 'do you know', 'okay', 'so', 'and', 'then',
].map((p) => p.split(' ')).sort((a, b) => b.length - a.length);

export const QUESTION_SUFFIXES: readonly (readonly string[])[] = [
  'is equal to', 'equal to', 'equals what', 'is what', 'do you think', 'you think', 'comes to', 'come to',
  'in total', 'all together', 'altogether', 'for me', 'equals', 'equal', 'is', 'are', 'make', 'makes', 'give',
  'gives', 'be', '=', 'exactly', 'then', 'right', 'again',
].map((p) => p.split(' ')).sort((a, b) => b.length - a.length);

/** Verb-first forms: "add two and three", "subtract four from nine", "the product of six and seven". */
export interface PrefixForm {
  readonly leads: readonly string[];
  readonly connectors: readonly string[];
  readonly operator: Operator;
  /** "subtract A from B" means B - A. */
  readonly swap?: boolean;
}

export const PREFIX_FORMS: readonly PrefixForm[] = [
  { leads: ['add'], connectors: ['and', 'to', 'plus', 'with'], operator: 'plus' },
  { leads: ['the sum of', 'sum of'], connectors: ['and', 'plus'], operator: 'plus' },
  { leads: ['subtract', 'take', 'take away'], connectors: ['from', 'away from'], operator: 'minus', swap: true },
  { leads: ['the difference between', 'difference between'], connectors: ['and'], operator: 'minus' },
  { leads: ['multiply'], connectors: ['by', 'and', 'with', 'times'], operator: 'times' },
  { leads: ['the product of', 'product of'], connectors: ['and'], operator: 'times' },
  { leads: ['divide'], connectors: ['by'], operator: 'divide' },
  { leads: ['the quotient of', 'quotient of'], connectors: ['and', 'by'], operator: 'divide' },
];

const startsWith = (tokens: readonly string[], seq: readonly string[], at = 0) =>
  seq.every((t, k) => tokens[at + k] === t);

function readOperator(tokens: readonly string[], i: number): { operator: Operator; end: number } | null {
  for (const [words, operator] of OPERATOR_WORDS) {
    if (startsWith(tokens, words, i)) return { operator, end: i + words.length };
  }
  return null;
}

const number = (tokens: readonly string[], i: number) => parseNumberAt(tokens, i, { nearMisses: true });

/** The longest "number (operator number)+" starting at `start`, or null. */
export function parseChainAt(
  tokens: readonly string[],
  start: number,
): { expression: Expression; end: number } | null {
  const first = number(tokens, start);
  if (!first) return null;
  const operands = [first.value];
  const operators: Operator[] = [];
  let end = first.end;
  for (;;) {
    const op = readOperator(tokens, end);
    if (!op) break;
    const next = number(tokens, op.end);
    if (!next) break;
    operators.push(op.operator);
    operands.push(next.value);
    end = next.end;
  }
  return operators.length > 0 ? { expression: { operands, operators }, end } : null;
}

function parsePrefixForm(tokens: readonly string[]): Expression | null {
  for (const form of PREFIX_FORMS) {
    for (const lead of form.leads.map((l) => l.split(' '))) {
      if (!startsWith(tokens, lead)) continue;
      const body = tokens.slice(lead.length);
      for (let k = 1; k < body.length - 1; k++) {
        for (const connector of form.connectors.map((c) => c.split(' '))) {
          if (!startsWith(body, connector, k)) continue;
          const a = parseNumber(body.slice(0, k), { nearMisses: true });
          const b = parseNumber(body.slice(k + connector.length), { nearMisses: true });
          if (a === null || b === null) continue;
          return { operands: form.swap ? [b, a] : [a, b], operators: [form.operator] };
        }
      }
    }
  }
  return null;
}

function stripQuestionWords(tokens: readonly string[]): readonly string[] {
  let out = tokens;
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of QUESTION_PREFIXES) {
      if (out.length > p.length && startsWith(out, p)) {
        out = out.slice(p.length);
        changed = true;
        break;
      }
    }
    for (const s of QUESTION_SUFFIXES) {
      if (out.length > s.length && startsWith(out, s, out.length - s.length)) {
        out = out.slice(0, out.length - s.length);
        changed = true;
        break;
      }
    }
  }
  return out;
}

/**
 * The expression when the whole utterance is an arithmetic question (question words around it
 * allowed), else null.
 */
export function parseArithmetic(tokens: readonly string[]): Expression | null {
  const core = stripQuestionWords(tokens);
  const prefixed = parsePrefixForm(core);
  if (prefixed) return prefixed;
  const chain = parseChainAt(core, 0);
  return chain && chain.end === core.length ? chain.expression : null;
}

/**
 * The longest expression anywhere in the utterance ("hmm twelve times seven do you reckon"),
 * as long as it has a real operator (not just "and"). For near misses around a clear sum.
 */
export function findArithmetic(tokens: readonly string[]): Expression | null {
  let best: { expression: Expression; length: number } | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const chain = parseChainAt(tokens, i);
    if (!chain || !hasRealOperator(tokens, i, chain.end)) continue;
    // "seven to times three": a number right before the sum makes it unclear what was meant.
    if (i > 0 && parseNumberAt(tokens, i - 1)?.end === i) continue;
    const length = chain.end - i;
    if (!best || length > best.length) best = { expression: chain.expression, length };
  }
  return best?.expression ?? null;
}

const hasRealOperator = (tokens: readonly string[], from: number, to: number) =>
  tokens.slice(from, to).some((t, k) => t !== 'and' && readOperator(tokens, from + k) !== null);

/** Evaluates with the usual precedence: times and divide before plus and minus. */
export function evaluate(expression: Expression): Evaluation {
  const terms = [expression.operands[0]];
  const additive: Operator[] = [];
  expression.operators.forEach((op, k) => {
    const value = expression.operands[k + 1];
    if (op === 'times') terms[terms.length - 1] *= value;
    else if (op === 'divide') terms[terms.length - 1] /= value;
    else {
      additive.push(op);
      terms.push(value);
    }
  });
  if (expression.operators.some((op, k) => op === 'divide' && expression.operands[k + 1] === 0)) {
    return { ok: false, reason: 'divide-by-zero' };
  }
  let value = terms[0];
  additive.forEach((op, k) => {
    value = op === 'plus' ? value + terms[k + 1] : value - terms[k + 1];
  });
  return { ok: true, value };
}

/** "twelve times seven" */
export function describe(expression: Expression): string {
  const words = [numberToWords(expression.operands[0])];
  expression.operators.forEach((op, k) => words.push(OPERATOR_SPOKEN[op], numberToWords(expression.operands[k + 1])));
  return words.join(' ');
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The spoken answer: "Twelve times seven is 84." */
export function answer(expression: Expression): string {
  const said = capitalise(describe(expression));
  const result = evaluate(expression);
  if (!result.ok) return `${said} has no answer: you can't divide by zero.`;
  return `${said} is ${formatResult(result.value)}.`;
}
