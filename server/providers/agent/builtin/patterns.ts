/**
 * A tiny pattern language over normalised token text, so intents read like the phrases they accept.
 *
 *   word            that word
 *   a b             a sequence
 *   (a|b c)         alternatives (of sequences); `|` at the top level works too
 *   x?  x*  x+      optional / any number / at least one of the preceding word or group
 *   <name>          captures one or more words (as few as the rest of the pattern allows)
 *
 * Example: `(what|which) day (is it|is today)? today?` matches "what day is it" and "which day today".
 * A pattern must match the whole text.
 */

export type Captures = Record<string, string>;

export interface Pattern {
  readonly source: string;
  /** The captures when the pattern matches all of `text`, else null. */
  match(text: string): Captures | null;
}

type Lexeme =
  | { kind: 'word'; value: string }
  | { kind: 'capture'; name: string }
  | { kind: '(' | ')' | '|' | '?' | '*' | '+' };

function lex(source: string): Lexeme[] {
  const out: Lexeme[] = [];
  const re = /\s*(?:([()|?*+])|<([a-zA-Z_]\w*)>|([^\s()|?*+<>]+))/y;
  const text = source.trim();
  for (let index = 0; index < text.length; ) {
    re.lastIndex = index;
    const m = re.exec(text);
    if (!m) throw new SyntaxError(`Bad pattern: ${source}`);
    index = re.lastIndex;
    if (m[1]) out.push({ kind: m[1] as '(' });
    else if (m[2]) out.push({ kind: 'capture', name: m[2] });
    else if (m[3]) out.push({ kind: 'word', value: m[3] });
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles to a regular expression over "token token " (every token followed by one space). */
function compile(source: string): RegExp {
  const lexemes = lex(source);
  let pos = 0;

  const alternatives = (): string => {
    const seqs = [sequence()];
    while (lexemes[pos]?.kind === '|') {
      pos++;
      seqs.push(sequence());
    }
    return seqs.join('|');
  };

  const sequence = (): string => {
    let out = '';
    for (;;) {
      const lexeme = lexemes[pos];
      if (!lexeme || lexeme.kind === '|' || lexeme.kind === ')') return out;
      pos++;
      let atom: string;
      if (lexeme.kind === 'word') atom = `${escape(lexeme.value)} `;
      else if (lexeme.kind === 'capture') atom = `(?<${lexeme.name}>(?:\\S+ )+?)`;
      else if (lexeme.kind === '(') {
        atom = `(?:${alternatives()})`;
        if (lexemes[pos]?.kind !== ')') throw new SyntaxError(`Unclosed group in pattern: ${source}`);
        pos++;
      } else throw new SyntaxError(`Unexpected "${lexeme.kind}" in pattern: ${source}`);
      const quantifier = lexemes[pos];
      if (quantifier && (quantifier.kind === '?' || quantifier.kind === '*' || quantifier.kind === '+')) {
        pos++;
        atom = `(?:${atom})${quantifier.kind}`;
      }
      out += atom;
    }
  };

  const body = alternatives();
  if (pos !== lexemes.length) throw new SyntaxError(`Unbalanced pattern: ${source}`);
  return new RegExp(`^(?:${body})$`);
}

export function pattern(source: string): Pattern {
  const regex = compile(source);
  return {
    source,
    match(text: string): Captures | null {
      const m = regex.exec(text === '' ? '' : `${text.trim()} `);
      if (!m) return null;
      const captures: Captures = {};
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value !== undefined) captures[name] = value.trim();
      }
      return captures;
    },
  };
}

/** Compiles several patterns at once. */
export const patterns = (...sources: string[]): Pattern[] => sources.map(pattern);

/** The captures of the first pattern that matches, or null. */
export function matchAny(list: readonly Pattern[], text: string): Captures | null {
  for (const p of list) {
    const captures = p.match(text);
    if (captures) return captures;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Sampling: phrases a pattern accepts, for building a recogniser's domain language model.

type Node =
  | { kind: 'word'; value: string; quantifier?: '?' | '*' | '+' }
  | { kind: 'capture'; name: string; quantifier?: '?' | '*' | '+' }
  | { kind: 'group'; alternatives: Node[][]; quantifier?: '?' | '*' | '+' };

function parseTree(source: string): Node[][] {
  const lexemes = lex(source);
  let pos = 0;
  const alternatives = (): Node[][] => {
    const seqs = [sequence()];
    while (lexemes[pos]?.kind === '|') {
      pos++;
      seqs.push(sequence());
    }
    return seqs;
  };
  const sequence = (): Node[] => {
    const out: Node[] = [];
    for (;;) {
      const lexeme = lexemes[pos];
      if (!lexeme || lexeme.kind === '|' || lexeme.kind === ')') return out;
      pos++;
      let node: Node;
      if (lexeme.kind === 'word') node = { kind: 'word', value: lexeme.value };
      else if (lexeme.kind === 'capture') node = { kind: 'capture', name: lexeme.name };
      else if (lexeme.kind === '(') {
        node = { kind: 'group', alternatives: alternatives() };
        if (lexemes[pos]?.kind !== ')') throw new SyntaxError(`Unclosed group in pattern: ${source}`);
        pos++;
      } else throw new SyntaxError(`Unexpected "${lexeme.kind}" in pattern: ${source}`);
      const quantifier = lexemes[pos];
      if (quantifier && (quantifier.kind === '?' || quantifier.kind === '*' || quantifier.kind === '+')) {
        pos++;
        node.quantifier = quantifier.kind;
      }
      out.push(node);
    }
  };
  const tree = alternatives();
  if (pos !== lexemes.length) throw new SyntaxError(`Unbalanced pattern: ${source}`);
  return tree;
}

export interface SampleOptions {
  /** Uniform in [0, 1). */
  random: () => number;
  /** Words for a capture ("<name>" → a name); called once per capture in the phrase. */
  fill(capture: string): string;
}

/**
 * One phrase `source` accepts, chosen at random, leaning towards the plain form people say most:
 * the first alternative of a group (patterns list the usual wording first) twice as likely as each
 * other one, `x?` present 30% of the time, `x*` mostly absent, `x+` mostly once. The phrase may
 * still be rejected by the intent that owns the pattern (e.g. a capture that is not a name), so
 * callers check it.
 */
export function samplePattern(source: string, options: SampleOptions): string {
  const tree = parseTree(source);
  const words: string[] = [];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(options.random() * list.length)];
  /** The first alternative counts twice. */
  const pickAlternative = <T>(list: readonly T[]): T => list[Math.max(0, Math.floor(options.random() * (list.length + 1)) - 1)];
  const emitSequence = (seq: readonly Node[]) => seq.forEach(emit);
  const emitOnce = (node: Node) => {
    if (node.kind === 'word') words.push(node.value);
    else if (node.kind === 'capture') words.push(options.fill(node.name));
    else emitSequence(pickAlternative(node.alternatives));
  };
  function emit(node: Node): void {
    const times =
      node.quantifier === '?' ? (options.random() < 0.3 ? 1 : 0)
      : node.quantifier === '*' ? pick([0, 0, 0, 1, 2])
      : node.quantifier === '+' ? pick([1, 1, 1, 2])
      : 1;
    for (let k = 0; k < times; k++) emitOnce(node);
  }
  emitSequence(pickAlternative(tree));
  return words.join(' ').replace(/\s+/g, ' ').trim();
}
