/**
 * Recognisers are a shared, bounded resource (each embedded decoder is a ~100 MB process; a
 * hosted one costs connections and money). This wrapper shares them fairly between people:
 * at most `total` recognitions at once on the server, at most `perOwner` for one person, and
 * a person who already has one never takes the last free recogniser from everyone else.
 * A recognition holds its place until its final transcript is in, or it is aborted.
 */
import type { Stt, SttStream, SttStreamOptions } from './types';

export interface FairShareLimits {
  total: number;
  perOwner: number;
}

export class RecogniserUnavailable extends Error {}

export function shareFairly(stt: Stt, limits: FairShareLimits): Stt & { inUse(owner?: string): number } {
  const held = new Map<string, number>();
  let inUse = 0;

  const admit = (owner: string) => {
    const mine = held.get(owner) ?? 0;
    if (mine >= limits.perOwner) {
      throw new RecogniserUnavailable(
        `you already have ${mine} utterances being recognised, the most one person may have at once; finish one first.`,
      );
    }
    const free = limits.total - inUse;
    if (free <= 0 || (mine > 0 && free <= 1)) {
      throw new RecogniserUnavailable('every speech recogniser on this server is busy; try again in a moment.');
    }
    held.set(owner, mine + 1);
    inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inUse--;
      const left = (held.get(owner) ?? 1) - 1;
      if (left > 0) held.set(owner, left);
      else held.delete(owner);
    };
  };

  return {
    name: stt.name,
    start(options: SttStreamOptions): SttStream {
      // Without an owner (tools, tests) everyone shares one name: still bounded.
      const release = admit(options.owner ?? '');
      let stream: SttStream;
      try {
        stream = stt.start({
          ...options,
          onError: (error) => {
            release();
            options.onError?.(error);
          },
        });
      } catch (error) {
        release();
        throw error;
      }
      return {
        write: (pcm) => stream.write(pcm),
        end: () => stream.end().finally(release),
        abort: () => {
          release();
          stream.abort();
        },
      };
    },
    expectSpeakers: (speakers) => stt.expectSpeakers?.(speakers),
    inUse: (owner) => (owner === undefined ? inUse : (held.get(owner) ?? 0)),
    close: () => stt.close(),
  };
}
