/**
 * A small n-gram language model estimator: interpolated Kneser-Ney (Chen & Goodman 1998) with one
 * absolute discount per order, D = n1 / (n1 + 2 n2) from that order's counts of counts, written in
 * ARPA format (what pocketsphinx/sphinxbase reads).
 *
 * Interpolated KN in ARPA form: every seen n-gram gets its full interpolated probability, and every
 * context gets the backoff weight gamma(h) = D * N1+(h .) / c(h .), so an unseen n-gram gets
 * gamma(h) * p(w | shorter h) exactly as the interpolated formula says. Lower orders use
 * continuation counts (how many distinct words precede), except n-grams starting with <s>, which
 * nothing can precede. Sentences are padded with one <s> and </s>.
 *
 * Meant for small corpora (tens of thousands of sentences, a few thousand words): plain Maps, no
 * pruning.
 */

export const SENTENCE_START = '<s>';
export const SENTENCE_END = '</s>';

export interface NgramModelOptions {
  /** 1 to 5; default 3. */
  order?: number;
}

export interface NgramEntry {
  /** The words, oldest first. */
  words: string[];
  /** log10 P(last word | the others). */
  logProb: number;
  /** log10 backoff weight of these words as a context, when they are one. */
  logBackoff?: number;
}

export interface NgramModel {
  readonly order: number;
  /** Entries per order: entries[0] unigrams, entries[1] bigrams, ... (sorted). */
  readonly entries: readonly (readonly NgramEntry[])[];
  /** Words (without <s>/</s>), sorted. */
  readonly vocabulary: readonly string[];
  /** log10 P(word | history), backing off as a decoder would. -Infinity for unknown words. */
  logProb(word: string, history: readonly string[]): number;
  /** The model in ARPA text format. */
  toArpa(): string;
}

const SEP = ' ';
const LOG10_ZERO = -99;

interface OrderStats {
  /** Count used at this order (raw at the top order and for <s> n-grams, else continuation). */
  counts: Map<string, number>;
  /** Per context (the first n-1 words): total count and number of distinct following words. */
  contexts: Map<string, { total: number; types: number }>;
  discount: number;
}

/** Splits a sentence into words; any run of whitespace separates them. */
export function sentenceWords(sentence: string): string[] {
  return sentence.trim().split(/\s+/).filter(Boolean);
}

