/**
 * Pronunciations the Debian cmudict (pocketsphinx-en-us) lacks for words the built-in agent
 * understands. Passed to the decoder with --extra-dict; words the dictionary has are skipped.
 * Phones are the en-us acoustic model's (CMU ARPAbet, no stress marks).
 */
export const EXTRA_PRONUNCIATIONS: Readonly<Record<string, string>> = {
  chatbot: 'CH AE T B AA T',
  chatgpt: 'CH AE T JH IY P IY T IY',
  gpt: 'JH IY P IY T IY',
  heya: 'HH EY AH',
  hiya: 'HH AY AH',
  llm: 'EH L EH L EH M',
  maths: 'M AE TH S',
  priya: 'P R IY AH',
  sentient: 'S EH N SH AH N T',
  yuki: 'Y UW K IY',
};

/** The pronunciations as a dictionary file ("word PH ON ES" per line). */
export function extraDictionaryText(entries: Readonly<Record<string, string>> = EXTRA_PRONUNCIATIONS): string {
  return Object.entries(entries)
    .map(([word, phones]) => `${word} ${phones}\n`)
    .join('');
}
