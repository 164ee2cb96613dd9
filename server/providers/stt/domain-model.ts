/**
 * The recogniser's domain model: a trigram language model (ARPA) estimated from the phrases the
 * active agent understands, plus pronunciations for its words the general dictionary lacks.
 * The pocketsphinx decoder interpolates it with the general English model (--domain-lm), so
 * in-domain requests get a strong prior while anything else is still recognised as words.
 *
 * Built at start from the agent's phrase generator (~1-2 s, once per process and phrase list) and
 * written to a content-addressed file, so decoder processes started later reuse it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { estimateNgramModel, sentenceWords } from './lm/ngram';
import { EXTRA_PRONUNCIATIONS, extraDictionaryText } from './pocketsphinx/pronunciations';

export const DEFAULT_DICTIONARY = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

export interface DomainModelOptions {
  /** Where the files go; default <tmpdir>/parley-stt. */
  dir?: string;
  /** N-gram order; default 3. */
  order?: number;
  /** The decoder's main dictionary, to find words that need an extra pronunciation. */
  dictionaryPath?: string;
  /** Pronunciations for words the main dictionary lacks. Default EXTRA_PRONUNCIATIONS. */
  extraPronunciations?: Readonly<Record<string, string>>;
}

export interface DomainModel {
  /** The ARPA file (for --domain-lm). */
  lmPath: string;
  /** Extra pronunciations (for --extra-dict). */
  extraDictPath: string;
  /** Words the domain model knows. */
  vocabulary: readonly string[];
  /** Phrases left out because a word has no pronunciation anywhere (a warning, not an error). */
  droppedPhrases: readonly string[];
}

const dictionaryWords = new Map<string, Set<string>>();

function wordsOfDictionary(file: string): Set<string> {
  let words = dictionaryWords.get(file);
  if (!words) {
    words = new Set();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const word = line.slice(0, line.indexOf(' ')).replace(/\(\d+\)$/, '');
      if (word) words.add(word);
    }
    dictionaryWords.set(file, words);
  }
  return words;
}

/** Writes `text` to `file` unless it exists already (the name is a hash of the content). */
function writeOnce(file: string, text: string): void {
  if (existsSync(file)) return;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file); // atomic: a decoder never reads a half-written file
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Builds (or finds, when the same phrases were built before) the domain model files. */
export function buildDomainModel(phrases: readonly string[], options: DomainModelOptions = {}): DomainModel {
  const dir = options.dir ?? path.join(os.tmpdir(), 'parley-stt');
  const extra = options.extraPronunciations ?? EXTRA_PRONUNCIATIONS;
  const known = wordsOfDictionary(options.dictionaryPath ?? DEFAULT_DICTIONARY);
  const pronounceable = (word: string) => known.has(word) || Object.hasOwn(extra, word);

  const kept: string[] = [];
  const droppedPhrases: string[] = [];
  for (const phrase of phrases) {
    const words = sentenceWords(phrase.toLowerCase());
    if (words.length === 0) continue;
    if (words.every(pronounceable)) kept.push(words.join(' '));
    else droppedPhrases.push(phrase);
  }
  const model = estimateNgramModel(kept, { order: options.order ?? 3 });
  const arpa = model.toArpa();
  const dictText = extraDictionaryText(extra);

  mkdirSync(dir, { recursive: true });
  const lmPath = path.join(dir, `domain-${hashOf(arpa)}.arpa`);
  const extraDictPath = path.join(dir, `extra-${hashOf(dictText)}.dict`);
  writeOnce(lmPath, arpa);
  writeOnce(extraDictPath, dictText);
  return { lmPath, extraDictPath, vocabulary: model.vocabulary, droppedPhrases };
}

const memo = new Map<string, DomainModel>();

/** buildDomainModel, once per process for the same phrases and options. */
export function domainModelFor(phrases: readonly string[], options: DomainModelOptions = {}): DomainModel {
  const key = hashOf(JSON.stringify([phrases, options]));
  let model = memo.get(key);
  if (!model) {
    model = buildDomainModel(phrases, options);
    memo.set(key, model);
  }
  return model;
}
