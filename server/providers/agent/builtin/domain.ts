/**
 * What the built-in agent understands, as phrases a person might say: the corpus a speech
 * recogniser builds its domain language model from (see server/providers/stt/domain-model.ts).
 *
 * Generated, not hand-listed: the phrases are sampled from the agent's own intent patterns
 * (INTENT_PATTERNS), its arithmetic grammar (operator words, question wording, number words) and
 * its "say" commands, then decorated the way people talk (contractions, "um", "please", polite
 * lead-ins, a greeting in front) and kept only when classifyIntent() really gives the intended
 * intent. So when the agent learns a new phrase, the recogniser learns it too.
 *
 * Output is recogniser-style text: lowercase words, no punctuation, numbers as words.
 */
import { OPERATOR_WORDS, PREFIX_FORMS, QUESTION_PREFIXES, QUESTION_SUFFIXES } from './arithmetic';
import { classifyIntent, INTENT_PATTERNS, SAY_COMMANDS, type IntentName } from './intents';
import { numberToWords } from './numbers';
import { samplePattern } from './patterns';
import { seededRandom } from '../../../../lib/seeded-random';

/** First names people introduce themselves with (common English-speaking names and short forms). */
export const DOMAIN_NAMES: readonly string[] = [
  'james', 'john', 'robert', 'michael', 'william', 'david', 'richard', 'joseph', 'thomas', 'charles',
  'christopher', 'daniel', 'matthew', 'anthony', 'mark', 'donald', 'steven', 'paul', 'andrew', 'joshua',
  'kenneth', 'kevin', 'brian', 'george', 'timothy', 'ronald', 'edward', 'jason', 'jeffrey', 'ryan', 'jacob',
  'gary', 'nicholas', 'eric', 'jonathan', 'stephen', 'larry', 'justin', 'scott', 'brandon', 'benjamin',
  'samuel', 'gregory', 'alexander', 'frank', 'patrick', 'raymond', 'jack', 'dennis', 'jerry', 'tyler', 'aaron',
  'adam', 'nathan', 'henry', 'douglas', 'zachary', 'peter', 'kyle', 'noah', 'ethan', 'jeremy', 'walter',
  'christian', 'keith', 'roger', 'terry', 'austin', 'sean', 'gerald', 'carl', 'harold', 'dylan', 'arthur',
  'lawrence', 'jordan', 'jesse', 'bryan', 'billy', 'bruce', 'gabriel', 'joe', 'logan', 'albert', 'alan',
  'eugene', 'russell', 'vincent', 'philip', 'bobby', 'johnny', 'mary', 'patricia', 'jennifer', 'linda',
  'elizabeth', 'barbara', 'susan', 'jessica', 'sarah', 'karen', 'lisa', 'nancy', 'betty', 'sandra', 'margaret',
  'ashley', 'kimberly', 'emily', 'donna', 'michelle', 'carol', 'amanda', 'melissa', 'deborah', 'stephanie',
  'dorothy', 'rebecca', 'sharon', 'laura', 'cynthia', 'amy', 'kathleen', 'angela', 'shirley', 'brenda', 'emma',
  'anna', 'pamela', 'nicole', 'samantha', 'katherine', 'christine', 'helen', 'rachel', 'carolyn', 'janet',
  'maria', 'catherine', 'heather', 'diane', 'olivia', 'julie', 'joyce', 'victoria', 'ruth', 'virginia',
  'lauren', 'kelly', 'christina', 'joan', 'evelyn', 'judith', 'andrea', 'hannah', 'megan', 'martha', 'madison',
  'teresa', 'gloria', 'sara', 'janice', 'ann', 'kathryn', 'abigail', 'sophia', 'frances', 'jean', 'alice',
  'judy', 'isabella', 'julia', 'grace', 'amber', 'denise', 'danielle', 'marilyn', 'charlotte', 'natalie',
  'diana', 'doris', 'kayla', 'alexis', 'marie', 'sam', 'pete', 'tom', 'jim', 'bob', 'jo', 'mike', 'alex',
  'chris', 'max', 'ben', 'lucy', 'sophie', 'oliver', 'harry', 'amelia', 'ava', 'mia', 'ella', 'lily', 'chloe',
  'zoe', 'ruby', 'jake', 'liam', 'mason', 'lucas', 'leo', 'theo', 'finn', 'oscar', 'charlie', 'priya', 'raj',
  'mohammed', 'ahmed', 'fatima', 'carlos', 'sofia', 'diego', 'lena', 'hans', 'ingrid', 'kate', 'katie', 'tim',
  'dan', 'nick', 'steve', 'dave', 'matt', 'andy', 'tony', 'rob', 'bill', 'jane', 'sue', 'liz', 'beth', 'meg',
];