export function estimateNgramModel(sentences: Iterable<string>, options: NgramModelOptions = {}): NgramModel {
  const order = options.order ?? 3;
  if (!Number.isInteger(order) || order < 1 || order > 5) throw new Error(`ngram: order must be 1-5, got ${order}`);

  // Raw counts of every n-gram of every order.
  const raw: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  let sentenceCount = 0;
  for (const sentence of sentences) {
    const words = sentenceWords(sentence);
    if (words.length === 0) continue;
    if (words.includes(SENTENCE_START) || words.includes(SENTENCE_END)) {
      throw new Error(`ngram: sentences must not contain ${SENTENCE_START} or ${SENTENCE_END}: ${sentence}`);
    }
    sentenceCount++;
    const tokens = [SENTENCE_START, ...words, SENTENCE_END];
    for (let n = 1; n <= order; n++) {
      for (let i = 0; i + n <= tokens.length; i++) {
        if (n === 1 && i === 0) continue; // <s> is never predicted
        const key = tokens.slice(i, i + n).join(SEP);
        raw[n - 1].set(key, (raw[n - 1].get(key) ?? 0) + 1);
      }
    }
  }
  if (sentenceCount === 0) throw new Error('ngram: no sentences');

  // Counts used at each order: raw at the top, continuation counts below.
  const stats: OrderStats[] = [];
  for (let n = 1; n <= order; n++) {
    let counts: Map<string, number>;
    if (n === order) {
      counts = raw[n - 1];
    } else {
      counts = new Map();
      for (const key of raw[n - 1].keys()) {
        if (key === SENTENCE_START || key.startsWith(SENTENCE_START + SEP)) counts.set(key, raw[n - 1].get(key)!);
      }
      for (const key of raw[n].keys()) {
        const suffix = key.slice(key.indexOf(SEP) + 1);
        counts.set(suffix, (counts.get(suffix) ?? 0) + 1);
      }
      // An n-gram seen only after <s> ... at the start still needs a count.
      for (const key of raw[n - 1].keys()) if (!counts.has(key)) counts.set(key, raw[n - 1].get(key)!);
    }
    const contexts = new Map<string, { total: number; types: number }>();
    const countOfCounts = [0, 0, 0];
    for (const [key, count] of counts) {
      const context = n === 1 ? '' : key.slice(0, key.lastIndexOf(SEP));
      const c = contexts.get(context) ?? { total: 0, types: 0 };
      c.total += count;
      c.types++;
      contexts.set(context, c);
      if (count <= 2) countOfCounts[count]++;
    }
    const [, n1, n2] = countOfCounts;
    const discount = n1 > 0 && n2 > 0 ? Math.min(0.95, Math.max(0.05, n1 / (n1 + 2 * n2))) : 0.5;
    stats.push({ counts, contexts, discount });
  }

  const vocabulary = [...raw[0].keys()].filter((w) => w !== SENTENCE_END).sort();
  const predicted = [...vocabulary, SENTENCE_END];

  // Interpolated probabilities, lowest order first, memoised per n-gram.
  const memo: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  const uniform = 1 / predicted.length;
  function prob(n: number, key: string): number {
    const cached = memo[n - 1].get(key);
    if (cached !== undefined) return cached;
    const { counts, contexts, discount } = stats[n - 1];
    const space = key.indexOf(SEP);
    const context = n === 1 ? '' : key.slice(0, key.lastIndexOf(SEP));
    const lower = n === 1 ? uniform : prob(n - 1, key.slice(space + 1));
    const c = contexts.get(context);
    let p: number;
    if (!c) {
      p = lower; // unseen context: all of it from the lower order
    } else {
      const count = counts.get(key) ?? 0;
      // At the unigram level a tiny share goes to the uniform distribution, so no word has P = 0.
      const d = n === 1 ? Math.min(discount, 0.5) * 0.02 : discount;
      p = Math.max(count - d, 0) / c.total + ((d * c.types) / c.total) * lower;
    }
    memo[n - 1].set(key, p);
    return p;
  }
  const backoff = (n: number, context: string): number | undefined => {
    // `context` has n words and is a context of order n+1.
    if (n >= order) return undefined;
    const next = stats[n];
    const c = next.contexts.get(context);
    return c ? (next.discount * c.types) / c.total : undefined;
  };

  const entries: NgramEntry[][] = [];
  for (let n = 1; n <= order; n++) {
    const list: NgramEntry[] = [];
    const keys = n === 1 ? [SENTENCE_START, ...predicted] : [...stats[n - 1].counts.keys()];
    for (const key of keys) {
      const words = key.split(SEP);
      const logProb = key === SENTENCE_START ? LOG10_ZERO : Math.log10(prob(n, key));
      const bo = backoff(n, key);
      list.push(bo === undefined ? { words, logProb } : { words, logProb, logBackoff: Math.log10(bo) });
    }
    list.sort((a, b) => compareWords(a.words, b.words));
    entries.push(list);
  }

  const lookup = entries.map((list) => new Map(list.map((e) => [e.words.join(SEP), e])));

  return {
    order,
    entries,
    vocabulary,
    logProb(word: string, history: readonly string[]): number {
      if (!lookup[0].has(word) || word === SENTENCE_START) return -Infinity;
      const h = history.slice(Math.max(0, history.length - (order - 1)));
      let penalty = 0;
      for (let start = 0; start <= h.length; start++) {
        const words = [...h.slice(start), word];
        const entry = lookup[words.length - 1].get(words.join(SEP));
        if (entry) return entry.logProb + penalty;
        const context = lookup[words.length - 2]?.get(h.slice(start).join(SEP));
        penalty += context?.logBackoff ?? 0;
      }
      return -Infinity; // unreachable: every known word has a unigram
    },
    toArpa: () => toArpa(entries),
  };
}

function compareWords(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

function toArpa(entries: readonly (readonly NgramEntry[])[]): string {
  const lines = ['\\data\\'];
  entries.forEach((list, i) => lines.push(`ngram ${i + 1}=${list.length}`));
  entries.forEach((list, i) => {
    lines.push('', `\\${i + 1}-grams:`);
    for (const e of list) {
      const bo = e.logBackoff === undefined ? '' : `\t${e.logBackoff.toFixed(6)}`;
      lines.push(`${e.logProb.toFixed(6)}\t${e.words.join(' ')}${bo}`);
    }
  });
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}
