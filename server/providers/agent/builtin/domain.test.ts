import { describe, expect, it } from 'vitest';
import { domainPhrases, domainVocabulary } from './domain';
import { classifyIntent, INTENT_PATTERNS } from './intents';
import { samplePattern } from './patterns';

describe('samplePattern', () => {
  const random = (() => {
    let x = 1;
    return () => ((x = (x * 16807) % 2147483647) - 1) / 2147483646;
  })();

  it('produces phrases the pattern itself accepts', () => {
    for (const list of Object.values(INTENT_PATTERNS)) {
      for (const p of list) {
        for (let k = 0; k < 20; k++) {
          const text = samplePattern(p.source, { random, fill: (c) => (c === 'day' ? 'tomorrow' : c === 'place' ? 'paris' : 'peter') });
          expect(p.match(text), `${p.source} → ${text}`).not.toBeNull();
        }
      }
    }
  });

  it('fills captures and honours quantifiers', () => {
    const seen = new Set<string>();
    for (let k = 0; k < 200; k++) seen.add(samplePattern('(hello|hi)+ there? <name>', { random, fill: () => 'anna' }));
    expect([...seen].every((t) => /^((hello|hi) )+(there )?anna$/.test(t))).toBe(true);
    expect(seen.has('hello anna')).toBe(true);
    expect(seen.has('hi there anna')).toBe(true);
  });
});

describe('domainPhrases', () => {
  const phrases = domainPhrases();

  it('covers every intent the agent answers, each phrase classifying as intended', () => {
    const intents = new Map<string, number>();
    for (const p of phrases) {
      const { intent } = classifyIntent(p);
      intents.set(intent, (intents.get(intent) ?? 0) + 1);
    }
    expect(intents.has('unknown')).toBe(false);
    for (const intent of ['arithmetic', 'time', 'date', 'date-time', 'set-name', 'name-query', 'say', 'repeat-last', 'help', 'identity', 'how-are-you', 'greeting', 'goodbye', 'thanks', 'acknowledge']) {
      expect(intents.get(intent) ?? 0, intent).toBeGreaterThan(50);
    }
    // The classification check drops only a few samples.
    expect(phrases.length).toBeGreaterThan(11000);
  });

  it('is recogniser-style text: lowercase words, numbers spelled out, contractions included', () => {
    for (const p of phrases) expect(p).toMatch(/^[a-z']+( [a-z']+)*$/);
    expect(phrases.some((p) => p.startsWith("what's "))).toBe(true);
    expect(phrases.some((p) => /\b(twenty|thirty|forty) (one|two|three)\b/.test(p))).toBe(true);
    expect(phrases.some((p) => /^(my name is|call me) \w+$/.test(p))).toBe(true);
  });

  it('is deterministic, and other seeds give other samples', () => {
    expect(domainPhrases()).toEqual(phrases);
    expect(domainPhrases({ seed: 2, count: 500 })).not.toEqual(domainPhrases({ seed: 1, count: 500 }));
  });

  it('has a vocabulary of a few hundred words', () => {
    const vocabulary = domainVocabulary(phrases);
    expect(vocabulary.length).toBeGreaterThan(300);
    expect(vocabulary.length).toBeLessThan(2000);
    expect(vocabulary).toContain('peter');
    expect(vocabulary).toContain('multiplied');
  });
});
