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
