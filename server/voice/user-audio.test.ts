import { describe, expect, it } from 'vitest';
import { encodeAudioChunk } from '../../lib/audio/pcm';
import { UserAudioInput, type ContractProblem } from './user-audio';

function harness() {
  const events: string[] = [];
  const problems: ContractProblem[] = [];
  const input = new UserAudioInput(
    {
      onUtteranceStart: (id) => events.push(`start ${id}`),
      onUtteranceAudio: (id, samples) => events.push(`audio ${id} ${samples[0]}`),
      onUtteranceEnd: (id) => events.push(`end ${id}`),
    },
    (p) => problems.push(p),
  );
  const chunk = (utteranceId: string, sequence: number, marker = sequence) =>
    input.handle({ type: 'user.audio.chunk', utteranceId, sequence, timestamp: 0, audio: encodeAudioChunk(Int16Array.from([marker, 0])) });
  return { input, events, problems, chunk };
}

describe('UserAudioInput', () => {
  it('passes a well-formed utterance through in order', () => {
    const { input, events, problems, chunk } = harness();
    input.handle({ type: 'user.audio.start', utteranceId: 'a', timestamp: 0 });
    chunk('a', 0);
    chunk('a', 1);
    input.handle({ type: 'user.audio.end', utteranceId: 'a', sequence: 1, timestamp: 0 });
    expect(events).toEqual(['start a', 'audio a 0', 'audio a 1', 'end a']);
    expect(problems).toEqual([]);
  });

  it('drops duplicates, reports gaps and still uses the audio that came', () => {
    const { input, events, problems, chunk } = harness();
    input.handle({ type: 'user.audio.start', utteranceId: 'a', timestamp: 0 });
    chunk('a', 0);
    chunk('a', 0, 99);
    chunk('a', 3);
    input.handle({ type: 'user.audio.end', utteranceId: 'a', sequence: 5, timestamp: 0 });
    expect(events).toEqual(['start a', 'audio a 0', 'audio a 3', 'end a']);
    expect(problems.map((p) => [p.code, p.message.match(/Chunks? ([\d–]+)/)?.[1]])).toEqual([
      ['sequence_gap', '1–2'],
      ['sequence_gap', '4–5'],
    ]);
  });

  it('tells never-started from already-ended utterances', () => {
    const { input, problems, chunk } = harness();
    chunk('ghost', 0);
    input.handle({ type: 'user.audio.start', utteranceId: 'a', timestamp: 0 });
    input.handle({ type: 'user.audio.end', utteranceId: 'a', timestamp: 0 });
    chunk('a', 1);
    input.handle({ type: 'user.audio.end', utteranceId: 'a', timestamp: 0 });
    expect(problems.map((p) => p.code)).toEqual(['unknown_utterance', 'utterance_ended', 'utterance_ended']);
  });

  it('refuses an unsupported format without opening the utterance', () => {
    const { input, problems, events } = harness();
    input.handle({ type: 'user.audio.start', utteranceId: 'a', timestamp: 0, format: { encoding: 'pcm_s16le', sampleRate: 48000, channels: 1 } });
    expect(problems.map((p) => p.code)).toEqual(['unsupported_format']);
    expect(events).toEqual([]);
    expect(input.activeUtteranceId).toBeNull();
  });
});
