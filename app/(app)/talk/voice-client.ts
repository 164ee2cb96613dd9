/**
 * The browser side of a voice session: microphone → VAD → contract messages on /ws, and
 * agent speech from /ws → playback. Plain TypeScript with a snapshot for React to render.
 * Who has the floor and which agent audio may play is decided by turn-taking.ts; this class
 * carries out its decisions on the socket, the microphone and the playback worklet.
 */
import { pcm16ToFloat } from '@/lib/audio/pcm';
import { serverMessage, type ClientMessage, type ServerMessage } from '@/lib/contract/messages';
import { TurnTaking, type AgentState, type TurnEffect } from './turn-taking';
import { Vad } from './vad';
import { loadWorklets } from './worklets';

export type { AgentState } from './turn-taking';
export type InputMode = 'hands-free' | 'push-to-talk';

export interface Line {
  id: string;
  role: 'user' | 'agent';
  text: string;
  final: boolean;
  interrupted?: boolean;
}

export interface TalkSnapshot {
  connection: 'idle' | 'connecting' | 'open' | 'closed';
  mic: 'off' | 'starting' | 'on' | 'denied' | 'unavailable';
  state: AgentState;
  mode: InputMode;
  levelDbfs: number;
  conversationId: string | null;
  lines: Line[];
  /** Measured here: user.audio.end sent → transcript.final, and → first agent audio. */
  latency: { transcriptMs: number | null; firstAudioMs: number | null } | null;
  error: string | null;
  playback: { playedMs: number; peak: number };
}

/**
 * What the client did with agent audio, for tests: when the page has an array at
 * `window.__parleyPlaybackLog` (a test puts one there before the page loads), entries are
 * appended to it. Without one (production), nothing is recorded.
 */
export type PlaybackLogEntry = { at: number } & (
  | { event: 'chunk'; utteranceId: string; sequence: number; played: true }
  | { event: 'chunk'; utteranceId: string; sequence: number; played: false; reason: string }
  | { event: 'sent'; type: ClientMessage['type']; utteranceId?: string; playedMs?: number }
  | { event: 'received'; type: ServerMessage['type']; utteranceId?: string; reason?: string; text?: string; final?: boolean }
  | { event: 'flush' }
  /** What the playback worklet reports: what it actually played of which utterance. */
  | { event: 'worklet'; type: 'progress' | 'drained' | 'cleared'; utteranceId: string | null; playedMs: number }
);

declare global {
  interface Window {
    __parleyPlaybackLog?: PlaybackLogEntry[];
  }
}

type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;

type PlaybackEvent = { type: 'progress' | 'drained' | 'cleared'; utteranceId: string | null; playedMs: number; peak: number; totalMs: number };

export interface VoiceClientOptions {
  conversationId?: string;
  echoCancellation: boolean;
  mode: InputMode;
}

export class VoiceClient {
  private snapshot: TalkSnapshot;
  private listeners = new Set<() => void>();
  private ws: WebSocket | null = null;
  private context: AudioContext | null = null;
  private stream: MediaStream | null = null;
  private playback: AudioWorkletNode | null = null;
  private readonly vad = new Vad();
  private readonly turns = new TurnTaking();
  private pushToTalkHeld = false;
  /** The playback worklet's total played at the last stats update (it counts from its creation). */
  private workletTotalMs = 0;
  private lastStatsUpdate = 0;
  private turnTiming: { endSentAt: number; utteranceId: string } | null = null;

  constructor(private options: VoiceClientOptions) {
    this.snapshot = {
      connection: 'idle',
      mic: 'off',
      state: 'listening',
      mode: options.mode,
      levelDbfs: -100,
      conversationId: options.conversationId ?? null,
      lines: [],
      latency: null,
      error: null,
      playback: { playedMs: 0, peak: 0 },
    };
  }

