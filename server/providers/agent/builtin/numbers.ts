/**
 * Spoken numbers: words (as a recogniser writes them) to values, and values back to words.
 *
 * Handles "seven", "twenty one", "one hundred and five", "twelve hundred", "a thousand",
 * "two million three hundred thousand", "two point five", digits ("42", "2.5", "5 thousand")
 * and, when asked to, a few recogniser near misses standing alone ("to" → 2, "for" → 4, ...).
 */

export const UNITS: Readonly<Record<string, number>> = {
  zero: 0, nought: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
};

export const TEENS: Readonly<Record<string, number>> = {
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15,
  sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};

export const TENS: Readonly<Record<string, number>> = {
  twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, ninty: 90,
};

export const SCALES: Readonly<Record<string, number>> = {
  thousand: 1e3, million: 1e6, billion: 1e9,
};

/**
 * Words a recogniser writes for a number it misheard. Only accepted where a number must stand
 * (see {@link ParseNumberOptions.nearMisses}): as a whole number on its own, or completing a tens
 * word ("twenty for" → 24), so "add two to three" still reads "to" as a preposition.
 */
export const NEAR_MISS_NUMBERS: Readonly<Record<string, number>> = {
  to: 2, too: 2, for: 4, fore: 4, ate: 8, won: 1, tree: 3,
};

const DIGITS = /^\d+(?:\.\d+)?$/;

export interface ParseNumberOptions {
  /** Accept near-miss words ("to", "for", "ate", "won", ...) as a number standing alone. */
  nearMisses?: boolean;
}

export interface NumberMatch {
  value: number;
  /** Index just after the last token of the number. */
  end: number;
}

type Last = 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' | 'digits' | 'decimal';

const isWordNumber = (t: string | undefined): boolean =>
  t !== undefined && (t in UNITS || t in TEENS || t in TENS);

/**
 * Reads the longest number starting at `tokens[start]`. Returns null when no number starts there.
 * Two numbers said one after the other ("two three") are not merged: parsing stops before the second.
 */
export function parseNumberAt(
  tokens: readonly string[],
  start: number,
  options: ParseNumberOptions = {},
): NumberMatch | null {
  let i = start;
  let sign = 1;
  if (tokens[i] === 'negative' || tokens[i] === 'minus') {
    sign = -1;
    i++;
  }
  const first = tokens[i];
  if (first === undefined) return null;
  if (options.nearMisses && Object.hasOwn(NEAR_MISS_NUMBERS, first)) {
    return { value: sign * NEAR_MISS_NUMBERS[first], end: i + 1 };
  }
  /** A near miss completing a tens word: "twenty for" → 24. */
  const nearMissUnit = (t: string) =>
    options.nearMisses && Object.hasOwn(NEAR_MISS_NUMBERS, t) && NEAR_MISS_NUMBERS[t] < 10 ? NEAR_MISS_NUMBERS[t] : undefined;

  let total = 0;
  let current = 0;
  let last: Last = 'none';
  let lastScale = Infinity;

  while (i < tokens.length) {
    const t = tokens[i];
    if (t === 'a' && last === 'none' && (tokens[i + 1] === 'hundred' || tokens[i + 1] in SCALES)) {
      current = 1;
      last = 'unit';
      i++;
    } else if (DIGITS.test(t)) {
      if (last !== 'none') break;
      current = Number(t);
      last = 'digits';
      i++;
    } else if (Object.hasOwn(UNITS, t)) {
      const v = UNITS[t];
      if (v === 0) {
        if (last !== 'none') break;
        last = 'digits'; // "zero" does not combine with what follows, except "point"
        i++;
        continue;
      }
      if (!(last === 'none' || last === 'tens' || last === 'hundred' || last === 'scale')) break;
      current += v;
      last = 'unit';
      i++;
    } else if (last === 'tens' && nearMissUnit(t) !== undefined) {
      current += nearMissUnit(t)!;
      last = 'unit';
      i++;
    } else if (Object.hasOwn(TEENS, t)) {
      if (!(last === 'none' || last === 'hundred' || last === 'scale')) break;
      current += TEENS[t];
      last = 'teen';
      i++;
    } else if (Object.hasOwn(TENS, t)) {
      if (!(last === 'none' || last === 'hundred' || last === 'scale')) break;
      current += TENS[t];
      last = 'tens';
      i++;
    } else if (t === 'hundred') {
      if (!(last === 'unit' || last === 'teen' || last === 'tens' || last === 'digits')) break;
      if (!(current > 0 && current < 100)) break;
      current *= 100;
      last = 'hundred';
      i++;
    } else if (Object.hasOwn(SCALES, t)) {
      const scale = SCALES[t];
      if (last === 'none' || last === 'scale' || scale >= lastScale || current === 0) break;
      total += current * scale;
      current = 0;
      lastScale = scale;
      last = 'scale';
      i++;
    } else if (t === 'and') {
      // "one hundred and five": only inside a number, after hundred/thousand/..., before more number words.
      if (!(last === 'hundred' || last === 'scale') || !isWordNumber(tokens[i + 1])) break;
      i++;
    } else if (t === 'point') {
      if (!(last === 'unit' || last === 'teen' || last === 'tens' || last === 'digits') || !Number.isInteger(current)) break;
      let j = i + 1;
      let fraction = '';
      while (j < tokens.length) {
        const d = tokens[j] === 'oh' ? 0 : UNITS[tokens[j]];
        if (d === undefined) break;
        fraction += String(d);
        j++;
      }
      if (fraction === '') break;
      current += Number(`0.${fraction}`);
      last = 'decimal';
      i = j;
    } else {
      break;
    }
  }
  if (last === 'none') return null;
  return { value: sign * (total + current), end: i };
}

