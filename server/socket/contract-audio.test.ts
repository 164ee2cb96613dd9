import { describe, expect, it } from 'vitest';
import { encodeAudioChunk } from '../../lib/audio/pcm';
import { ContractAudio, type ContractAudioLimits, type ContractProblem } from './contract-audio';

function harness(limits: Partial<ContractAudioLimits> = {}) {
  const events: string[] = [];
  const problems: ContractProblem[] = [];
  const floods: string[] = [];
  const input = new ContractAudio(
    {
      input: (i) => events.push(i.type === 'utterance.audio' ? `audio ${i.utteranceId} ${i.samples[0]}` : `${i.type.slice(10)} ${i.utteranceId}`),
      problem: (p) => problems.push(p),
      flood: (message) => floods.push(message),
    },
    limits,
  );
  const chunk = (utteranceId: string, sequence: number, marker = sequence, samples = 2) =>
    input.handle({ type: 'user.audio.chunk', utteranceId, sequence, timestamp: 0, audio: encodeAudioChunk(Int16Array.from({ length: samples }, (_, i) => (i === 0 ? marker : 0))) });
  return { input, events, problems, floods, chunk };
}

describe('ContractAudio', () => {
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

  it('ends an utterance that receives no audio for idleMs, with a non-fatal utterance_timeout', async () => {
    const { input, events, problems, chunk } = harness({ idleMs: 50 });
    input.handle({ type: 'user.audio.start', utteranceId: 'a', timestamp: 0 });
    chunk('a', 0);
    await expect.poll(() => events, { timeout: 5_000 }).toEqual(['start a', 'audio a 0', 'end a']);
    expect(problems).toMatchObject([{ code: 'utterance_timeout', utteranceId: 'a' }]);
    expect(problems[0].message).toMatch(/no audio for 0.05 s/);
    expect(input.activeUtteranceId).toBeNull();
    // The client's own end, arriving late, is told the utterance is over; a new one may start.
    input.handle({ type: 'user.audio.end', utteranceId: 'a', timestamp: 0 });
    expect(problems.at(-1)?.code).toBe('utterance_ended');
    input.handle({ type: 'user.audio.start', utteranceId: 'b', timestamp: 0 });
    expect(events.at(-1)).toBe('start b');
  });

  it('lets audio through at real time and in a burst, and reports a flood past maxRealTime', () => {
    const { input, events, floods, chunk } = harness({ maxRealTime: 3, burstMs: 1_000 });
    input.handle({ type: 'user.audio.start', utteranceId: 'a', timestamp: 0 });
    // 200 ms chunks sent all at once: the 1 s burst allowance covers five of them.
    for (let i = 0; i < 5; i++) chunk('a', i, i, 3200);
    expect(floods).toEqual([]);
    for (let i = 5; i < 8 && floods.length === 0; i++) chunk('a', i, i, 3200);
    expect(floods).toHaveLength(1);
    expect(floods[0]).toMatch(/faster than 3× real time/);
    // Nothing more reaches the session after a flood.
    const seen = events.length;
    chunk('a', 9, 9, 320);
    expect(events.length).toBe(seen);
  });
});