  // ── React glue ──
  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getSnapshot = () => this.snapshot;
  private update(patch: Partial<TalkSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** Opens the socket and the microphone; call from a click (audio needs a user gesture). */
  async start(): Promise<void> {
    this.update({ error: null });
    try {
      await this.startAudio();
    } catch (error) {
      const denied = error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
      this.update({
        mic: denied ? 'denied' : 'unavailable',
        error: denied
          ? 'Microphone access was denied. Allow the microphone for this site in the browser (the icon in the address bar), then press Start again.'
          : `No microphone could be opened (${(error as Error).message}). Check that one is connected, then press Start again.`,
      });
      await this.stopAudio();
      return;
    }
    this.connect();
  }

  async stop(): Promise<void> {
    this.endUtterance();
    this.ws?.close(1000);
    this.ws = null;
    this.apply(this.turns.reset());
    await this.stopAudio();
    this.update({ connection: 'idle', mic: 'off', state: 'listening', levelDbfs: -100 });
  }

  /** Applies from the next Start: the microphone is opened with it. */
  setEchoCancellation(on: boolean) {
    this.options.echoCancellation = on;
  }

  setMode(mode: InputMode) {
    this.options.mode = mode;
    this.endUtterance();
    this.vad.reset();
    this.update({ mode });
  }

  pushToTalk(down: boolean) {
    if (this.options.mode !== 'push-to-talk' || this.pushToTalkHeld === down) return;
    this.pushToTalkHeld = down;
    if (down) this.beginUtterance([]);
    else this.endUtterance();
  }

  /** The stop button: interrupts the agent, telling the server how much was heard. */
  interrupt() {
    this.apply(this.turns.interruptAgent());
  }

  // ── socket ──
  private connect() {
    const url = new URL('/ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.snapshot.conversationId) url.searchParams.set('conversationId', this.snapshot.conversationId);
    const ws = new WebSocket(url);
    this.ws = ws;
    this.update({ connection: 'connecting' });
    ws.onmessage = (event) => {
      const parsed = serverMessage.safeParse(JSON.parse(String(event.data)));
      if (parsed.success) this.onMessage(parsed.data);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.apply(this.turns.reset());
      this.update({
        connection: 'closed',
        state: 'listening',
        // 1013: the server is full; its server_busy message (already shown) says to try again later.
        error: event.code === 1000 ? null : event.code === 1013 ? this.snapshot.error : 'The connection to the server was lost. Press Start to reconnect; this conversation continues where it stopped.',
      });
      void this.stopAudio().then(() => this.update({ mic: 'off', levelDbfs: -100 }));
    };
  }

  private send(message: ClientMessage) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Carries out what turn-taking decided, in order, then shows the state it is in. */
  private apply(effects: TurnEffect[]) {
    for (const effect of effects) {
      switch (effect.type) {
        case 'send': {
          const message = effect.message;
          this.send(message);
          if (message.type !== 'user.audio.chunk') {
            this.log({ event: 'sent', type: message.type, utteranceId: 'utteranceId' in message ? message.utteranceId : undefined, playedMs: message.type === 'agent.interrupt' ? message.playedMs : undefined });
          }
          break;
        }
        case 'play': {
          if (effect.first && this.turnTiming && this.snapshot.latency) {
            this.update({ latency: { ...this.snapshot.latency, firstAudioMs: Math.round(performance.now() - this.turnTiming.endSentAt) } });
            this.turnTiming = null;
          }
          const samples = pcm16ToFloat(effect.samples);
          this.playback?.port.postMessage({ type: 'push', utteranceId: effect.utteranceId, samples }, [samples.buffer]);
          this.log({ event: 'chunk', utteranceId: effect.utteranceId, sequence: effect.sequence, played: true });
          break;
        }
        case 'end-playback':
          this.playback?.port.postMessage({ type: 'end', utteranceId: effect.utteranceId });
          break;
        case 'flush':
          // One message: the worklet drops its whole queue at once.
          this.playback?.port.postMessage({ type: 'clear' });
          this.log({ event: 'flush' });
          break;
        case 'dropped':
          this.log({ event: 'chunk', utteranceId: effect.utteranceId, sequence: effect.sequence, played: false, reason: effect.reason });
          break;
      }
    }
    const state = this.turns.state;
    // While the agent talks its echo must not count as the person.
    this.vad.extraMarginDb = state === 'agent-speaking' ? 6 : 0;
    if (state !== this.snapshot.state) this.update({ state });
  }

  private log(entry: WithoutTime<PlaybackLogEntry>) {
    const log = typeof window === 'undefined' ? undefined : window.__parleyPlaybackLog;
    if (Array.isArray(log)) log.push({ at: performance.now(), ...entry } as PlaybackLogEntry);
  }

  private onMessage(message: ServerMessage) {
    if (message.type !== 'agent.audio.chunk' && message.type !== 'transcript.partial') {
      this.log({
        event: 'received',
        type: message.type,
        utteranceId: 'utteranceId' in message ? message.utteranceId : undefined,
        reason: 'reason' in message ? message.reason : undefined,
        text: 'text' in message ? message.text : undefined,
        final: message.type === 'agent.text' ? message.final : undefined,
      });
    }
    this.showLines(message);
    this.apply(this.turns.receive(message));
  }

  /** What the conversation list shows; who has the floor is turn-taking's business. */
  private showLines(message: ServerMessage) {
    switch (message.type) {
      case 'session.ready':
        this.update({ connection: 'open', conversationId: message.conversationId });
        return;
      case 'transcript.partial':
        return this.setLine({ id: message.utteranceId, role: 'user', text: message.text, final: false });
      case 'transcript.final': {
        if (this.turnTiming?.utteranceId === message.utteranceId) {
          this.update({ latency: { transcriptMs: Math.round(performance.now() - this.turnTiming.endSentAt), firstAudioMs: null } });
        }
        if (!message.text) {
          this.update({ lines: this.snapshot.lines.filter((l) => l.id !== message.utteranceId) });
          return;
        }
        return this.setLine({ id: message.utteranceId, role: 'user', text: message.text, final: true });
      }
      case 'agent.text': {
        const interrupted = this.snapshot.lines.find((l) => l.id === message.utteranceId)?.interrupted;
        return this.setLine({ id: message.utteranceId, role: 'agent', text: message.text, final: message.final, interrupted });
      }
      case 'agent.audio.end':
        if (message.reason === 'interrupted') this.markInterrupted(message.utteranceId);
        return;
      case 'agent.interrupt':
        this.markInterrupted(message.utteranceId);
        return;
      case 'error':
        if (message.code !== 'sequence_gap') this.update({ error: message.message });
        return;
      default:
        return;
    }
  }

  private setLine(line: Line) {
    const lines = this.snapshot.lines.some((l) => l.id === line.id)
      ? this.snapshot.lines.map((l) => (l.id === line.id ? line : l))
      : [...this.snapshot.lines, line];
    this.update({ lines });
  }

  private markInterrupted(id: string) {
    this.update({ lines: this.snapshot.lines.map((l) => (l.id === id ? { ...l, interrupted: true } : l)) });
  }

  // ── audio ──
  private async startAudio() {
    this.update({ mic: 'starting' });
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no microphone API here (is the page served over https?)');
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        channelCount: 1,
        echoCancellation: this.options.echoCancellation,
        noiseSuppression: this.options.echoCancellation,
        autoGainControl: this.options.echoCancellation,
      },
    });
    this.stream = stream;
    // A 16 kHz context: the browser resamples the microphone to the contract's rate for us.
    const context = new AudioContext({ sampleRate: 16000, latencyHint: 'interactive' });
    this.context = context;
    await loadWorklets(context);
    const mic = new AudioWorkletNode(context, 'mic-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    mic.port.onmessage = (event: MessageEvent<{ pcm: ArrayBuffer; levelDbfs: number }>) =>
      this.onMicFrame(new Int16Array(event.data.pcm), event.data.levelDbfs);
    context.createMediaStreamSource(stream).connect(mic);
    const playback = new AudioWorkletNode(context, 'playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
    playback.port.onmessage = (event: MessageEvent<PlaybackEvent>) => this.onPlaybackEvent(event.data);
    this.workletTotalMs = 0;
    playback.connect(context.destination);
    this.playback = playback;
    await context.resume();
    this.update({ mic: 'on' });
  }

  private async stopAudio() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.playback = null;
    const context = this.context;
    this.context = null;
    await context?.close().catch(() => {});
  }

