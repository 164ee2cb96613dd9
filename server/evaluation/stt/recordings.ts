/**
 * Recorded human speech: the few utterances Debian's pocketsphinx-testdata package ships (read
 * speech from LibriVox, playing cards, a robot command, digits), with their transcripts. Every
 * other voice of the evaluation is synthetic; these check that what helps synthetic voices does
 * not hurt people. Read from the installed package (scripts/setup.sh --test), never committed.
 * None of it is used for tuning, and none of it is a request to the agent (open-domain).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeWav } from '../../providers/tts/flite/wav';
import type { EvalItem } from './corpus';

export const TESTDATA_DIR = '/usr/share/pocketsphinx/test/data';

interface Recording {
  /** Relative to TESTDATA_DIR; .raw files are 16 kHz mono PCM16 without a header. */
  file: string;
  /** The package's own transcript (lower case, as spoken). */
  text: string;
}

const RECORDINGS: readonly Recording[] = [
  { file: 'librivox/sense_and_sensibility_01_austen_64kb-0870.wav', text: 'and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them' },
  { file: 'librivox/sense_and_sensibility_01_austen_64kb-0880.wav', text: 'he was not an ill disposed young man' },
  { file: 'librivox/sense_and_sensibility_01_austen_64kb-0890.wav', text: 'unless to be rather cold hearted and rather selfish is to be ill disposed' },
  { file: 'librivox/sense_and_sensibility_01_austen_64kb-0920.wav', text: 'had he married a more amiable woman he might have been made still more respectable than he was' },
  { file: 'librivox/sense_and_sensibility_01_austen_64kb-0930.wav', text: 'he might even have been made amiable himself' },
  { file: 'cards/001.wav', text: 'ten of clubs' },
  { file: 'cards/002.wav', text: 'four queen of clubs' },
  { file: 'cards/003.wav', text: 'seven of clubs' },
  { file: 'cards/004.wav', text: 'five five' },
  { file: 'cards/005.wav', text: 'eight of spades four of clubs seven of hearts' },
  { file: 'goforward.raw', text: 'go forward ten meters' },
  { file: 'tidigits/dhd.2934z.raw', text: 'two nine three four zero' },
];

/** The recordings as evaluation items ("recorded-0" ...), when the package is installed. */
export function recordedItems(): EvalItem[] {
  if (!existsSync(TESTDATA_DIR)) return [];
  return RECORDINGS.map((r, k) => ({ id: `recorded-${k}`, text: r.text, intent: 'unknown', domain: 'open', split: 'test' }));
}

/** The recording whose transcript is `text`, as 16 kHz mono PCM16. */
export function loadRecording(text: string): Int16Array {
  const recording = RECORDINGS.find((r) => r.text === text);
  if (!recording) throw new Error(`no recording says "${text}"`);
  const file = path.join(TESTDATA_DIR, recording.file);
  if (!existsSync(file)) throw new Error(`${file} is missing: install the Debian package pocketsphinx-testdata (scripts/setup.sh --test)`);
  const bytes = readFileSync(file);
  if (file.endsWith('.raw')) return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2)).slice();
  const wav = decodeWav(bytes);
  if (wav.sampleRate !== 16000 || wav.channels !== 1) throw new Error(`${file}: expected 16 kHz mono, got ${wav.sampleRate} Hz x ${wav.channels}`);
  return wav.samples;
}
