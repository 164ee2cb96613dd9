/**
 * Voice activity detection in the browser, on 20 ms frames: an energy detector over an
 * adaptive noise floor, with onset confirmation, a pre-roll (the first syllable starts
 * before it is loud enough to trigger) and a hangover (pauses inside a sentence are not ends).
 */
export interface VadOptions {
  /** Frames above threshold in a row before speech starts (3 × 20 ms). */
  onsetFrames?: number;
  /** Frames below threshold in a row before speech ends (about half a second). */
  hangoverFrames?: number;
  /** Frames of audio before the onset to send with it. */
  prerollFrames?: number;
  /** How far above the noise floor speech must be, in dB. */
  marginDb?: number;
  /** Never trigger below this level, however quiet the room. */
  minLevelDbfs?: number;
  /** Utterances longer than this are cut (frames). */
  maxFrames?: number;
}

export type VadEvent =
  | { type: 'start'; preroll: Int16Array[] }
  | { type: 'frame'; frame: Int16Array }
  | { type: 'end' };

export class Vad {
  private readonly o: Required<VadOptions>;
  private noiseFloorDb = -60;
  private speaking = false;
  private above = 0;
  private below = 0;
  private frames = 0;
  private history: Int16Array[] = [];
  /** The first frames only measure the room, so a noisy room does not start as speech. */
  private calibrating = 10;
  /** Extra margin while the agent talks, so its echo does not count as the person. */
  extraMarginDb = 0;

  constructor(options: VadOptions = {}) {
    this.o = { onsetFrames: 3, hangoverFrames: 28, prerollFrames: 15, marginDb: 12, minLevelDbfs: -48, maxFrames: 1500, ...options };
  }

  get isSpeaking(): boolean {
    return this.speaking;
  }

  get threshold(): number {
    return Math.max(this.noiseFloorDb + this.o.marginDb + this.extraMarginDb, this.o.minLevelDbfs);
  }

  /** Feeds one 20 ms frame and its level; returns what happened. */
  push(frame: Int16Array, levelDbfs: number): VadEvent[] {
    const events: VadEvent[] = [];
    if (!this.speaking) {
      this.trackNoise(levelDbfs, levelDbfs > this.threshold);
      const loud = this.calibrating === 0 && levelDbfs > this.threshold;
      this.history.push(frame);
      if (this.history.length > this.o.prerollFrames) this.history.shift();
      this.above = loud ? this.above + 1 : 0;
      if (this.above >= this.o.onsetFrames) {
        this.speaking = true;
        this.below = 0;
        this.frames = this.history.length;
        events.push({ type: 'start', preroll: this.history });
        this.history = [];
      }
      return events;
    }
    events.push({ type: 'frame', frame });
    this.frames++;
    // A little hysteresis: once speaking, quieter syllables still count as speech.
    this.below = levelDbfs > this.threshold - 3 ? 0 : this.below + 1;
    if (this.below >= this.o.hangoverFrames || this.frames >= this.o.maxFrames) {
      events.push({ type: 'end' });
      this.reset();
    }
    return events;
  }

  /** Ends speech now (push-to-talk release, mode switch). */
  reset(): void {
    this.speaking = false;
    this.above = 0;
    this.below = 0;
    this.frames = 0;
  }

  private trackNoise(levelDbfs: number, loud: boolean) {
    if (!Number.isFinite(levelDbfs)) return;
    if (this.calibrating > 0) {
      this.calibrating--;
      this.noiseFloorDb += (levelDbfs - this.noiseFloorDb) * 0.5;
      return;
    }
    // Falls fast, rises slowly, and not at all on loud frames: the floor is the room, not the voice.
    if (levelDbfs < this.noiseFloorDb) this.noiseFloorDb += (levelDbfs - this.noiseFloorDb) * 0.3;
    else if (!loud) this.noiseFloorDb += (levelDbfs - this.noiseFloorDb) * 0.02;
  }
}
