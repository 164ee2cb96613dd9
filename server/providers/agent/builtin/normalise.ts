/**
 * Turns what the recogniser (or a keyboard) produced into plain lowercase tokens that intent
 * patterns can match: punctuation gone, contractions spelled out ("what's" → "what is"),
 * hesitations and politeness dropped ("um", "please"), arithmetic symbols as their own tokens.
 */

export interface Utterance {
  /** Exactly what was heard. */
  readonly original: string;
  /** The original split on whitespace, as written (case and punctuation kept). For echoing words back. */
  readonly rawTokens: readonly string[];
  /** Normalised lowercase tokens. */
  readonly tokens: readonly string[];
  /** `tokens` joined by single spaces. */
  readonly text: string;
}

/** Spelled-out forms of contractions and common recogniser/keyboard variants. */
const REWRITES: Readonly<Record<string, string>> = {
  whats: 'what is', wats: 'what is', whatis: 'what is',
  thats: 'that is', whos: 'who is', hows: 'how is', wheres: 'where is', theres: 'there is', heres: 'here is',
  im: 'i am', ive: 'i have', youre: 'you are', dont: 'do not', doesnt: 'does not', didnt: 'did not',
  isnt: 'is not', arent: 'are not', cant: 'can not', cannot: 'can not', wont: 'will not',
  "can't": 'can not', "won't": 'will not', "shan't": 'shall not', "ain't": 'is not', "let's": 'let us',
  "y'all": 'you all', gonna: 'going to', wanna: 'want to', gotta: 'got to',
  todays: 'today', ok: 'okay', thankyou: 'thank you', thanx: 'thanks', thx: 'thanks', ty: 'thank you',
  pls: 'please', plz: 'please', byebye: 'bye bye', hullo: 'hello', hallo: 'hello',
};

/** Words whose "'s" means "is"; on any other word "'s" is a possessive and is dropped. */
const IS_CONTRACTING = new Set([
  'he', 'she', 'it', 'that', 'what', 'who', 'how', 'where', 'there', 'here', 'when', 'why', 'name', 'everything',
  'nothing', 'something', 'this',
]);

/** Hesitations and politeness that never change the meaning; dropped wherever they are. */
export const FILLERS: ReadonlySet<string> = new Set([
  'um', 'umm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'err', 'hmm', 'hm', 'mm', 'mmm', 'ah', 'eh', 'please', 'kindly',
]);

/** Discourse markers dropped at the start of an utterance (when something else remains). */
const LEADING_MARKERS: ReadonlySet<string> = new Set([
  'oh', 'okay', 'so', 'well', 'alright', 'right', 'and', 'but', 'actually', 'also', 'now', 'sorry', 'yes', 'yeah',
  'parley',
]);

/** Dropped at the end of an utterance (when something else remains). */
const TRAILING_MARKERS: ReadonlySet<string> = new Set(['parley']);

