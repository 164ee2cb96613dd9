/**
 * Puts a track's RTP packets back in sequence-number order. Packets in order pass at once (no
 * added delay); a missing one is waited for until `depth` later packets have arrived (or the
 * owner calls `flush`, e.g. when the track goes quiet), then given up as lost so that the
 * decoder conceals it. Duplicates and packets older than what was already released are dropped.
 * Sequence numbers are 16 bits and wrap; they are extended to a running count here.
 */
export interface JitterStats {
  received: number;
  /** Released in order (after reordering where needed). */
  released: number;
  duplicate: number;
  /** Arrived after their place was given up. */
  late: number;
  /** Never arrived: concealed. */
  lost: number;
  /** Held back by an earlier gap at least once. */
  reordered: number;
  /** The sender jumped far from the expected sequence number (a restarted stream): followed. */
  resyncs: number;
  /** A lone packet far from the expected sequence number (garbage, a stray): dropped. */
  stray: number;
}

export interface JitterBufferOptions {
  /** Later packets held while waiting for a missing one. Default 3 (60 ms at 20 ms packets). */
  depth?: number;
  /** A packet in order; `lostBefore` packets just before it never came. */
  onPacket(payload: Uint8Array, lostBefore: number): void;
}

/** A jump this far is a restarted stream, not loss. */
const RESYNC_DISTANCE = 1000;
/** How many released sequence numbers are remembered to tell duplicates from late packets. */
const REMEMBERED = 256;

export class JitterBuffer {
  readonly stats: JitterStats = { received: 0, released: 0, duplicate: 0, late: 0, lost: 0, reordered: 0, resyncs: 0, stray: 0 };
  private readonly depth: number;
  private next: number | null = null;
  private readonly held = new Map<number, Uint8Array>();
  private readonly recent = new Set<number>();
  /** A far-off packet seen last: a second one right after it means the stream really restarted. */
  private farOff: number | null = null;
  private farOffPayload: Uint8Array | null = null;

  constructor(private readonly options: JitterBufferOptions) {
    this.depth = options.depth ?? 3;
  }

  /** Packets waiting for a missing one. */
  get holding(): number {
    return this.held.size;
  }

  push(sequenceNumber: number, payload: Uint8Array): void {
    this.stats.received++;
    const seq = this.extend(sequenceNumber & 0xffff);
    if (this.next === null) this.next = seq;
    if (seq < this.next) {
      if (this.recent.has(seq)) this.stats.duplicate++;
      else this.stats.late++;
      return;
    }
    if (this.held.has(seq)) {
      this.stats.duplicate++;
      return;
    }
    if (seq - this.next > RESYNC_DISTANCE) {
      const follows = this.farOff !== null && seq > this.farOff && seq - this.farOff <= this.depth;
      if (!follows) {
        // One packet far off is a stray (or garbage) until the next one confirms the jump.
        this.farOff = seq;
        this.farOffPayload = payload;
        this.stats.stray++;
        return;
      }
      this.stats.resyncs++;
      this.stats.stray--;
      this.flush();
      this.next = this.farOff;
      this.held.set(this.farOff!, this.farOffPayload!);
    }
    this.farOff = null;
    this.held.set(seq, payload);
    if (seq !== this.next) this.stats.reordered++;
    this.drain();
    while (this.held.size >= this.depth) this.skipGap();
  }

  /** Gives up on every missing packet: releases all held ones in order. */
  flush(): void {
    while (this.held.size > 0) this.skipGap();
  }

  private drain(): void {
    let payload: Uint8Array | undefined;
    while (this.next !== null && (payload = this.held.get(this.next)) !== undefined) {
      this.release(this.next, payload, 0);
    }
  }

  /** Declares lost the packets before the earliest held one, releases it and what follows it. */
  private skipGap(): void {
    const first = Math.min(...this.held.keys());
    const lost = first - this.next!;
    this.stats.lost += lost;
    this.release(first, this.held.get(first)!, lost);
    this.drain();
  }

  private release(seq: number, payload: Uint8Array, lostBefore: number): void {
    this.held.delete(seq);
    this.next = seq + 1;
    this.stats.released++;
    this.recent.add(seq);
    this.recent.delete(seq - REMEMBERED);
    this.options.onPacket(payload, lostBefore);
  }

  /** The running sequence number nearest the expected one that has these low 16 bits. */
  private extend(low: number): number {
    if (this.next === null) return low + 65536; // room below for packets that arrive early-late
    const diff = ((low - (this.next & 0xffff) + 32768) & 0xffff) - 32768;
    return this.next + diff;
  }
}
