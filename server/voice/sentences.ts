/**
 * Agents stream text in pieces of any size (an LLM's tokens, the built-in agent's sentences);
 * speech is synthesised a sentence at a time. This is the one place that cuts the stream
 * into sentences: Intl.Segmenter's sentence rules (decimals such as "3.5" stay whole), plus
 * a guard for abbreviations the rules break after ("Dr. Smith", "e.g. this").
 */
const ABBREVIATION = /(?:^|\s)(?:mr|mrs|ms|dr|prof|sr|jr|st|vs|etc|e\.g|i\.e|approx|no|fig)\.\s*$/i;

const ENDED = /[.!?…]["')\]]*\s+$/;

export class SentenceSplitter {
  private buffer = '';
  private readonly segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

  /** Adds text; returns the sentences now complete (a sentence is complete once the next one has begun). */
  push(text: string): string[] {
    this.buffer += text;
    const segments = [...this.segmenter.segment(this.buffer)].map((s) => s.segment);
    // The last segment may still grow ("It is 3." + "5 degrees"): keep it until more arrives,
    // unless it already ends in terminal punctuation and a space.
    const lastIsComplete = ENDED.test(segments.at(-1) ?? '') && !ABBREVIATION.test(segments.at(-1) ?? '');
    if (lastIsComplete) segments.push('');
    if (segments.length < 2) return [];
    const complete = this.join(segments.slice(0, -1));
    const last = segments.at(-1)!;
    if (complete.length > 0 && ABBREVIATION.test(complete.at(-1)!)) {
      this.buffer = complete.pop()! + last;
    } else {
      this.buffer = last;
    }
    return complete.map((s) => s.trim()).filter(Boolean);
  }

  /** The stream ended: whatever is left is the last sentence. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return rest ? [rest] : [];
  }

  /** Segments joined where a segment ends in an abbreviation (it does not end a sentence). */
  private join(segments: string[]): string[] {
    const joined: string[] = [];
    for (const segment of segments) {
      const previous = joined.at(-1);
      if (previous !== undefined && ABBREVIATION.test(previous)) joined[joined.length - 1] = previous + segment;
      else joined.push(segment);
    }
    return joined;
  }
}
