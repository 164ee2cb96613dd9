/**
 * The AudioWorklet processors of the talk page. They run on the audio thread, so each is
 * a self-contained function (no imports, no closures) turned into a module at run time:
 * that keeps them in TypeScript and inside the app's own bundle.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- the worklet global scope has no DOM types */
declare const registerProcessor: (name: string, processor: unknown) => void;
declare const AudioWorkletProcessor: { new (): { port: MessagePort } };

/** Mic: the context runs at 16 kHz, so input is already resampled; post 20 ms PCM16 frames. */
function micCaptureProcessor() {
  const FRAME = 320;
  // Fields are set in constructors: a compiler helper for class fields would not exist here.
  class MicCapture extends AudioWorkletProcessor {
    private buffer: Int16Array;
    private filled: number;
    private energy: number;
    constructor() {
      super();
      this.buffer = new Int16Array(FRAME);
      this.filled = 0;
      this.energy = 0;
    }
    process(inputs: Float32Array[][]) {
      const channel = inputs[0]?.[0];
      if (!channel) return true;
      for (let i = 0; i < channel.length; i++) {
        const s = Math.max(-1, Math.min(1, channel[i]));
        this.buffer[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
        this.energy += s * s;
        if (this.filled === FRAME) {
          const levelDbfs = 10 * Math.log10(this.energy / FRAME + 1e-12);
          this.port.postMessage({ pcm: this.buffer.buffer, levelDbfs }, [this.buffer.buffer]);
          this.buffer = new Int16Array(FRAME);
          this.filled = 0;
          this.energy = 0;
        }
      }
      return true;
    }
  }
  registerProcessor('mic-capture', MicCapture);
}

/**
 * Playback: a queue of agent speech that plays as it arrives, and reports every 20 ms how much
 * of the current utterance was actually played (what `agent.interrupt` `playedMs` says), and
 * how loud it was. `clear` drops everything queued in one step; which chunks may be queued at
 * all is decided on the main thread (turn-taking.ts), so nothing stale reaches this queue.
 */
function playbackProcessor() {
  class Playback extends AudioWorkletProcessor {
    private queue: Float32Array[];
    private offset: number;
    private utteranceId: string | null;
    private played: number;
    private peak: number;
    private ended: boolean;
    private sinceReport: number;
    private totalPlayed: number;
    constructor() {
      super();
      this.queue = [];
      this.offset = 0;
      this.utteranceId = null;
      this.played = 0;
      this.peak = 0;
      this.ended = false;
      this.sinceReport = 0;
      this.totalPlayed = 0;
      this.port.onmessage = (event: MessageEvent) => {
        const m = event.data;
        if (m.type === 'push') {
          if (m.utteranceId !== this.utteranceId) {
            this.queue = [];
            this.offset = 0;
            this.utteranceId = m.utteranceId;
            this.played = 0;
            this.ended = false;
          }
          this.queue.push(m.samples);
        } else if (m.type === 'end') {
          if (m.utteranceId === this.utteranceId) this.ended = true;
          this.drainedCheck();
        } else if (m.type === 'clear') {
          // One step: the whole queue goes, whatever it holds.
          this.port.postMessage({ type: 'cleared', utteranceId: this.utteranceId, playedMs: this.played / 16, peak: this.peak, totalMs: this.totalPlayed / 16 });
          this.queue = [];
          this.offset = 0;
          this.utteranceId = null;
          this.ended = false;
        }
      };
    }
    process(_inputs: Float32Array[][], outputs: Float32Array[][]) {
      const out = outputs[0][0];
      let written = 0;
      while (written < out.length && this.queue.length > 0) {
        const head = this.queue[0];
        const take = Math.min(head.length - this.offset, out.length - written);
        for (let i = 0; i < take; i++) {
          const s = head[this.offset + i];
          out[written + i] = s;
          if (Math.abs(s) > this.peak) this.peak = Math.abs(s);
        }
        written += take;
        this.offset += take;
        if (this.offset === head.length) {
          this.queue.shift();
          this.offset = 0;
        }
      }
      for (let i = written; i < out.length; i++) out[i] = 0;
      for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
      if (this.utteranceId !== null && written > 0) {
        this.played += written;
        this.totalPlayed += written;
        this.sinceReport += written;
        if (this.sinceReport >= 320) {
          this.sinceReport = 0;
          this.port.postMessage({ type: 'progress', utteranceId: this.utteranceId, playedMs: this.played / 16, peak: this.peak, totalMs: this.totalPlayed / 16 });
        }
      }
      if (written === 0) this.drainedCheck();
      return true;
    }
    private drainedCheck() {
      if (this.ended && this.queue.length === 0 && this.utteranceId !== null) {
        this.port.postMessage({ type: 'drained', utteranceId: this.utteranceId, playedMs: this.played / 16, peak: this.peak, totalMs: this.totalPlayed / 16 });
        this.utteranceId = null;
        this.ended = false;
      }
    }
  }
  registerProcessor('playback', Playback);
}

/**
 * A level meter: posts the RMS level (dBFS) and peak of every 20 ms that passes through it.
 * The agent's meter sits on what the page plays (the remote track, or the playback worklet),
 * so it shows what is heard, not what was received.
 */
function levelMeterProcessor() {
  class LevelMeter extends AudioWorkletProcessor {
    private energy: number;
    private peak: number;
    private count: number;
    private frame: number;
    constructor() {
      super();
      this.energy = 0;
      this.peak = 0;
      this.count = 0;
      // 20 ms at the context's rate (sampleRate is a global of the worklet scope).
      this.frame = Math.round((globalThis as any).sampleRate / 50);
    }
    process(inputs: Float32Array[][]) {
      const channel = inputs[0]?.[0];
      const length = channel ? channel.length : 128;
      for (let i = 0; i < length; i++) {
        const s = channel ? channel[i] : 0;
        this.energy += s * s;
        if (Math.abs(s) > this.peak) this.peak = Math.abs(s);
        if (++this.count === this.frame) {
          const levelDbfs = Math.max(-100, 10 * Math.log10(this.energy / this.frame + 1e-12));
          this.port.postMessage({ levelDbfs, peak: this.peak });
          this.energy = 0;
          this.peak = 0;
          this.count = 0;
        }
      }
      return true;
    }
  }
  registerProcessor('level-meter', LevelMeter);
}

function moduleUrl(processor: () => void): string {
  return URL.createObjectURL(new Blob([`(${processor.toString()})();`], { type: 'text/javascript' }));
}

export async function loadWorklets(context: AudioContext): Promise<void> {
  await context.audioWorklet.addModule(moduleUrl(micCaptureProcessor));
  await context.audioWorklet.addModule(moduleUrl(playbackProcessor));
  await context.audioWorklet.addModule(moduleUrl(levelMeterProcessor));
}