/** The whole token list as one number, or null ("one hundred and five" → 105). */
export function parseNumber(text: string | readonly string[], options: ParseNumberOptions = {}): number | null {
  const tokens = typeof text === 'string' ? text.trim().toLowerCase().split(/[\s-]+/).filter(Boolean) : text;
  const match = parseNumberAt(tokens, 0, options);
  return match && match.end === tokens.length ? match.value : null;
}

const SMALL = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS_WORDS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function underThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(`${SMALL[hundreds]} hundred`);
  if (rest > 0) {
    const words = rest < 20 ? SMALL[rest] : TENS_WORDS[Math.floor(rest / 10)] + (rest % 10 ? ` ${SMALL[rest % 10]}` : '');
    parts.push(hundreds > 0 ? `and ${words}` : words);
  }
  return parts.join(' ');
}

/**
 * Integers in words ("one hundred and five"); other numbers stay digits ("2.5"), which speech
 * synthesis reads well. Integers of a trillion and more stay digits too.
 */
export function numberToWords(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n < 0) return `negative ${numberToWords(-n)}`;
  if (!Number.isInteger(n) || n >= 1e12) return String(n);
  if (n === 0) return 'zero';
  const parts: string[] = [];
  let rest = n;
  for (const [word, scale] of [['billion', 1e9], ['million', 1e6], ['thousand', 1e3]] as const) {
    const count = Math.floor(rest / scale);
    if (count > 0) parts.push(`${underThousand(count)} ${word}`);
    rest %= scale;
  }
  if (rest > 0) parts.push(parts.length > 0 && rest < 100 ? `and ${underThousand(rest)}` : underThousand(rest));
  return parts.join(' ');
}

/**
 * A computed value the way it is spoken: integers as digits ("84", "negative 7"), exact short
 * decimals as they are ("2.5"), anything else rounded with "about" ("about 3.33").
 */
export function formatResult(value: number): string {
  if (!Number.isFinite(value)) return 'too large to say';
  if (value < 0) {
    const positive = formatResult(-value);
    return positive.startsWith('about ') ? `about negative ${positive.slice(6)}` : `negative ${positive}`;
  }
  const scale = Math.max(1, Math.abs(value));
  const nearest = Math.round(value);
  if (Math.abs(value - nearest) < 1e-9 * scale) return digits(nearest);
  const rounded = value >= 1 ? Number(value.toFixed(2)) : Number(value.toPrecision(3));
  if (rounded === 0) return 'about 0';
  const exact = Math.abs(rounded - value) < 1e-9 * scale;
  return exact ? digits(rounded) : `about ${digits(rounded)}`;
}

function digits(n: number): string {
  if (Object.is(n, -0)) return '0';
  if (Math.abs(n) >= 1e21) return n.toExponential(3);
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}
