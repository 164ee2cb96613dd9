/**
 * Whether the words recognised so far read as a whole request, for agents that cannot say
 * themselves (an LLM): the endpointer waits longer after words that end mid-phrase
 * ("what is nine times", "and the", "um"). A rule of thumb over the last words only: a
 * false "complete" costs the person a cut-off request, a false "incomplete" ~0.5 s more wait.
 */

/** Words after which an English phrase cannot end. */
const DANGLING = new Set([
  // conjunctions
  'and', 'or', 'but', 'so', 'because', 'if', 'than', 'then', 'that', 'nor', 'while', 'when', 'whereas', 'although', 'unless',
  // prepositions
  'of', 'to', 'in', 'on', 'at', 'for', 'from', 'with', 'by', 'about', 'into', 'onto', 'over', 'under', 'between', 'after',
  'before', 'through', 'during', 'without', 'within', 'towards', 'toward', 'against', 'like', 'as', 'per', 'via',
  // articles, determiners, possessives
  'a', 'an', 'the', 'this', 'these', 'those', 'my', 'your', 'his', 'her', 'its', 'our', 'their', 'some', 'any', 'every', 'each', 'no',
  // auxiliaries and copulas that need what follows
  'is', 'are', 'was', 'were', 'am', 'be', 'been', 'being', 'will', 'would', 'can', 'could', 'should', 'shall', 'may', 'might',
  'must', 'not',
  // arithmetic operators, said
  'plus', 'minus', 'times', 'divided', 'multiplied', 'over', 'root',
  // question words on their own at the end
  'what', 'whats', "what's", 'which', 'who', 'whose', 'where', 'how', 'why',
  // fillers: the person is still thinking
  'um', 'uh', 'er', 'erm', 'hmm', 'uhm', 'umm', 'ah', 'well',
  // others that announce more
  'very', 'more', 'most', 'less', 'also', 'let', "let's", 'want', 'need', 'tell', 'give', 'show', 'set', 'call',
]);

/** Two-word endings that still want more ("tell me", "how many", "what about"). */
const DANGLING_PAIRS = new Set(['tell me', 'give me', 'show me', 'how many', 'how much', 'what about', 'how about', 'i want', 'i need', 'i think', 'can you', 'could you', 'would you', 'will you', 'do you', 'what is', "what's the", 'and then', 'square root']);

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** True when `text` reads as a finished request; false for nothing or words that end mid-phrase. */
export function looksCompleteRequest(text: string): boolean {
  const all = words(text);
  if (all.length === 0) return false;
  const last = all.at(-1)!;
  if (DANGLING.has(last)) return false;
  if (all.length >= 2 && DANGLING_PAIRS.has(`${all.at(-2)} ${last}`)) return false;
  return true;
}