  private lastLevelUpdate = 0;

  private onMicFrame(frame: Int16Array, levelDbfs: number) {
    const now = performance.now();
    if (now - this.lastLevelUpdate > 80) {
      this.lastLevelUpdate = now;
      this.update({ levelDbfs });
    }
    if (this.snapshot.connection !== 'open') return;
    if (this.options.mode === 'push-to-talk') {
      this.apply(this.turns.userAudio(frame));
      return;
    }
    for (const event of this.vad.push(frame, levelDbfs)) {
      if (event.type === 'start') this.beginUtterance(event.preroll);
      else if (event.type === 'frame') this.apply(this.turns.userAudio(event.frame));
      else this.endUtterance();
    }
  }

  /** The person starts speaking; over the agent, turn-taking stops it first (barge-in). */
  private beginUtterance(preroll: Int16Array[]) {
    if (this.snapshot.connection !== 'open' || this.turns.userUtteranceId) return;
    this.apply(this.turns.startUser());
    for (const frame of preroll) this.apply(this.turns.userAudio(frame));
  }

  private endUtterance() {
    const id = this.turns.userUtteranceId;
    if (!id) return;
    this.apply(this.turns.endUser());
    this.turnTiming = { endSentAt: performance.now(), utteranceId: id };
  }

  private onPlaybackEvent(event: PlaybackEvent) {
    this.log({ event: 'worklet', type: event.type, utteranceId: event.utteranceId, playedMs: event.playedMs });
    if (event.utteranceId !== null) this.turns.playbackProgress(event.utteranceId, event.playedMs);
    if (event.type === 'drained' && event.utteranceId !== null) {
      this.turns.playbackDrained(event.utteranceId);
      this.apply([]);
    }
    // The page's playback figures, about ten times a second.
    const now = performance.now();
    if (event.type !== 'progress' || now - this.lastStatsUpdate > 100) {
      this.lastStatsUpdate = now;
      const playedMs = this.snapshot.playback.playedMs + Math.max(0, event.totalMs - this.workletTotalMs);
      this.workletTotalMs = event.totalMs;
      this.update({ playback: { playedMs, peak: Math.max(this.snapshot.playback.peak, event.peak) } });
    }
  }
}
