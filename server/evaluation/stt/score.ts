/**
 * Scoring a transcript against its reference: word errors after the usual transcript
 * normalisation, and whether the built-in agent would answer the question that was asked.
 */
import { classifyIntent, type Classification } from '../../providers/agent/builtin';
import { normalizeWords, wordErrorRate } from './wer';

/** Spelled-out forms and one spelling, so "what's" and "what is" count as the same words (as NIST scoring does). */
const EXPANSIONS: Readonly<Record<string, string>> = {
  "what's": 'what is', "i'm": 'i am', "it's": 'it is', "that's": 'that is', "name's": 'name is',
  "let's": 'let us', "don't": 'do not', "didn't": 'did not', "can't": 'can not', cannot: 'can not',
  "i'd": 'i would', "you're": 'you are', "i've": 'i have', "who's": 'who is', "how's": 'how is',
  "where's": 'where is', "there's": 'there is', "we're": 'we are', "isn't": 'is not', "won't": 'will not',
  "doesn't": 'does not', "i'll": 'i will', "you'll": 'you will', "it'll": 'it will', "he's": 'he is', "she's": 'she is',
  ok: 'okay', "alright": 'all right',
  // One spelling per word (the recogniser's dictionary has both, its language model prefers American).
  mr: 'mister',
  colour: 'color', colours: 'colors', favourite: 'favorite', harbour: 'harbor', neighbour: 'neighbor',
  neighbours: 'neighbors', metre: 'meter', metres: 'meters', centre: 'center', theatre: 'theater',
};

/** Hesitations: not words of the request, dropped from reference and hypothesis alike. */
const HESITATIONS = new Set(['um', 'uh', 'er', 'erm', 'uhm', 'hmm', 'hm', 'mm', 'ah', 'eh']);

/** Lowercase words with contractions spelled out and hesitations dropped. */
export function scoringWords(text: string): string[] {
  return normalizeWords(text.replace(/-/g, ' '))
    .flatMap((w) => (Object.hasOwn(EXPANSIONS, w) ? EXPANSIONS[w].split(' ') : [w]))
    .filter((w) => !HESITATIONS.has(w));
}

export interface WordErrors {
  /** Substitutions + deletions + insertions. */
  errors: number;
  /** Words in the reference. */
  words: number;
}

export function wordErrors(reference: string, hypothesis: string): WordErrors {
  const ref = scoringWords(reference).join(' ');
  const hyp = scoringWords(hypothesis).join(' ');
  const words = ref === '' ? 0 : ref.split(' ').length;
  const rate = wordErrorRate(ref, hyp);
  return { errors: Math.round(rate * Math.max(1, words)), words };
}

/** Word error rate over many utterances: all errors over all reference words. */
export function pooledWer(list: readonly WordErrors[]): number {
  const words = list.reduce((n, e) => n + e.words, 0);
  return words === 0 ? 0 : list.reduce((n, e) => n + e.errors, 0) / words;
}

/** What decides the answer, per intent: the intent plus the slots the reply depends on. */
function answerKey(c: Classification): string {
  const s = c.slots as Record<string, unknown>;
  switch (c.intent) {
    case 'arithmetic':
      return `arithmetic:${String(s.value)}:${String(s.said)}`;
    case 'set-name':
      return `set-name:${String(s.name).toLowerCase()}`;
    case 'say':
      return `say:${scoringWords(String(s.words)).join(' ')}`;
    case 'date':
      return `date:${String(s.part)}:${String(s.offset ?? 0)}`;
    case 'time':
      return `time:${s.place ? 'elsewhere' : 'here'}`;
    case 'identity':
      return `identity:${String(s.about)}`;
    case 'acknowledge':
      return `acknowledge:${String(s.tone)}`;
    default:
      return c.intent;
  }
}

export interface IntentOutcome {
  /** The agent found the intended intent in the transcript. */
  intentCorrect: boolean;
  /** ...and the details its reply depends on (the numbers, the name, the words to say) too. */
  answerCorrect: boolean;
  /** The intent found in the transcript. */
  heard: string;
}

/** Did the built-in agent understand the transcript as it would have understood the reference? */
export function intentOutcome(reference: string, hypothesis: string, expected?: string): IntentOutcome {
  const ref = classifyIntent(reference);
  const hyp = classifyIntent(hypothesis);
  const intent = expected ?? ref.intent;
  return {
    intentCorrect: hyp.intent === intent,
    answerCorrect: hyp.intent === intent && answerKey(hyp) === answerKey(ref),
    heard: hyp.intent,
  };
}
