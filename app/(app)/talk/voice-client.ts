/**
 * The browser side of a voice session: microphone → VAD → contract messages on /ws, and
 * agent speech from /ws → playback. Plain TypeScript with a snapshot for React to render.
 */
import { decodeAudioChunk, encodeAudioChunk, pcm16ToFloat } from '@/lib/audio/pcm';
import { serverMessage, type ServerMessage } from '@/lib/contract/messages';
import { Vad } from './vad';
import { loadWorklets } from './worklets';

export type AgentState = 'listening' | 'user-speaking' | 'thinking' | 'agent-speaking';
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
  private utterance: { id: string; sequence: number } | null = null;
  private utterances = 0;
  private pushToTalkHeld = false;
  private agent: { id: string; playedMs: number; receiving: boolean } | null = null;
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
    if (!this.agent) return;
    this.send({ type: 'agent.interrupt', utteranceId: this.agent.id, playedMs: Math.round(this.agent.playedMs), timestamp: Date.now() });
    this.flushPlayback();
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
      this.utterance = null;
      this.flushPlayback();
      this.update({
        connection: 'closed',
        state: 'listening',
        error: event.code === 1000 ? null : 'The connection to the server was lost. Press Start to reconnect; this conversation continues where it stopped.',
      });
      void this.stopAudio().then(() => this.update({ mic: 'off', levelDbfs: -100 }));
    };
  }

  private send(message: Record<string, unknown>) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private onMessage(message: ServerMessage) {
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
          this.update({ lines: this.snapshot.lines.filter((l) => l.id !== message.utteranceId), state: this.utterance ? 'user-speaking' : 'listening' });
          return;
        }
        return this.setLine({ id: message.utteranceId, role: 'user', text: message.text, final: true });
      }
      case 'agent.text': {
        const interrupted = this.snapshot.lines.find((l) => l.id === message.utteranceId)?.interrupted;
        return this.setLine({ id: message.utteranceId, role: 'agent', text: message.text, final: message.final, interrupted });
      }
      case 'agent.audio.chunk': {
        const decoded = decodeAudioChunk(message.audio);
        if (!decoded.ok) return;
        if (this.agent?.id !== message.utteranceId) {
          this.agent = { id: message.utteranceId, playedMs: 0, receiving: true };
          if (this.turnTiming && this.snapshot.latency) {
            this.update({ latency: { ...this.snapshot.latency, firstAudioMs: Math.round(performance.now() - this.turnTiming.endSentAt) } });
            this.turnTiming = null;
          }
          this.vad.extraMarginDb = 6;
          this.update({ state: 'agent-speaking' });
        }
        const samples = pcm16ToFloat(decoded.samples);
        this.playback?.port.postMessage({ type: 'push', utteranceId: message.utteranceId, samples }, [samples.buffer]);
        return;
      }
      case 'agent.audio.end':
        if (message.reason === 'interrupted') {
          this.markInterrupted(message.utteranceId);
          if (this.agent?.id === message.utteranceId) this.flushPlayback();
        } else {
          this.playback?.port.postMessage({ type: 'end', utteranceId: message.utteranceId });
          if (!this.agent) this.update({ state: this.utterance ? 'user-speaking' : 'listening' });
        }
        return;
      case 'agent.interrupt':
        this.markInterrupted(message.utteranceId);
        if (this.agent?.id === message.utteranceId) this.flushPlayback();
        return;
      case 'error':
        if (message.code === 'sequence_gap') return;
        this.update({ error: message.message });
        if (message.code === 'stt_failed' || message.code === 'agent_failed') this.update({ state: this.utterance ? 'user-speaking' : 'listening' });
        return;
      case 'rtc.answer':
        return;
    }
  }

  private setLine(line: Line) {
    const lines = this.snapshot.lines.some((l) => l.id === line.id)
      ? this.snapshot.lines.map((l) => (l.id === line.id ? line : l))
      : [...this.snapshot.lines, line];
    const state = line.role === 'user' && line.final && !this.utterance && !this.agent ? 'thinking' : this.snapshot.state;
    this.update({ lines, state });
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
    playback.port.onmessage = (event) => this.onPlaybackEvent(event.data);
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
      if (this.utterance) this.sendChunk(frame);
      return;
    }
    for (const event of this.vad.push(frame, levelDbfs)) {
      if (event.type === 'start') this.beginUtterance(event.preroll);
      else if (event.type === 'frame') this.sendChunk(event.frame);
      else this.endUtterance();
    }
  }

  private beginUtterance(preroll: Int16Array[]) {
    if (this.snapshot.connection !== 'open' || this.utterance) return;
    // Barge-in: stop the agent first and say how much of it was heard.
    if (this.agent) this.interrupt();
    const id = `u${Date.now().toString(36)}-${++this.utterances}`;
    this.utterance = { id, sequence: 0 };
    this.send({ type: 'user.audio.start', utteranceId: id, timestamp: Date.now() });
    for (const frame of preroll) this.sendChunk(frame);
    this.update({ state: 'user-speaking' });
  }

  private sendChunk(frame: Int16Array) {
    if (!this.utterance) return;
    this.send({ type: 'user.audio.chunk', utteranceId: this.utterance.id, sequence: this.utterance.sequence++, timestamp: Date.now(), audio: encodeAudioChunk(frame) });
  }

  private endUtterance() {
    const utterance = this.utterance;
    if (!utterance) return;
    this.utterance = null;
    this.send({ type: 'user.audio.end', utteranceId: utterance.id, sequence: utterance.sequence - 1, timestamp: Date.now() });
    this.turnTiming = { endSentAt: performance.now(), utteranceId: utterance.id };
    this.update({ state: 'thinking' });
  }

  private flushPlayback() {
    this.playback?.port.postMessage({ type: 'clear' });
    this.agent = null;
    this.vad.extraMarginDb = 0;
    if (this.snapshot.state === 'agent-speaking') this.update({ state: 'listening' });
  }

  private onPlaybackEvent(event: { type: 'progress' | 'drained' | 'cleared'; utteranceId: string | null; playedMs: number; peak?: number }) {
    if (event.peak !== undefined) {
      this.update({ playback: { playedMs: this.snapshot.playback.playedMs + (event.type === 'progress' ? 100 : 0), peak: Math.max(this.snapshot.playback.peak, event.peak) } });
    }
    if (this.agent && event.utteranceId === this.agent.id) this.agent.playedMs = event.playedMs;
    if (event.type === 'drained' && this.agent?.id === event.utteranceId) {
      this.agent = null;
      this.vad.extraMarginDb = 0;
      this.update({ state: this.utterance ? 'user-speaking' : 'listening' });
    }
  }
}
