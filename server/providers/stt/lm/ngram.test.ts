import { describe, expect, it } from 'vitest';
import { estimateNgramModel, SENTENCE_END } from './ngram';

const corpus = [
  'what time is it',
  'what time is it now',
  'what is the time',
  'what is two plus three',
  'what is six times seven',
  'my name is peter',
  'my name is anna',
  'call me anna',
  'what is my name',
  'tell me the time',
  'tell me the date',
  'what is the date today',
];

const sumOfProbabilities = (model: ReturnType<typeof estimateNgramModel>, history: string[]) =>
  [...model.vocabulary, SENTENCE_END].reduce((sum, w) => sum + 10 ** model.logProb(w, history), 0);

describe('estimateNgramModel', () => {
  const model = estimateNgramModel(corpus);

  it('is a probability distribution after every history, seen or not', () => {
    for (const history of [[], ['<s>'], ['<s>', 'what'], ['what', 'is'], ['is', 'the'], ['name', 'is'], ['peter', 'anna'], ['time'], ['banana']]) {
      expect(sumOfProbabilities(model, history)).toBeCloseTo(1, 6);
    }
  });

  it('prefers what it has seen, in context', () => {
    expect(model.logProb('time', ['<s>', 'what'])).toBeGreaterThan(model.logProb('anna', ['<s>', 'what']));
    expect(model.logProb('it', ['time', 'is'])).toBeGreaterThan(model.logProb('it', ['name', 'is']));
    expect(model.logProb('peter', ['name', 'is'])).toBeGreaterThan(model.logProb('time', ['name', 'is']));
    // Seen only after "is": still possible elsewhere through backoff.
    expect(model.logProb('peter', ['call', 'me'])).toBeGreaterThan(-Infinity);
    expect(model.logProb('banana', ['what'])).toBe(-Infinity);
  });

  it('writes ARPA that lists every n-gram with its counts in the header', () => {
    const arpa = model.toArpa();
    const header = arpa.match(/ngram (\d)=(\d+)/g)!;
    expect(header).toHaveLength(3);
    for (const [i, list] of model.entries.entries()) {
      expect(arpa).toContain(`ngram ${i + 1}=${list.length}`);
      const section = arpa.split(`\\${i + 1}-grams:\n`)[1].split('\n\n')[0].trim().split('\n');
      expect(section).toHaveLength(list.length);
      for (const line of section) {
        const [logProb, words, backoff] = line.split('\t');
        expect(Number(logProb)).toBeLessThanOrEqual(0);
        expect(words.split(' ')).toHaveLength(i + 1);
        if (backoff !== undefined) expect(Number(backoff)).toBeLessThanOrEqual(0);
      }
    }
    expect(arpa).toMatch(/^-99\.000000\t<s>\t/m);
    expect(arpa.trim().endsWith('\\end\\')).toBe(true);
    // Every n-gram's prefix and suffix are n-grams too (decoders rely on it).
    const all = new Set(model.entries.flat().map((e) => e.words.join(' ')));
    for (const e of model.entries.flat().filter((entry) => entry.words.length > 1)) {
      expect(all.has(e.words.slice(0, -1).join(' '))).toBe(true);
      expect(all.has(e.words.slice(1).join(' '))).toBe(true);
    }
  });

  it('supports other orders and refuses nonsense', () => {
    const bigram = estimateNgramModel(corpus, { order: 2 });
    expect(bigram.entries).toHaveLength(2);
    expect(sumOfProbabilities(bigram, ['is'])).toBeCloseTo(1, 6);
    const unigram = estimateNgramModel(corpus, { order: 1 });
    expect(sumOfProbabilities(unigram, [])).toBeCloseTo(1, 6);
    expect(() => estimateNgramModel([])).toThrow(/no sentences/);
    expect(() => estimateNgramModel(['a <s> b'])).toThrow(/must not contain/);
    expect(() => estimateNgramModel(corpus, { order: 7 })).toThrow(/order/);
  });

  it('is deterministic', () => {
    expect(estimateNgramModel([...corpus].reverse()).toArpa()).toBe(model.toArpa());
  });
});
