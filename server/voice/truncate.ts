/**
 * What the listener actually heard of an agent reply cut off after `heardMs` (rule 3).
 * Each sentence's place in the audio is known; within the sentence being spoken we have no
 * word timings (Flite gives none), so words are assumed to take time in proportion to
 * their length, and only words completely heard are kept.
 */
export interface SpokenSentence {
  text: string;
  /** Where this sentence's audio starts and ends in the utterance, in ms (equal: none yet). */
  startMs: number;
  endMs: number;
}

export function heardText(sentences: readonly SpokenSentence[], heardMs: number): string {
  const heard: string[] = [];
  for (const sentence of sentences) {
    // A sentence whose audio has not started was not heard, even when heardMs is exactly
    // where it would start (the previous sentence ended on a frame boundary).
    if (sentence.endMs <= sentence.startMs || heardMs <= sentence.startMs) break;
    if (heardMs >= sentence.endMs) {
      heard.push(sentence.text);
      continue;
    }
    const part = wordsWithin(sentence.text, (heardMs - sentence.startMs) / (sentence.endMs - sentence.startMs));
    if (part) heard.push(part);
    break;
  }
  return heard.join(' ');
}

function wordsWithin(text: string, fraction: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const total = words.reduce((sum, w) => sum + w.length + 1, 0);
  let spent = 0;
  const kept: string[] = [];
  for (const word of words) {
    spent += word.length + 1;
    if (spent / total > fraction) break;
    kept.push(word);
  }
  return kept.join(' ');
}
