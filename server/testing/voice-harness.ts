/**
 * A tiny harness for the turn rules: a VoiceSession with scripted Stt, Agent and Tts, fed
 * contract messages directly (no socket, no audio engines), recording what comes out.
 */
import type { ServerMessage, ServerMessageOf } from '../../lib/contract/messages';
import { encodeAudioChunk } from '../audio/base64-pcm';
import type { Agent, AgentRequest } from '../providers/agent/types';
import type { Stt, SttStream } from '../providers/stt/types';
import type { Tts, TtsRequest } from '../providers/tts/types';
import { PacedAudioOut } from '../voice/audio-out';
import { VoiceSession } from '../voice/session';
import type { TurnToStore } from '../voice/turn-recorder';

/** Recognises an utterance as whatever `transcribe` says of its sample count. */
export class ScriptedStt implements Stt {
  readonly name = 'scripted';
  failNext: Error | null = null;
  constructor(public transcribe: (samples: number) => string = () => 'hello there') {}
  start(options: { onPartial(text: string): void }): SttStream {
    let samples = 0;
    const failure = this.failNext;
    this.failNext = null;
    return {
      write: (pcm) => {
        samples += pcm.length;
        options.onPartial(`heard ${samples} samples`);
      },
      end: async () => {
        await Promise.resolve();
        if (failure) throw failure;
        return this.transcribe(samples);
      },
      abort: () => {},
    };
  }
  async close() {}
}

/** Replies with fixed sentences; can fail or record what it was asked. */
export class ScriptedAgent implements Agent {
  readonly name = 'scripted';
  requests: AgentRequest[] = [];
  failNext: Error | null = null;
  constructor(public sentences: string[] = ['First sentence here.', 'And a second one.']) {}
  async *reply(request: AgentRequest): AsyncIterable<string> {
    this.requests.push(request);
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    for (const sentence of this.sentences) {
      if (request.signal.aborted) return;
      yield sentence;
    }
  }
}

/** Speaks `msPerChar` of a quiet tone per character, in 100 ms pieces. */
export class ToneTts implements Tts {
  readonly name = 'tone';
  readonly sampleRate = 16000 as const;
  failAfterPieces: number | null = null;
  constructor(public msPerChar = 60) {}
  async *synthesize(request: TtsRequest): AsyncIterable<Int16Array> {
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

export class VoiceHarness {
  readonly messages: ServerMessage[] = [];
  readonly stored: TurnToStore[] = [];
  readonly stt = new ScriptedStt();
  readonly agent = new ScriptedAgent();
  readonly tts = new ToneTts();
  readonly session: VoiceSession;
  private waiters: Array<() => void> = [];
  private utterances = 0;

  constructor() {
    const out = {
      send: (message: ServerMessage) => {
        this.messages.push(message);
        for (const wake of this.waiters.splice(0)) wake();
      },
    };
    this.session = new VoiceSession({
      providers: { stt: this.stt, agent: this.agent, tts: this.tts },
      out,
      audioOut: new PacedAudioOut({
        sendFrame: (utteranceId, sequence, frame) =>
          out.send({ type: 'agent.audio.chunk', utteranceId, sequence, timestamp: Date.now(), audio: encodeAudioChunk(frame) }),
      }),
      store: {
        append: async (turn) => void this.stored.push(turn),
        truncate: async (utteranceId, heardText) => {
          const turn = this.stored.find((t) => t.role === 'agent' && t.utteranceId === utteranceId);
          if (turn) Object.assign(turn, { text: heardText, interrupted: true });
        },
      },
    });
  }

  /** Sends a whole user utterance of `ms` milliseconds; returns its id. */
  say(ms = 600, id = `u${++this.utterances}`): string {
    this.startSpeaking(id);
    for (let sequence = 0; sequence < ms / 20; sequence++) {
      this.session.handle({ type: 'user.audio.chunk', utteranceId: id, sequence, timestamp: 0, audio: encodeAudioChunk(new Int16Array(320)) });
    }
    this.session.handle({ type: 'user.audio.end', utteranceId: id, timestamp: 0 });
    return id;
  }

  startSpeaking(id = `u${++this.utterances}`): string {
    this.session.handle({ type: 'user.audio.start', utteranceId: id, timestamp: 0 });
    return id;
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

  of<T extends ServerMessage['type']>(type: T, utteranceId?: string): ServerMessageOf<T>[] {
    return this.messages.filter((m) => m.type === type && (utteranceId === undefined || ('utteranceId' in m && m.utteranceId === utteranceId))) as ServerMessageOf<T>[];
  }

  indexOf(message: ServerMessage): number {
    return this.messages.indexOf(message);
  }
}
