/**
 * What the server counts, for Prometheus (GET /metrics, server/http/operations.ts): sessions
 * open, turns stored and each stage's latency (as the turns table records them), error events
 * sent to clients, and Node's process metrics. Fed from the transport's seams only (the socket
 * connection, the session's TurnStore), never from inside the voice session's rules.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServerMessage } from '../lib/contract/messages';
import type { TurnToStore } from './voice/turn-recorder';

export interface RecogniserPoolStats {
  idle: number;
  loading: number;
  busy: number;
  expected: number;
  waitedForLoad: number;
}

export class Metrics {
  readonly registry = new Registry();

  readonly activeSessions = new Gauge({
    name: 'parley_active_sessions',
    help: 'Voice sessions (/ws connections) open now.',
    registers: [this.registry],
  });

  readonly sessionCapacity = new Gauge({
    name: 'parley_session_capacity',
    help: 'Voice sessions this server takes at once (MAX_SESSIONS); a new one past it is refused as busy.',
    registers: [this.registry],
  });

  readonly sessionsRefused = new Counter({
    name: 'parley_sessions_refused_total',
    help: 'New voice sessions refused, by reason (busy: the server was at capacity).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly turns = new Counter({
    name: 'parley_turns_total',
    help: 'Turns stored, by who took them.',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });

  readonly sttLatency = new Histogram({
    name: 'parley_stt_latency_seconds',
    help: 'From the end of speech to the final transcript.',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
    registers: [this.registry],
  });

  readonly agentLatency = new Histogram({
    name: 'parley_agent_latency_seconds',
    help: 'From the final transcript to the first text of the reply.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  readonly ttsLatency = new Histogram({
    name: 'parley_tts_latency_seconds',
    help: 'From the first text of the reply to its first audio.',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
    registers: [this.registry],
  });

  readonly voiceToVoice = new Histogram({
    name: 'parley_voice_to_voice_seconds',
    help: 'From the end of speech to the first audio of the reply.',
    buckets: [0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5, 10],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'parley_errors_total',
    help: 'Contract error events sent to clients, by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly backpressure = new Counter({
    name: 'parley_backpressure_total',
    help: 'Agent audio held back because a client did not read it fast enough (held, once per episode), and replies whose audio was dropped for it (dropped).',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  /** Where the embedded recognisers' pool is read from at scrape time (unset: no such pool). */
  private recogniserPool: (() => RecogniserPoolStats) | undefined;

  readonly recognisers = new Gauge({
    name: 'parley_stt_decoders',
    help: 'Embedded recogniser processes by state (idle: warm and free; loading; busy), and expected: the speakers they are kept warm for.',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      const stats = this.recogniserPool?.();
      if (!stats) return;
      for (const state of ['idle', 'loading', 'busy', 'expected'] as const) this.recognisers.set({ state }, stats[state]);
    },
  });

  readonly recognitionsWaited = new Gauge({
    name: 'parley_stt_waited_for_load',
    help: 'Utterances so far that found no warm embedded recogniser and waited for one to load (should stay 0).',
    registers: [this.registry],
    collect: () => {
      const stats = this.recogniserPool?.();
      if (stats) this.recognitionsWaited.set(stats.waitedForLoad);
    },
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Reports the embedded recognisers' pool from now on. */
  watchRecognisers(stats: () => RecogniserPoolStats): void {
    this.recogniserPool = stats;
  }

  /** A turn was stored: count it and observe the latencies it records. */
  turnStored(turn: Pick<TurnToStore, 'role' | 'sttLatencyMs' | 'agentLatencyMs' | 'ttsLatencyMs' | 'voiceToVoiceMs'>): void {
    this.turns.inc({ role: turn.role });
    observeMs(this.sttLatency, turn.sttLatencyMs);
    observeMs(this.agentLatency, turn.agentLatencyMs);
    observeMs(this.ttsLatency, turn.ttsLatencyMs);
    observeMs(this.voiceToVoice, turn.voiceToVoiceMs);
  }

  /** A message went out on a socket. */
  sent(message: ServerMessage): void {
    if (message.type === 'error') this.errors.inc({ code: message.code });
  }
}

function observeMs(histogram: Histogram, ms: number | null | undefined): void {
  if (ms !== null && ms !== undefined) histogram.observe(ms / 1000);
}

/** The server process's one set of metrics (the custom server's bundle only; Next never reads it). */
export const metrics = new Metrics();
