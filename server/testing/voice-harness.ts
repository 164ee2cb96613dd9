/**
 * A tiny harness for the turn rules: a VoiceSession with scripted Stt, Agent and Tts, fed
 * typed input directly (no socket, no audio engines), recording the events that come out and
 * the audio frames its output sends.
 */
import type { ServerMessage, ServerMessageOf } from '../../lib/contract/messages';
import type { Agent, AgentRequest } from '../providers/agent/types';
import type { Stt, SttStream, SttStreamOptions } from '../providers/stt/types';
import type { Tts, TtsRequest } from '../providers/tts/types';
import type { BargeInRules } from '../voice/barge-in-guard';
import { PacedAudioOutput } from '../voice/audio-out';
import { VoiceSession, type SessionLimits } from '../voice/session';
import type { SessionInput } from '../voice/events';
import type { TurnStore, TurnToStore } from '../voice/turn-recorder';
import type { TurnAudioRecording } from '../voice/recording';

/** A promise that never settles until `release` is called: a stalled engine on demand. */
export class Gate {
  private opened = false;
  private waiters: Array<() => void> = [];
  release(): void {
    this.opened = true;
    for (const wake of this.waiters.splice(0)) wake();
  }
  wait(signal?: AbortSignal): Promise<void> {
    if (this.opened) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

/** One recognition the ScriptedStt started, to steer from a test. */
export interface ScriptedRecognition {
  index: number;
  options: SttStreamOptions;
  samples: number;
  aborted: boolean;
}

/**
 * Recognises an utterance as whatever `transcribe` says of its sample count (and its index:
 * 0, 1, 2 … in the order recognitions started). A test can hold a final back (`holdFinal`),
 * make the next start or end fail, or stall the end for ever.
 */
export class ScriptedStt implements Stt {
  readonly name = 'scripted';
  failNext: Error | null = null;
  failStart: Error | null = null;
  stallEnd = false;
  readonly recognitions: ScriptedRecognition[] = [];
  private readonly holds = new Map<number, Gate>();
  /** The partial transcript after each write (default: how many samples it has heard). */
  partialText: (samples: number, index: number) => string = (samples) => `heard ${samples} samples`;
  constructor(public transcribe: (samples: number, index: number) => string = () => 'hello there') {}

  /** The final of recognition `index` waits until the returned gate is released. */
  holdFinal(index: number): Gate {
    const gate = new Gate();
    this.holds.set(index, gate);
    return gate;
  }

  start(options: SttStreamOptions): SttStream {
    if (this.failStart) {
      const failure = this.failStart;
      this.failStart = null;
      throw failure;
    }
    const recognition: ScriptedRecognition = { index: this.recognitions.length, options, samples: 0, aborted: false };
    this.recognitions.push(recognition);
    const failure = this.failNext;
    this.failNext = null;
    const stall = this.stallEnd;
    this.stallEnd = false;
    return {
      write: (pcm) => {
        recognition.samples += pcm.length;
        options.onPartial(this.partialText(recognition.samples, recognition.index));
      },
      end: async () => {
        await Promise.resolve();
        if (failure) throw failure;
        if (stall) await new Promise(() => {});
        await this.holds.get(recognition.index)?.wait();
        return this.transcribe(recognition.samples, recognition.index);
      },
      abort: () => {
        recognition.aborted = true;
      },
    };
  }
  async close() {}
}

/** Replies with fixed sentences; can fail, stall, or record what it was asked. */
export class ScriptedAgent implements Agent {
  readonly name = 'scripted';
  requests: AgentRequest[] = [];
  failNext: Error | null = null;
  /** The next reply waits for this gate before its first text (released: it goes on). */
  holdNext: Gate | null = null;
  constructor(public sentences: string[] = ['First sentence here.', 'And a second one.']) {}
  async *reply(request: AgentRequest): AsyncIterable<string> {
    this.requests.push(request);
    const failure = this.failNext;
    this.failNext = null;
    const hold = this.holdNext;
    this.holdNext = null;
    if (failure) throw failure;
    await hold?.wait(request.signal);
    for (const sentence of this.sentences) {
      if (request.signal.aborted) return;
      yield `${sentence} `;
    }
  }
}

/** Speaks `msPerChar` of a quiet tone per character, in 100 ms pieces. */
export class ToneTts implements Tts {
  readonly name = 'tone';
  readonly sampleRate = 16000;
  failAfterPieces: number | null = null;
  /** Synthesis waits for this gate before any audio (released: it goes on). */
  hold: Gate | null = null;
  readonly requests: string[] = [];
  constructor(public msPerChar = 60) {}
  async *synthesize(request: TtsRequest): AsyncIterable<Int16Array> {
    this.requests.push(request.text);
    await this.hold?.wait(request.signal);
    const total = Math.round((request.text.length * this.msPerChar * 16000) / 1000);
    let pieces = 0;
    for (let offset = 0; offset < total; offset += 1600) {
      await Promise.resolve();
      if (request.signal.aborted) return;
      if (this.failAfterPieces !== null && pieces++ >= this.failAfterPieces) {
        this.failAfterPieces = null;
        throw new Error('the synthesis worker died');
      }
      yield Int16Array.from({ length: Math.min(1600, total - offset) }, (_, i) => Math.round(3000 * Math.sin(i / 5)));
    }
  }
  async close() {}
}

/** An agent audio frame the session's output sent, as a socket client would see it. */
export interface SentFrame {
  utteranceId: string;
  sequence: number;
}

export class VoiceHarness {
  /** Contract events and audio chunks in the order they went out. */
  readonly messages: ServerMessage[] = [];
  readonly stored: TurnToStore[] = [];
  readonly stt: ScriptedStt;
  readonly agent: ScriptedAgent;
  readonly tts: ToneTts;
  readonly session: VoiceSession;
  private waiters: Array<() => void> = [];
  private readonly listeners: Array<(message: ServerMessage) => void> = [];
  private utterances = 0;

  /** The voice that says sorry when a turn fails, when the test gives one. */
  readonly apologyVoice: ToneTts | undefined;
  /** Taps the session's input, output and store the way a transport does when audio is kept. */
  readonly recording: TurnAudioRecording | undefined;

  constructor(
    options: {
      stt?: ScriptedStt;
      agent?: ScriptedAgent;
      tts?: ToneTts;
      /** Speaks instead of the ToneTts: real speech (Flite) where the agent's audio itself matters. */
      voice?: Tts;
      apologyVoice?: ToneTts;
      limits?: Partial<SessionLimits>;
      bargeIn?: Partial<BargeInRules>;
      /** Each agent audio frame as the output sends it (an echo path, a listener). */
      onAgentFrame?: (frame: Int16Array, utteranceId: string) => void;
      recording?: TurnAudioRecording;
    } = {},
  ) {
    this.recording = options.recording;
    this.stt = options.stt ?? new ScriptedStt();
    this.agent = options.agent ?? new ScriptedAgent();
    this.tts = options.tts ?? new ToneTts();
    this.apologyVoice = options.apologyVoice;
    const push = (message: ServerMessage) => {
      this.messages.push(message);
      for (const listen of this.listeners) listen(message);
      for (const wake of this.waiters.splice(0)) wake();
    };
    this.session = new VoiceSession({
      providers: { stt: this.stt, agent: this.agent, tts: options.voice ?? this.tts, apologyVoice: this.apologyVoice },
      events: { send: push },
      limits: options.limits,
      bargeIn: options.bargeIn,
      output: this.tapped(
        new PacedAudioOutput({
          // The frame's audio is not looked at by the rules' tests: a marker keeps them cheap.
          sendFrame: (utteranceId, sequence, frame) => {
            push({ type: 'agent.audio.chunk', utteranceId, sequence, timestamp: Date.now(), audio: '' });
            options.onAgentFrame?.(frame, utteranceId);
          },
        }),
      ),
      store: this.tappedStore({
        append: async (turn) => void this.stored.push(turn),
        truncate: async (turnId, heardText) => {
          const index = this.stored.findIndex((t) => t.id === turnId);
          if (index < 0) return;
          if (heardText) Object.assign(this.stored[index], { text: heardText, interrupted: true });
          else this.stored.splice(index, 1);
        },
        update: async (turnId, changes) => {
          const turn = this.stored.find((t) => t.id === turnId);
          if (turn) Object.assign(turn, changes);
        },
      }),
    });
  }

  private tapped(output: PacedAudioOutput) {
    return this.recording ? this.recording.tapOutput(output) : output;
  }

  private tappedStore(store: TurnStore): TurnStore {
    return this.recording ? this.recording.tapStore(store) : store;
  }

  input(input: SessionInput): void {
    this.recording?.tapInput(input);
    this.session.handle(input);
  }

  /** Calls `listen` with every message sent from now on. */
  onMessage(listen: (message: ServerMessage) => void): void {
    this.listeners.push(listen);
  }

  /** Sends a whole user utterance of `ms` milliseconds; returns its id. */
  say(ms = 600, id = `u${++this.utterances}`): string {
    this.startSpeaking(id);
    this.speak(id, ms);
    this.stopSpeaking(id);
    return id;
  }

  /** `detectedBy: 'server-vad'`: as the WebRTC bridge opens utterances its VAD found. */
  startSpeaking(id = `u${++this.utterances}`, detectedBy?: 'server-vad'): string {
    this.input({ type: 'utterance.start', utteranceId: id, ...(detectedBy && { detectedBy }) });
    return id;
  }

  /** `ms` of (silent) audio for an open utterance, in 20 ms frames. */
  speak(id: string, ms: number): void {
    for (let i = 0; i < ms / 20; i++) this.input({ type: 'utterance.audio', utteranceId: id, samples: new Int16Array(320) });
  }

  stopSpeaking(id: string): void {
    this.input({ type: 'utterance.end', utteranceId: id });
  }

  /** Waits for a message matching, among those after index `from`. */
  async waitFor<T extends ServerMessage['type']>(type: T, match: (m: ServerMessageOf<T>) => boolean = () => true, from = 0): Promise<ServerMessageOf<T>> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = this.messages.slice(from).find((m) => m.type === type && match(m as ServerMessageOf<T>));
      if (found) return found as ServerMessageOf<T>;
      if (Date.now() > deadline) throw new Error(`no ${type}; got: ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1_000).unref();
      });
    }
  }

  /** Waits until `condition` holds, re-checking whenever something is sent (or each 50 ms). */
  async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got: ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  of<T extends ServerMessage['type']>(type: T, utteranceId?: string): ServerMessageOf<T>[] {
    return this.messages.filter((m) => m.type === type && (utteranceId === undefined || ('utteranceId' in m && m.utteranceId === utteranceId))) as ServerMessageOf<T>[];
  }

  indexOf(message: ServerMessage): number {
    return this.messages.indexOf(message);
  }
}
