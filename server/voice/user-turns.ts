/**
 * The person's side of the turn rules. Utterances are numbered as they start; their finals
 * are released in that order whatever order they arrive in (rule 2); released utterances
 * with words wait to be answered, together, by the next reply (rule 1).
 */
import type { SttStream } from '../providers/stt/types';

export interface UserUtterance {
  readonly id: string;
  /** 0, 1, 2 … in the order the person started speaking. */
  readonly index: number;
  /** Null when the recogniser failed or could not start: the utterance is deaf until it ends. */
  stt: SttStream | null;
  /** Recognition failed (and the person was told). */
  failed: boolean;
  readonly startedAt: Date;
  endedAt: Date | null;
  /** performance.now() when the person stopped speaking. */
  speechEndAt: number | null;
  state: 'open' | 'recognising' | 'settled';
  /** The final transcript ('' when nothing was recognised or recognition failed). */
  text: string;
  /** performance.now() when the final transcript arrived. */
  finalAt: number | null;
}

/** A released utterance with words, stored as `turnId`, waiting for its answer. */
export interface HeardUtterance {
  utterance: UserUtterance;
  turnId: string;
}

export class UserTurns {
  private readonly unreleased: UserUtterance[] = [];
  private awaiting: HeardUtterance[] = [];
  private count = 0;

  open(id: string): UserUtterance {
    const utterance: UserUtterance = {
      id,
      index: this.count++,
      stt: null,
      failed: false,
      startedAt: new Date(),
      endedAt: null,
      speechEndAt: null,
      state: 'open',
      text: '',
      finalAt: null,
    };
    this.unreleased.push(utterance);
    return utterance;
  }

  /** The open utterance with this id, if any. */
  openOne(id: string): UserUtterance | undefined {
    return this.unreleased.find((u) => u.id === id && u.state === 'open');
  }

  get openUtterances(): UserUtterance[] {
    return this.unreleased.filter((u) => u.state === 'open');
  }

  /** Someone is speaking, or a final is still to come: a reply now would be early. */
  get unsettled(): boolean {
    return this.unreleased.some((u) => u.state !== 'settled');
  }

  end(utterance: UserUtterance): void {
    utterance.state = 'recognising';
    utterance.endedAt = new Date();
    utterance.speechEndAt = performance.now();
  }

  settle(utterance: UserUtterance, text: string): void {
    utterance.state = 'settled';
    utterance.text = text;
    utterance.finalAt = performance.now();
  }

  /** Settled utterances in speaking order, up to the first one still open or recognising; each once. */
  releaseSettled(): UserUtterance[] {
    const index = this.unreleased.findIndex((u) => u.state !== 'settled');
    return this.unreleased.splice(0, index < 0 ? this.unreleased.length : index);
  }

  await(heard: HeardUtterance): void {
    this.awaiting.push(heard);
  }

  /** Everything waiting for an answer, now taken by a reply. */
  takeAwaiting(): HeardUtterance[] {
    const taken = this.awaiting;
    this.awaiting = [];
    return taken;
  }

  /** A reply that was cut off before anything of it was heard did not answer these. */
  giveBack(heard: readonly HeardUtterance[]): void {
    this.awaiting = [...heard, ...this.awaiting];
  }

  get hasAwaiting(): boolean {
    return this.awaiting.length > 0;
  }
}