/** Places for "what time is it in ..." (the agent answers that it only knows the local time). */
export const DOMAIN_PLACES: readonly string[] = [
  'london', 'paris', 'tokyo', 'new york', 'berlin', 'sydney', 'chicago', 'boston', 'madrid', 'rome', 'dublin',
  'toronto', 'moscow', 'beijing', 'delhi', 'mumbai', 'california', 'texas', 'china', 'india', 'japan', 'france',
  'germany', 'australia', 'canada', 'america', 'england', 'scotland', 'spain', 'italy', 'mexico', 'brazil',
];

/** Everyday words to be repeated back ("say ...", "repeat after me ..."): short, generic. */
const SAY_CONTENT: readonly string[] = [
  'hello', 'hello world', 'good morning', 'good night', 'thank you', 'yes', 'no', 'one two three', 'testing',
  'testing one two three', 'i love you', 'happy birthday', 'this is a test', 'how are you', 'see you later',
  'nice to meet you', 'good job', 'well done', 'i am here', 'welcome home', 'have a nice day', 'the end',
  'my name is', 'banana', 'apple', 'hello everyone', 'good luck', 'i am hungry', 'let us go', 'coffee',
];

/** How much of the corpus each intent gets (relative): what people ask most gets most. */
const INTENT_SHARE: Readonly<Partial<Record<IntentName, number>>> = {
  arithmetic: 28, date: 10, time: 8, 'date-time': 2, 'set-name': 12, 'name-query': 4, say: 8, 'repeat-last': 4,
  help: 4, identity: 4, 'how-are-you': 3, greeting: 4, goodbye: 3, thanks: 3, acknowledge: 3,
};

/** Requests that polite lead-ins and a greeting in front make sense for. */
const REQUESTS: ReadonlySet<IntentName> = new Set([
  'arithmetic', 'date', 'time', 'date-time', 'name-query', 'help', 'identity', 'set-name', 'say', 'repeat-last',
]);

const LEAD_INS = [
  'can you tell me', 'could you tell me', 'tell me', 'do you know', 'i want to know', 'i would like to know',
  "i'd like to know", 'can you', 'could you', 'would you', 'i was wondering', 'quick question',
];
const GREETINGS = ['hi', 'hello', 'hey', 'hey there', 'hi there', 'good morning', 'good afternoon', 'good evening'];
const LEADING_WORDS = ['okay', 'so', 'well', 'oh', 'alright', 'and', 'now', 'parley', 'hey parley', 'um', 'uh'];
const TRAILING_WORDS = ['please', 'then', 'now', 'parley', 'thanks'];
const FILLERS = ['um', 'uh', 'er', 'hmm'];

/** Contractions people (and recognisers) use for the spelled-out forms the patterns are written in. */
const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bwhat is\b/g, "what's"], [/\bi am\b/g, "i'm"], [/\bthat is\b/g, "that's"], [/\bit is\b/g, "it's"],
  [/\bdo not\b/g, "don't"], [/\bdid not\b/g, "didn't"], [/\bname is\b/g, "name's"], [/\bhow is\b/g, "how's"],
  [/\bi would\b/g, "i'd"], [/\byou are\b/g, "you're"], [/\bi have\b/g, "i've"], [/\bwho is\b/g, "who's"],
  [/\bwe are\b/g, "we're"], [/\bcan not\b/g, "can't"], [/\bwhere is\b/g, "where's"], [/\bthere is\b/g, "there's"],
];

export interface DomainPhraseOptions {
  /** Phrases to generate (before the classification check drops a few). Default 12000. */
  count?: number;
  /** Same seed, same phrases. Default 1. */
  seed?: number;
}

class Sampler {
  constructor(readonly random: () => number) {}
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
}

/** A number as people say it in a sum: mostly small, sometimes large, negative or decimal. */
function spokenOperand(s: Sampler): string {
  const r = s.random();
  if (r < 0.5) return numberToWords(Math.floor(s.random() * 13));
  if (r < 0.75) return numberToWords(13 + Math.floor(s.random() * 88));
  if (r < 0.85) {
    const n = 100 * (1 + Math.floor(s.random() * 9)) + (s.chance(0.5) ? Math.floor(s.random() * 100) : 0);
    const words = numberToWords(n);
    return s.chance(0.3) ? words.replace(/^one hundred/, 'a hundred').replace(/ and /, ' ') : words;
  }
  if (r < 0.9) return `${numberToWords(Math.floor(s.random() * 10))} point ${numberToWords(1 + Math.floor(s.random() * 9))}`;
  if (r < 0.95) return `negative ${numberToWords(1 + Math.floor(s.random() * 20))}`;
  return numberToWords(1000 * (1 + Math.floor(s.random() * 20)));
}

/** Operator words the agent accepts as near misses or typed forms, not as things people say. */
const NOT_SPOKEN_OPERATORS = new Set(['x', 'time', 'multiplied']);
const SPOKEN_OPERATORS = OPERATOR_WORDS.map(([words]) => words.join(' ')).filter((w) => /^[a-z ]+$/.test(w) && !NOT_SPOKEN_OPERATORS.has(w));
const SPOKEN_SUFFIXES = QUESTION_SUFFIXES.map((w) => w.join(' ')).filter((w) => /^[a-z ]+$/.test(w));
const SPOKEN_PREFIXES = QUESTION_PREFIXES.map((w) => w.join(' '));

