/**
 * A client that cannot keep up must never make the server buffer its audio without limit.
 * Before each paced frame of agent audio the output asks this gate, which looks at the bytes the
 * socket has not yet handed to the network (ws's bufferedAmount):
 * - at or below `holdBytes`: send;
 * - above it: hold (the frame waits; paced output resumes on a fresh schedule once it drains);
 * - above `dropBytes`, or held for longer than `dropAfterMs`: drop the rest of the utterance,
 *   which then ends as cut where the client stopped receiving it (rule 3: what was sent).
 * Only the agent's audio waits: its text and the session's other events still go out.
 */

export interface BackpressureLimits {
  /** Bytes unsent on the socket above which agent audio is held back. */
  holdBytes: number;
  /** Bytes unsent above which the utterance's audio is dropped at once. */
  dropBytes: number;
  /** How long audio may be held before the utterance is dropped. */
  dropAfterMs: number;
}

/** 64 KiB is ~1.3 s of audio frames; 1 MiB ~20 s. */
export const DEFAULT_BACKPRESSURE: BackpressureLimits = { holdBytes: 64 * 1024, dropBytes: 1024 * 1024, dropAfterMs: 5_000 };

export type Congestion = 'send' | 'hold' | 'drop';

export interface BackpressureEvents {
  /** Audio began to be held (once per episode). */
  held?(bufferedBytes: number): void;
  /** The utterance is dropped: `heldMs` it waited, `bufferedBytes` unsent. */
  dropped?(bufferedBytes: number, heldMs: number): void;
}

export class SocketBackpressure {
  private heldSince: number | null = null;

  constructor(
    private readonly bufferedBytes: () => number,
    private readonly limits: BackpressureLimits = DEFAULT_BACKPRESSURE,
    private readonly events: BackpressureEvents = {},
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** What to do with the next frame of agent audio. */
  check = (): Congestion => {
    const buffered = this.bufferedBytes();
    if (buffered <= this.limits.holdBytes) {
      this.heldSince = null;
      return 'send';
    }
    const now = this.now();
    if (this.heldSince === null) {
      this.heldSince = now;
      this.events.held?.(buffered);
    }
    const heldMs = now - this.heldSince;
    if (buffered > this.limits.dropBytes || heldMs > this.limits.dropAfterMs) {
      // The next utterance starts a new episode (and is held again while the socket is full).
      this.heldSince = null;
      this.events.dropped?.(buffered, heldMs);
      return 'drop';
    }
    return 'hold';
  };
}
