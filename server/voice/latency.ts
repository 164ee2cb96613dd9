/** Per-stage latencies of a turn, in whole milliseconds, from performance.now() marks. */
export interface ReplyMarks {
  /** When the person stopped speaking (the last utterance the reply answers). */
  speechEndAt: number;
  /** When the reply was asked for: the last final it answers had arrived. */
  requestedAt: number;
  firstTextAt: number | null;
  firstAudioAt: number | null;
}

export interface ReplyLatencies {
  /** final transcript → first reply text */
  agentLatencyMs: number | null;
  /** first reply text → first reply audio */
  ttsLatencyMs: number | null;
  /** speech end → first reply audio */
  voiceToVoiceMs: number | null;
}

export function replyLatencies(marks: ReplyMarks): ReplyLatencies {
  return {
    agentLatencyMs: between(marks.requestedAt, marks.firstTextAt),
    ttsLatencyMs: between(marks.firstTextAt, marks.firstAudioAt),
    voiceToVoiceMs: between(marks.speechEndAt, marks.firstAudioAt),
  };
}

/** speech end → final transcript */
export function recognitionLatency(speechEndAt: number | null, finalAt: number | null): number | null {
  return between(speechEndAt, finalAt);
}

function between(from: number | null, to: number | null): number | null {
  return from !== null && to !== null ? Math.max(0, Math.round(to - from)) : null;
}