function arithmeticPhrase(s: Sampler): string {
  if (s.chance(0.2)) {
    const form = s.pick(PREFIX_FORMS);
    return `${s.pick(form.leads)} ${spokenOperand(s)} ${s.pick(form.connectors)} ${spokenOperand(s)}`;
  }
  const parts = [spokenOperand(s), s.pick(SPOKEN_OPERATORS), spokenOperand(s)];
  if (s.chance(0.08)) parts.push(s.pick(SPOKEN_OPERATORS), spokenOperand(s));
  if (s.chance(0.75)) parts.unshift(s.chance(0.6) ? s.pick(['what is', 'what is', "what's", 'how much is']) : s.pick(SPOKEN_PREFIXES));
  if (s.chance(0.15)) parts.push(s.pick(SPOKEN_SUFFIXES));
  return parts.join(' ');
}

function sayPhrase(s: Sampler): string {
  const command = s.chance(0.4) ? 'repeat after me' : s.pick(SAY_COMMANDS).join(' ');
  if (s.chance(0.05)) return command;
  const words = s.chance(0.15) ? `my name is ${s.pick(DOMAIN_NAMES)}` : s.pick(SAY_CONTENT);
  return `${command} ${words}`;
}

function fillCapture(s: Sampler, capture: string): string {
  if (capture === 'name') return s.chance(0.1) ? `${s.pick(DOMAIN_NAMES)} ${s.pick(DOMAIN_NAMES)}` : s.pick(DOMAIN_NAMES);
  if (capture === 'place') return s.pick(DOMAIN_PLACES);
  if (capture === 'day') return s.pick(['tomorrow', 'yesterday']);
  throw new Error(`domainPhrases: no words for capture <${capture}>`);
}

/** The way people say it: contractions, fillers, lead-ins, a greeting in front, "please" after. */
function decorate(s: Sampler, intent: IntentName, phrase: string): string {
  let text = phrase;
  if (REQUESTS.has(intent) && intent !== 'say' && intent !== 'set-name' && s.chance(0.12)) text = `${s.pick(LEAD_INS)} ${text}`;
  if (REQUESTS.has(intent) && s.chance(0.06)) text = `${s.pick(GREETINGS)} ${text}`;
  else if (s.chance(0.08)) text = `${s.pick(LEADING_WORDS)} ${text}`;
  if (intent !== 'say' && s.chance(0.06)) text = `${text} ${s.pick(TRAILING_WORDS)}`;
  if (s.chance(0.05)) {
    const words = text.split(' ');
    words.splice(1 + Math.floor(s.random() * Math.max(1, words.length - 1)), 0, s.pick(FILLERS));
    text = words.join(' ');
  }
  for (const [spelled, contracted] of CONTRACTIONS) {
    text = text.replace(spelled, (match) => (s.chance(0.45) ? contracted : match));
  }
  return text.replace(/\btoday date\b/g, "today's date").replace(/\s+/g, ' ').trim();
}

/**
 * Phrases the built-in agent understands, weighted by how often each kind of request comes up.
 * Deterministic for a given seed and count; every phrase classifies to the intent it was made for.
 */
export function domainPhrases(options: DomainPhraseOptions = {}): string[] {
  const count = options.count ?? 12000;
  const seed = options.seed ?? 1;
  const key = `${count}:${seed}`;
  let phrases = generated.get(key);
  if (!phrases) {
    phrases = generate(count, seed);
    generated.set(key, phrases);
  }
  return [...phrases];
}

/** Generation takes ~1 s: once per process for the same options. */
const generated = new Map<string, readonly string[]>();

function generate(count: number, seed: number): string[] {
  const s = new Sampler(seededRandom(seed));
  const shares = Object.entries(INTENT_SHARE) as [IntentName, number][];
  const total = shares.reduce((sum, [, share]) => sum + share, 0);
  const phrases: string[] = [];
  for (const [intent, share] of shares) {
    const n = Math.round((count * share) / total);
    const patternsOfIntent = INTENT_PATTERNS[intent] ?? [];
    for (let k = 0; k < n; k++) {
      let base: string;
      if (intent === 'arithmetic') base = arithmeticPhrase(s);
      else if (intent === 'say') base = sayPhrase(s);
      else base = samplePattern(s.pick(patternsOfIntent).source, { random: s.random, fill: (c) => fillCapture(s, c) });
      if (base === '') continue;
      const text = decorate(s, intent, base);
      if (classifyIntent(text).intent === intent) phrases.push(text);
    }
  }
  return phrases;
}

/** Every word of the domain phrases, sorted: what the recogniser's dictionary must be able to say. */
export function domainVocabulary(phrases: readonly string[] = domainPhrases()): string[] {
  return [...new Set(phrases.flatMap((p) => p.split(' ')))].sort();
}
