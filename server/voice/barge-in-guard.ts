/**
 * The barge-in minimum (a turn rule): an utterance the server's own VAD cut while the agent
 * is answering takes the floor only once it shows enough of the person — `minSpeechMs` of
 * audio loud enough not to be the agent's own voice coming back, and `minWords` recognised
 * words — so that a cough, a door or the agent's echo does not stop the agent. Until then the
 * recogniser already runs on it; if it ends first it was not a turn (server/voice/session.ts).
 *
 * The echo gate: a 20 ms frame counts as the person only when its level is within
 * `echoMarginDb` of the agent's own speech level (the agent's echo arrives well below it, ~20 dB
 * without echo cancellation, far more with it). docs/vad.md has the measurements behind the defaults.
 */
import { rmsDbfs } from '../../lib/audio/pcm';
import type { UtteranceAudio } from './audio-out';
import { words } from './request-completeness';

export interface BargeInRules {
  /** Milliseconds of the person's speech before an utterance cut by the server VAD interrupts the agent. */
  minSpeechMs: number;
  /** Recognised words (from partial transcripts) needed as well; 0: none. */
  minWords: number;
  /** Frames quieter than the agent's speech level minus this many dB do not count (its echo). */
  echoMarginDb: number;
}

export const DEFAULT_BARGE_IN: BargeInRules = { minSpeechMs: 120, minWords: 0, echoMarginDb: 12 };

const FRAME = 320; // 20 ms at 16 kHz
const FRAME_MS = 20;
/** Frames of agent speech below this are pauses, not its level. */
const SPEECH_FLOOR_DBFS = -50;

/** The agent's speech level: a running power mean of its voiced 20 ms frames, in dBFS. */
export class SpeechLevel {
  private power = 0;
  private frames = 0;

  observe(pcm: Int16Array): void {
    for (let at = 0; at + FRAME <= pcm.length; at += FRAME) {
      const db = rmsDbfs(pcm.subarray(at, at + FRAME));
      if (db < SPEECH_FLOOR_DBFS) continue;
      // The mean over the last ~10 s of speech: a new voice or volume takes over quickly.
      const weight = Math.max(1 / ++this.frames, 1 / 500);
      this.power += weight * (10 ** (db / 10) - this.power);
    }
  }

  /** Null until the agent has said anything. */
  get dbfs(): number | null {
    return this.frames === 0 ? null : 10 * Math.log10(this.power);
  }
}

/** The agent's audio for one utterance, its level observed on the way out. */
export function metered(audio: UtteranceAudio, level: SpeechLevel): UtteranceAudio {
  return {
    get utteranceId() {
      return audio.utteranceId;
    },
    get sentMs() {
      return audio.sentMs;
    },
    push: (pcm) => {
      level.observe(pcm);
      audio.push(pcm);
    },
    finish: () => audio.finish(),
    clear: (playedMs) => audio.clear(playedMs),
    // A listener that cannot keep up still ends the reply (backpressure), through the meter.
    onDropped: (listener) => audio.onDropped?.(listener),
  };
}

/** One guarded utterance: says when it has shown enough of the person to take the floor. */
export class BargeInGuard {
  private speechMs = 0;
  private wordCount = 0;
  private rest = new Int16Array(0);
  private done = false;

  constructor(
    private readonly rules: BargeInRules,
    private readonly agentLevel: SpeechLevel,
  ) {}

  /** Audio of the utterance; true once (the first time) the minimum is met. */
  audio(samples: Int16Array): boolean {
    if (this.done) return false;
    let pcm = samples;
    if (this.rest.length > 0) {
      pcm = new Int16Array(this.rest.length + samples.length);
      pcm.set(this.rest);
      pcm.set(samples, this.rest.length);
    }
    const gate = this.gateDbfs();
    let at = 0;
    for (; at + FRAME <= pcm.length; at += FRAME) {
      if (rmsDbfs(pcm.subarray(at, at + FRAME)) >= gate) this.speechMs += FRAME_MS;
    }
    this.rest = pcm.slice(at);
    return this.check();
  }

  /** The utterance's latest partial transcript; true once the minimum is met. */
  partial(text: string): boolean {
    if (this.done) return false;
    this.wordCount = words(text).length;
    return this.check();
  }

  get met(): boolean {
    return this.done;
  }

  private gateDbfs(): number {
    const agent = this.agentLevel.dbfs;
    return agent === null ? SPEECH_FLOOR_DBFS : Math.max(SPEECH_FLOOR_DBFS, agent - this.rules.echoMarginDb);
  }

  private check(): boolean {
    if (this.speechMs >= this.rules.minSpeechMs && this.wordCount >= this.rules.minWords) this.done = true;
    return this.done;
  }
}
