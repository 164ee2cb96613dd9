/**
 * Where each reply's voice-to-voice time went: recognising the person (speech end → final
 * transcript, stored on the user turn), the agent (→ first reply text) and the voice (→ first
 * reply audio). What the three do not cover (end-of-speech detection, queueing) is "other".
 */
import type { StoredTurn } from '../api';

export interface ReplyLatency {
  turnId: string;
  /** 1, 2, 3 … among the replies shown. */
  reply: number;
  recognitionMs: number | null;
  agentMs: number | null;
  voiceMs: number | null;
  otherMs: number;
  voiceToVoiceMs: number;
}

/** One entry per agent turn that reached the person's ears (has a voice-to-voice time). */
export function replyLatencies(turns: StoredTurn[]): ReplyLatency[] {
  const byId = new Map(turns.map((turn) => [turn.id, turn]));
  const replies: ReplyLatency[] = [];
  for (const [index, turn] of turns.entries()) {
    if (turn.role !== 'agent' || turn.voiceToVoiceMs === null) continue;
    const recognitionMs = answeredUserTurn(turn, index, turns, byId)?.sttLatencyMs ?? null;
    const parts = (recognitionMs ?? 0) + (turn.agentLatencyMs ?? 0) + (turn.ttsLatencyMs ?? 0);
    replies.push({
      turnId: turn.id,
      reply: replies.length + 1,
      recognitionMs,
      agentMs: turn.agentLatencyMs,
      voiceMs: turn.ttsLatencyMs,
      otherMs: Math.max(0, turn.voiceToVoiceMs - parts),
      voiceToVoiceMs: turn.voiceToVoiceMs,
    });
  }
  return replies;
}

/** The user turn whose end voice-to-voice is measured from: the last one the reply answers. */
function answeredUserTurn(reply: StoredTurn, index: number, turns: StoredTurn[], byId: Map<string, StoredTurn>): StoredTurn | undefined {
  const last = reply.replyTo?.at(-1);
  if (last) return byId.get(last);
  return turns.slice(0, index).findLast((turn) => turn.role === 'user');
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}

/** A round axis step (1, 2 or 5 × a power of ten) giving about `ticks` gridlines up to `max`. */
export function axisStep(max: number, ticks = 5): number {
  if (max <= 0) return 100;
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough)!;
  return step;
}
