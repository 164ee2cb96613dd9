import { describe, expect, it } from 'vitest';
import { parseClientFrame } from './parse';

describe('parseClientFrame', () => {
  it('accepts every client message of protocol 1 and ignores unknown fields', () => {
    const frames = [
      { type: 'user.audio.start', utteranceId: 'u-1', timestamp: 1, format: { encoding: 'pcm_s16le', sampleRate: 16000, channels: 1 } },
      { type: 'user.audio.chunk', utteranceId: 'u-1', sequence: 0, timestamp: 2, audio: 'AAA=' },
      { type: 'user.audio.end', utteranceId: 'u-1', sequence: 0, timestamp: 3 },
      { type: 'agent.interrupt', timestamp: 4, playedMs: 1200 },
      { type: 'rtc.offer', sdp: 'v=0' },
    ];
    for (const frame of frames) {
      const result = parseClientFrame(JSON.stringify({ ...frame, extra: 'ignored' }));
      expect(result).toEqual({ ok: true, message: frame });
    }
  });

  it.each([
    ['not JSON', 'nope', 'invalid_json'],
    ['a JSON string', '"hello"', 'invalid_json'],
    ['null', 'null', 'invalid_json'],
    ['no type', '{}', 'invalid_message'],
    ['a numeric type', '{"type": 3}', 'invalid_message'],
    ['an unknown type', '{"type": "user.audio.pause"}', 'unknown_type'],
    ['a missing utteranceId', '{"type": "user.audio.end", "timestamp": 1}', 'invalid_message'],
    ['a negative sequence', '{"type": "user.audio.chunk", "utteranceId": "a", "sequence": -1, "timestamp": 1, "audio": ""}', 'invalid_message'],
    ['a fractional sequence', '{"type": "user.audio.chunk", "utteranceId": "a", "sequence": 1.5, "timestamp": 1, "audio": ""}', 'invalid_message'],
    ['a too long utteranceId', JSON.stringify({ type: 'user.audio.start', utteranceId: 'x'.repeat(65), timestamp: 1 }), 'invalid_message'],
    ['a string timestamp', '{"type": "agent.interrupt", "timestamp": "now"}', 'invalid_message'],
  ])('refuses %s with %s', (_name, frame, code) => {
    const result = parseClientFrame(frame);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(10);
    }
  });

  it('names the missing field and echoes a valid utteranceId', () => {
    const result = parseClientFrame('{"type": "user.audio.chunk", "utteranceId": "u7", "timestamp": 1, "audio": ""}');
    expect(result).toMatchObject({ ok: false, code: 'invalid_message', utteranceId: 'u7' });
    if (!result.ok) expect(result.message).toMatch(/missing field "sequence"/);
  });
});