/** Lowercases and spells out one word (may become several words). */
function rewriteWord(word: string): string[] {
  let w = word.replace(/^'+|'+$/g, '');
  if (w === '') return [];
  if (Object.hasOwn(REWRITES, w)) return REWRITES[w].split(' ');
  let m: RegExpMatchArray | null;
  if ((m = w.match(/^(.+)n't$/))) return [m[1], 'not'];
  if ((m = w.match(/^(.+)'re$/))) return [m[1], 'are'];
  if ((m = w.match(/^(.+)'ve$/))) return [m[1], 'have'];
  if ((m = w.match(/^(.+)'ll$/))) return [m[1], 'will'];
  if ((m = w.match(/^(.+)'d$/))) return [m[1], 'would'];
  if ((m = w.match(/^(.+)'m$/))) return [m[1], 'am'];
  if ((m = w.match(/^(.+)'s$/))) return IS_CONTRACTING.has(m[1]) ? [m[1], 'is'] : rewriteWord(m[1]);
  return [w];
}

/** Punctuation and symbols to spaces, keeping what arithmetic needs ("2.5", "6 x 7", "3 + 4", "-5"). */
function tidy(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[\u2018\u2019\u02bc`´]/g, "'")
      .replace(/(\d),(?=\d{3}(?!\d))/g, '$1') // 1,200 → 1200
      .replace(/(\d)\s*x\s*(?=\d)/g, '$1 x ') // 6x7 → 6 x 7
      .replace(/[+*\u00d7\u00f7/=]/g, (s) => ` ${s} `)
      .replace(/(\d)\s*[-\u2212]\s*(?=\d)/g, '$1 - ') // 9-4 → 9 - 4
      .replace(/(^|\s)[-\u2212](?=\d)/g, '$1negative ') // -5 → negative 5
      .replace(/\.(?!\d)|(?<!\d)\./g, ' ') // full stops go, decimal points stay
      .replace(/[^\p{L}\p{N}'.+*\u00d7\u00f7/=\s-]/gu, ' ')
      // a lone "-" (from "9 - 4") is the minus sign; hyphens in words ("twenty-one") split them
      .replace(/[-\u2212]/g, (_dash: string, offset: number, all: string) =>
        /\s/.test(all[offset - 1] ?? ' ') && /\s/.test(all[offset + 1] ?? ' ') ? '-' : ' ',
      )
  );
}

function dropEdges(tokens: string[], markers: ReadonlySet<string>, fromStart: boolean): string[] {
  const out = [...tokens];
  while (out.length > 1 && markers.has(fromStart ? out[0] : out[out.length - 1])) {
    if (fromStart) out.shift();
    else out.pop();
  }
  return out;
}

/** Normalises one utterance. Blank or filler-only input gives no tokens. */
export function normalise(original: string): Utterance {
  const rawTokens = original.split(/\s+/).filter(Boolean);
  let tokens = tidy(original)
    .split(/\s+/)
    .filter(Boolean)
    .flatMap(rewriteWord)
    .filter((t) => !FILLERS.has(t));
  tokens = dropEdges(tokens, LEADING_MARKERS, true);
  tokens = dropEdges(tokens, TRAILING_MARKERS, false);
  return { original, rawTokens, tokens, text: tokens.join(' ') };
}

/** Builds an utterance from tokens already normalised (e.g. a tail of another utterance). */
export function fromTokens(tokens: readonly string[], original = tokens.join(' ')): Utterance {
  return { original, rawTokens: original.split(/\s+/).filter(Boolean), tokens, text: tokens.join(' ') };
}

/**
 * Polite or indirect lead-ins that wrap a request: "could you tell me", "do you know",
 * "I'd like to know". Stripping them leaves the request itself ("could you tell me the time" → "the time").
 */
const LEAD_INS: readonly RegExp[] = [
  /^(?:can|could|would|will) you (?:just )?/,
  /^(?:would you mind )?(?:tell|telling|remind) me /,
  /^let me know /,
  /^(?:i|we) (?:want|would like|need|wish|am trying) to know /,
  /^(?:i|we) (?:was |am )?wonder(?:ing)? /,
  /^do you (?:happen to )?know /,
  /^(?:i|we) (?:want|would like) you to /,
  /^(?:quick |a )?question /,
  /^(?:i|we) (?:want|need|would like) /,
  /^give me /,
  /^(?:hey|yo) /,
];

/** The request without polite lead-ins, or the same utterance when it has none. */
export function stripLeadIns(u: Utterance): Utterance {
  let text = u.text;
  for (let changed = true; changed; ) {
    changed = false;
    for (const lead of LEAD_INS) {
      const next = text.replace(lead, '');
      if (next !== text && next.trim() !== '') {
        text = next;
        changed = true;
      }
    }
  }
  if (text === u.text) return u;
  return { ...u, tokens: text.split(' '), text };
}
