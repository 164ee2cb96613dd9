import { describe, expect, it } from 'vitest';
import type { StoredTurn } from '../api';
import { axisStep, median, replyLatencies } from './latency-breakdown';

let next = 0;
function turn(role: 'user' | 'agent', fields: Partial<StoredTurn> = {}): StoredTurn {
  next++;
  return {
    id: `t${next}`,
    position: next,
    role,
    text: role,
    interrupted: false,
    startedAt: '2025-01-01T10:00:00Z',
    endedAt: '2025-01-01T10:00:01Z',
    replyTo: null,
    sttLatencyMs: null,
    agentLatencyMs: null,
    ttsLatencyMs: null,
    voiceToVoiceMs: null,
    audio: null,
    ...fields,
  };
}

describe('replyLatencies', () => {
  it('splits voice-to-voice into the answered user turn’s recognition, the agent, the voice and the rest', () => {
    const question = turn('user', { sttLatencyMs: 300 });
    const answer = turn('agent', { replyTo: [question.id], agentLatencyMs: 50, ttsLatencyMs: 150, voiceToVoiceMs: 600 });
    expect(replyLatencies([question, answer])).toEqual([
      { turnId: answer.id, reply: 1, recognitionMs: 300, agentMs: 50, voiceMs: 150, otherMs: 100, voiceToVoiceMs: 600 },
    ]);
  });

  it('measures from the last of several answered user turns', () => {
    const first = turn('user', { sttLatencyMs: 900 });
    const second = turn('user', { sttLatencyMs: 200 });
    const answer = turn('agent', { replyTo: [first.id, second.id], agentLatencyMs: 10, ttsLatencyMs: 90, voiceToVoiceMs: 400 });
    expect(replyLatencies([first, second, answer])[0]).toMatchObject({ recognitionMs: 200, otherMs: 100 });
  });

  it('falls back to the user turn before the reply when replyTo is missing', () => {
    const question = turn('user', { sttLatencyMs: 250 });
    const answer = turn('agent', { agentLatencyMs: 10, ttsLatencyMs: 40, voiceToVoiceMs: 300 });
    expect(replyLatencies([question, answer])[0]).toMatchObject({ recognitionMs: 250, otherMs: 0 });
  });

  it('leaves out replies without a voice-to-voice time and never makes "other" negative', () => {
    const question = turn('user', { sttLatencyMs: 500 });
    const silent = turn('agent', { replyTo: [question.id], agentLatencyMs: 20 });
    const answer = turn('agent', { replyTo: [question.id], agentLatencyMs: 100, ttsLatencyMs: 100, voiceToVoiceMs: 600 });
    const [only, ...rest] = replyLatencies([question, silent, answer]);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ turnId: answer.id, reply: 1, otherMs: 0 });
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
  });
});

describe('axisStep', () => {
  it('picks 1, 2 or 5 times a power of ten', () => {
    expect(axisStep(1000)).toBe(200);
    expect(axisStep(2400)).toBe(500);
    expect(axisStep(90)).toBe(20);
    expect(axisStep(0)).toBe(100);
  });
});
