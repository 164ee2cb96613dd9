/**
 * Stores a conversation's turns one after another, in the order they were taken (rule 6).
 * Writes are queued, not awaited by the audio path; `flush()` waits for all of them.
 */
import type { NewTurn } from '../../lib/db/schema';

export type TurnToStore = Omit<NewTurn, 'position' | 'createdAt' | 'conversationId'> & { id: string };

export interface TurnStore {
  append(turn: TurnToStore): Promise<void>;
  /**
   * An agent turn already stored turned out to be cut short: keep only what was heard, and
   * nothing at all when nothing was heard.
   */
  truncate(turnId: string, heardText: string): Promise<void>;
  /** An agent turn stored while it was spoken: now as far as it got, or complete. */
  update(turnId: string, changes: Pick<TurnToStore, 'text' | 'interrupted'> & Partial<TurnToStore>): Promise<void>;
}

export class TurnRecorder {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: TurnStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(turn: TurnToStore): Promise<void> {
    return this.enqueue(() => this.store.append(turn));
  }

  truncate(turnId: string, heardText: string): Promise<void> {
    return this.enqueue(() => this.store.truncate(turnId, heardText));
  }

  update(turnId: string, changes: Parameters<TurnStore['update']>[1]): Promise<void> {
    return this.enqueue(() => this.store.update(turnId, changes));
  }

  private enqueue(write: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(write).catch(this.onError);
    return this.tail;
  }

  flush(): Promise<void> {
    return this.tail;
  }
}
