/**
 * When the talk page's socket drops, it reconnects by itself to the same conversation: this is
 * the policy (jittered exponential backoff, capped, a bounded number of attempts) and its state,
 * free of sockets and timers so that it is tested as it is. The voice client calls `dropped`
 * on every close that should be retried, `connected` on session.ready, and opens a socket
 * whenever `connect` is called back.
 */

export interface BackoffPolicy {
  /** The wait before the first attempt. */
  initialMs: number;
  /** No wait is longer than this. */
  maxMs: number;
  /** Each wait's ceiling is this many times the previous one's. */
  factor: number;
  /**
   * Fraction of each wait that is random ("equal jitter"): with 0.5 a wait is between half and
   * all of its ceiling, so that clients dropped together by a restart do not all return at once.
   */
  jitter: number;
  /** After this many failed attempts in a row, stop and say so. */
  maxAttempts: number;
  /**
   * A connection that stays up this long counts as recovered: the next drop starts again at
   * attempt 1. A server that accepts and drops at once (a crash loop) keeps counting instead.
   */
  stableMs: number;
}

/** ~0.5, 1, 2, 4, 8, 8, 8, 8 s ceilings: at most about 40 s of trying before giving up. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 8_000, factor: 2, jitter: 0.5, maxAttempts: 8, stableMs: 5_000 };

/** The wait before attempt `attempt` (1-based). `random` is in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (1 - policy.jitter) + ceiling * policy.jitter * random());
}

/** The longest the whole series of waits can take (for the give-up message). */
export function maxTotalWaitMs(policy: BackoffPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) total += Math.min(policy.maxMs, policy.initialMs * policy.factor ** (attempt - 1));
  return total;
}

/** WebSocket close codes after which trying again would only repeat the same refusal. */
const FINAL_CLOSE_CODES = new Set([
  1000, // a normal close: we or the server ended the session on purpose
  1008, // policy: the server closed this client for what it sent (rate limits)
  1009, // a frame too big: the same client would send it again
  1013, // the server is full (server_busy): the person tries again later, not a retry loop that adds load
]);

/** Whether a socket closed with `code` should be reconnected. */
export function shouldReconnect(code: number): boolean {
  return !FINAL_CLOSE_CODES.has(code);
}

export type ReconnectStatus =
  | { phase: 'idle' }
  /** Connected or connecting: a drop from here is retried. */
  | { phase: 'active' }
  /** Waiting `delayMs` before attempt `attempt`, or making it. */
  | { phase: 'reconnecting'; attempt: number; maxAttempts: number; delayMs: number }
  | { phase: 'gave-up'; attempts: number };

export interface ReconnectTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: ReconnectTimers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export class Reconnector {
  private attempt = 0;
  private timer: unknown = null;
  private connectedAt: number | null = null;
  private current: ReconnectStatus = { phase: 'idle' };

  constructor(
    private readonly options: {
      /** Open a new socket (to the same conversation). */
      connect: () => void;
      onStatus: (status: ReconnectStatus) => void;
      policy?: BackoffPolicy;
      timers?: ReconnectTimers;
      random?: () => number;
    },
  ) {}

  get policy(): BackoffPolicy {
    return this.options.policy ?? DEFAULT_BACKOFF;
  }

  get status(): ReconnectStatus {
    return this.current;
  }

  /** The session is up (session.ready). */
  connected(): void {
    this.cancelTimer();
    this.connectedAt = this.timers.now();
    this.set({ phase: 'active' });
  }

  /**
   * The socket closed, or an attempt failed. Schedules the next attempt, or gives up after
   * `maxAttempts` failures in a row. Returns the status it is now in.
   */
  dropped(): ReconnectStatus {
    if (this.current.phase === 'idle' || this.current.phase === 'gave-up') return this.current;
    const now = this.timers.now();
    if (this.connectedAt !== null && now - this.connectedAt >= this.policy.stableMs) this.attempt = 0;
    this.connectedAt = null;
    this.cancelTimer();
    if (this.attempt >= this.policy.maxAttempts) {
      this.set({ phase: 'gave-up', attempts: this.attempt });
      return this.current;
    }
    this.attempt += 1;
    const delayMs = backoffDelay(this.policy, this.attempt, this.options.random);
    this.set({ phase: 'reconnecting', attempt: this.attempt, maxAttempts: this.policy.maxAttempts, delayMs });
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.options.connect();
    }, delayMs);
    return this.current;
  }

  /** A first connection is being made (Start): drops from now on are retried. */
  begin(): void {
    this.cancelTimer();
    this.attempt = 0;
    this.connectedAt = null;
    this.set({ phase: 'active' });
  }

  /** Stop trying (the person pressed Stop, or the session cannot go on). */
  stop(): void {
    this.cancelTimer();
    this.attempt = 0;
    this.connectedAt = null;
    this.set({ phase: 'idle' });
  }

  /** Give up now with the attempts made so far (e.g. the server says the session is gone). */
  giveUp(): void {
    this.cancelTimer();
    this.set({ phase: 'gave-up', attempts: this.attempt });
  }

  private get timers(): ReconnectTimers {
    return this.options.timers ?? realTimers;
  }

  private cancelTimer() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private set(status: ReconnectStatus) {
    this.current = status;
    this.options.onStatus(status);
  }
}
