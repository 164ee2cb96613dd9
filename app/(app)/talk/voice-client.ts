/**
 * The browser side of a voice session. Two ways for the audio, one conversation:
 * - WebRTC (the default): the microphone's track goes to the server on a peer connection and
 *   the agent's voice comes back on it; the server's VAD decides endpointing and barge-in, and
 *   the socket carries only the events (server-turns.ts follows them).
 * - The socket path (`?transport=socket`, or when WebRTC does not connect): microphone → this
 *   page's VAD → contract PCM messages on /ws, and agent speech from /ws → playback; who has
 *   the floor and which agent audio may play is decided by turn-taking.ts.
 * Plain TypeScript with a snapshot for React to render.
 */
import { pcm16ToFloat } from '@/lib/audio/pcm';
import { serverMessage, type ClientMessage, type ServerMessage } from '@/lib/contract/messages';
import { AUDIBLE_DBFS } from './levels';
import { chooseMicrophone, microphoneAfterChange, microphonesFrom, type Microphone } from './microphones';
import { Peer } from './peer';
import { ServerTurns } from './server-turns';
import { iceServersFrom, RTC_CONNECT_TIMEOUT_MS, type Transport, type TransportStatus } from './transport';
import { maxTotalWaitMs, Reconnector, shouldReconnect, type ReconnectStatus } from './reconnect';
import { loadStoredLines, mergeResumed } from './resume';
import { TurnTaking, type AgentState, type TurnEffect } from './turn-taking';
import { Vad } from './vad';
import { loadWorklets } from './worklets';

export type { AgentState } from './turn-taking';
export type { Microphone } from './microphones';
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
  /** Your voice, from the microphone. */
  levelDbfs: number;
  /** The agent's voice, from what the page plays. */
  agentLevelDbfs: number;
  transport: TransportStatus;
  microphones: Microphone[];
  /** The input open now (undefined: the browser's default). */
  microphoneId: string | undefined;
  conversationId: string | null;
  lines: Line[];
  /**
   * Measured here. Socket path: user.audio.end sent → transcript.final, and → first agent
   * audio. WebRTC (the server decides the end): transcript.final → first audible agent audio.
   */
  latency: { transcriptMs: number | null; firstAudioMs: number | null; since: 'end-sent' | 'transcript' } | null;
  error: string | null;
  /** What the page played of the agent: ms audible (or played by the worklet), and its peak. */
  playback: { playedMs: number; peak: number };
  /** Reconnecting by itself after a drop (reconnect.ts), or given up. */
  reconnect: ReconnectStatus;
  /** After a reconnect `lines` are the whole conversation as stored, earlier turns included. */
  linesIncludeStored: boolean;
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
  | { event: 'received'; type: ServerMessage['type']; utteranceId?: string; reason?: string; text?: string; final?: boolean; code?: string }
  | { event: 'flush' }
  /** What the playback worklet reports: what it actually played of which utterance. */
  | { event: 'worklet'; type: 'progress' | 'drained' | 'cleared'; utteranceId: string | null; playedMs: number }
  | { event: 'transport'; transport: TransportStatus }
);

/**
 * Every 20 ms level the page measured, for benchmarks: with an array at
 * `window.__parleyLevelLog`, the microphone's and the agent playback's levels are appended.
 */
export interface LevelLogEntry {
  at: number;
  source: 'mic' | 'agent';
  dbfs: number;
}

declare global {
  interface Window {
    __parleyPlaybackLog?: PlaybackLogEntry[];
    __parleyLevelLog?: LevelLogEntry[];
  }
}

type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;

type PlaybackEvent = { type: 'progress' | 'drained' | 'cleared'; utteranceId: string | null; playedMs: number; peak: number; totalMs: number };

export interface VoiceClientOptions {
  conversationId?: string;
  /** Applies to the track on both paths: the browser's echo cancellation, noise suppression and gain control. */
  echoCancellation: boolean;
  mode: InputMode;
  /** The preferred path; the socket is also the fallback. */
  transport: Transport;
  /** The microphone this browser remembers, if any (talk.tsx keeps it in localStorage). */
  microphone?: string | null;
}

export class VoiceClient {
  private snapshot: TalkSnapshot;
  private listeners = new Set<() => void>();
  private ws: WebSocket | null = null;
  private context: AudioContext | null = null;
  private stream: MediaStream | null = null;
  private playback: AudioWorkletNode | null = null;
  private micSource: MediaStreamAudioSourceNode | null = null;
  private micNode: AudioWorkletNode | null = null;
  private agentMeter: AudioWorkletNode | null = null;
  private peer: Peer | null = null;
  private remoteAudio: HTMLAudioElement | null = null;
  private remoteSource: MediaStreamAudioSourceNode | null = null;
  private rtcTimer: ReturnType<typeof setTimeout> | null = null;
  /** Why WebRTC failed on this connection: the rest of it stays on the socket (each Start tries WebRTC again). */
  private rtcGaveUp: string | null = null;
  private readonly vad = new Vad();
  private readonly turns = new TurnTaking();
  private readonly serverTurns = new ServerTurns();
  /** transcript.final seen on WebRTC, waiting for the agent's first audible audio. */
  private awaitingAudioSince: number | null = null;
  private lastAgentLevelUpdate = 0;
  private pushToTalkHeld = false;
  /** The playback worklet's total played at the last stats update (it counts from its creation). */
  private workletTotalMs = 0;
  private lastStatsUpdate = 0;
  private turnTiming: { endSentAt: number; utteranceId: string } | null = null;
  private readonly reconnector = new Reconnector({ connect: () => this.connect(), onStatus: (reconnect) => this.update({ reconnect }) });
  /** The line ids on screen when the connection dropped; null while none dropped. */
  private shownAtDrop: Set<string> | null = null;
  private drops = 0;

  constructor(private options: VoiceClientOptions) {
    this.snapshot = {
      connection: 'idle',
      mic: 'off',
      state: 'listening',
      mode: options.mode,
      levelDbfs: -100,
      agentLevelDbfs: -100,
      transport: { kind: 'none' },
      microphones: [],
      microphoneId: undefined,
      conversationId: options.conversationId ?? null,
      lines: [],
      latency: null,
      error: null,
      playback: { playedMs: 0, peak: 0 },
      reconnect: { phase: 'idle' },
      linesIncludeStored: false,
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
    this.rtcGaveUp = null;
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
    this.reconnector.begin();
    this.connect();
  }

  async stop(): Promise<void> {
    this.reconnector.stop();
    this.shownAtDrop = null;
    if (this.usingSocketAudio) this.endUtterance();
    this.closePeer();
    this.ws?.close(1000);
    this.ws = null;
    this.apply(this.turns.reset());
    this.serverTurns.reset();
    await this.stopAudio();
    this.update({ connection: 'idle', mic: 'off', state: 'listening', levelDbfs: -100, agentLevelDbfs: -100, transport: { kind: 'none' } });
  }

  /** Follows microphones being plugged in and out; call once the page is mounted. */
  attach(): () => void {
    const devices = navigator.mediaDevices;
    if (!devices?.enumerateDevices) return () => {};
    const onChange = () => void this.onDeviceChange();
    devices.addEventListener('devicechange', onChange);
    void this.refreshMicrophones();
    return () => devices.removeEventListener('devicechange', onChange);
  }

  /** The person picked a microphone (undefined: the default); switches at once when talking. */
  async selectMicrophone(deviceId: string | undefined): Promise<void> {
    this.options.microphone = deviceId ?? null;
    await this.switchMicrophone(deviceId);
  }

  /** Applies from the next Start: the microphone is opened with it. */
  setEchoCancellation(on: boolean) {
    this.options.echoCancellation = on;
  }

  setMode(mode: InputMode) {
    this.options.mode = mode;
    this.endUtterance();
    this.vad.reset();
    this.pushToTalkHeld = false;
    this.gateTrack();
    this.update({ mode });
  }

  pushToTalk(down: boolean) {
    if (this.options.mode !== 'push-to-talk' || this.pushToTalkHeld === down) return;
    this.pushToTalkHeld = down;
    // Over WebRTC the server's VAD hears only what the held key lets through.
    this.gateTrack();
    if (!this.usingSocketAudio) return;
    if (down) this.beginUtterance([]);
    else this.endUtterance();
  }

  /** The stop button: interrupts the agent (on the socket path, telling the server how much was heard). */
  interrupt() {
    if (this.usingSocketAudio) {
      this.apply(this.turns.interruptAgent());
      return;
    }
    const message = this.serverTurns.interruptAgent();
    if (message) {
      this.send(message);
      this.log({ event: 'sent', type: message.type, utteranceId: message.utteranceId });
    }
    this.apply([]);
  }

  /** Whether this page's VAD and the socket carry the person's audio (else WebRTC does, or will). */
  private get usingSocketAudio(): boolean {
    return this.snapshot.transport.kind === 'socket';
  }

  private setTransport(transport: TransportStatus) {
    this.update({ transport });
    this.log({ event: 'transport', transport });
  }

  // ── WebRTC ──
  private async startRtc(iceServers: RTCIceServer[]) {
    const track = this.stream?.getAudioTracks()[0];
    if (!track) return this.fallBack('no microphone track');
    this.setTransport({ kind: 'webrtc', phase: 'connecting' });
    let peer: Peer;
    try {
      peer = new Peer(track, iceServers, {
        onRemoteStream: (stream) => this.playRemote(stream),
        onConnected: () => {
          if (this.peer !== peer) return;
          this.clearRtcTimer();
          this.setTransport({ kind: 'webrtc', phase: 'connected' });
        },
        onFailed: (reason) => {
          if (this.peer === peer) this.fallBack(reason);
        },
      });
    } catch (error) {
      return this.fallBack(`this browser could not make a peer connection (${(error as Error).message})`);
    }
    this.peer = peer;
    this.gateTrack();
    this.rtcTimer = setTimeout(() => this.fallBack(`it did not connect within ${RTC_CONNECT_TIMEOUT_MS / 1000} s`), RTC_CONNECT_TIMEOUT_MS);
    try {
      const sdp = await peer.offer();
      if (this.peer !== peer) return;
      this.send({ type: 'rtc.offer', sdp });
      this.log({ event: 'sent', type: 'rtc.offer' });
    } catch (error) {
      if (this.peer === peer) this.fallBack(`no offer could be made (${(error as Error).message})`);
    }
  }

  /** WebRTC is not to be: the conversation goes on over the socket, with this page's VAD. */
  private fallBack(reason: string) {
    this.rtcGaveUp = reason;
    this.closePeer();
    this.serverTurns.reset();
    this.apply(this.turns.reset());
    this.vad.reset();
    this.gateTrack();
    if (this.ws) this.setTransport({ kind: 'socket', fallbackReason: reason });
    this.apply([]);
  }

  private clearRtcTimer() {
    if (this.rtcTimer) clearTimeout(this.rtcTimer);
    this.rtcTimer = null;
  }

  private closePeer() {
    this.clearRtcTimer();
    this.peer?.close();
    this.peer = null;
    this.remoteSource?.disconnect();
    this.remoteSource = null;
    if (this.remoteAudio) {
      this.remoteAudio.pause();
      this.remoteAudio.srcObject = null;
      this.remoteAudio = null;
    }
    this.awaitingAudioSince = null;
  }

  /** The agent's voice: played by a media element (so the browser's echo canceller hears it too), metered through Web Audio. */
  private playRemote(stream: MediaStream) {
    if (!this.remoteAudio) {
      this.remoteAudio = new Audio();
      this.remoteAudio.autoplay = true;
    }
    this.remoteAudio.srcObject = stream;
    void this.remoteAudio.play().catch(() => {});
    this.remoteSource?.disconnect();
    if (this.context && this.agentMeter) {
      this.remoteSource = this.context.createMediaStreamSource(stream);
      this.remoteSource.connect(this.agentMeter);
    }
  }

  /** Push-to-talk over WebRTC: the track is live only while the key is held. */
  private gateTrack() {
    const track = this.stream?.getAudioTracks()[0];
    if (!track) return;
    track.enabled = this.usingSocketAudio || this.options.mode === 'hands-free' || this.pushToTalkHeld;
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
      const raw: unknown = JSON.parse(String(event.data));
      const parsed = serverMessage.safeParse(raw);
      if (!parsed.success) return;
      this.onMessage(parsed.data);
      if (parsed.data.type === 'session.ready') this.chooseTransport(raw);
    };
    let opened = false;
    ws.onopen = () => (opened = true);
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      // An utterance in flight is cut here: the server keeps what it received (rule 4) and
      // the page shows it as stored once reconnected; its audio is not sent again.
      this.closePeer();
      this.apply(this.turns.reset());
      this.serverTurns.reset();
      this.vad.reset();
      this.turnTiming = null;
      if (this.shownAtDrop === null) {
        // Ids of their own: the next connection numbers its replies from agent-1 again.
        const drop = ++this.drops;
        const lines = this.snapshot.lines.map((l) => ({ ...l, id: `drop${drop}:${l.id}` }));
        this.shownAtDrop = new Set(lines.map((l) => l.id));
        this.update({ lines });
      }
      const retry = shouldReconnect(event.code) ? this.reconnector.dropped() : null;
      if (retry?.phase === 'reconnecting') {
        // The microphone stays open, so that talking goes on without another click.
        this.update({ connection: 'connecting', state: 'listening', transport: { kind: 'none' }, error: null });
        // An attempt that never got a socket: ask whether trying again can help at all.
        if (!opened && this.snapshot.conversationId) void this.checkResumable(this.snapshot.conversationId);
        return;
      }
      const seconds = Math.round(maxTotalWaitMs(this.reconnector.policy) / 1000);
      this.update({
        connection: 'closed',
        state: 'listening',
        transport: { kind: 'none' },
        error:
          event.code === 1000 ? null
          // 1013: the server is full; its server_busy message (already shown) says to try again later.
          : event.code === 1013 ? this.snapshot.error
          : retry?.phase === 'gave-up' ? `The server could not be reached after ${retry.attempts} attempts (about ${seconds} s). Check your network or whether the server is running, then press Reconnect; this conversation continues where it stopped.`
          : 'The connection to the server was closed. Press Start to reconnect; this conversation continues where it stopped.',
      });
      void this.stopAudio().then(() => this.update({ mic: 'off', levelDbfs: -100 }));
    };
  }

  /** After session.ready: WebRTC unless the socket was asked for, or WebRTC already failed here. */
  private chooseTransport(sessionReady: unknown) {
    if (this.options.transport === 'socket') return this.setTransport({ kind: 'socket', fallbackReason: null });
    if (this.rtcGaveUp) return this.setTransport({ kind: 'socket', fallbackReason: this.rtcGaveUp });
    void this.startRtc(iceServersFrom(sessionReady));
  }

  /** A reconnect attempt failed: a signed-out person or a deleted conversation ends the trying. */
  private async checkResumable(conversationId: string) {
    const stored = await loadStoredLines(conversationId);
    if (stored.ok || stored.retry || this.snapshot.reconnect.phase !== 'reconnecting') return;
    // Not "gave up": trying this conversation again cannot help, so the button is Start again.
    this.reconnector.stop();
    this.update({ connection: 'closed', error: stored.message });
    await this.stopAudio();
    this.update({ mic: 'off', levelDbfs: -100 });
  }

  /** Reconnected: show the conversation as stored, with what the new session said since. */
  private async resume(conversationId: string) {
    const shownBefore = this.shownAtDrop ?? new Set<string>();
    this.shownAtDrop = null;
    const stored = await loadStoredLines(conversationId);
    if (!stored.ok) return; // the lines on screen stay; the session itself goes on
    this.update({ lines: mergeResumed(stored.turns, this.snapshot.lines, shownBefore), linesIncludeStored: true });
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
    const state = this.usingSocketAudio ? this.turns.state : this.serverTurns.state;
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
        code: message.type === 'error' ? message.code : undefined,
      });
    }
    this.showLines(message);
    if (this.usingSocketAudio || message.type === 'session.ready') {
      this.apply(this.turns.receive(message));
      if (message.type !== 'session.ready') return;
    }
    // WebRTC (or trying it): the server decides the turns; the page follows.
    this.serverTurns.receive(message);
    if (message.type === 'rtc.answer') void this.peer?.answer(message.sdp);
    if (message.type === 'error' && message.code === 'rtc_failed' && this.snapshot.transport.kind === 'webrtc') this.fallBack(message.message);
    if (message.type === 'transcript.final' && message.text) this.awaitingAudioSince = performance.now();
    this.apply([]);
  }

  /** What the conversation list shows; who has the floor is turn-taking's business. */
  private showLines(message: ServerMessage) {
    switch (message.type) {
      case 'session.ready':
        this.update({ connection: 'open', conversationId: message.conversationId, error: null });
        if (this.snapshot.reconnect.phase === 'reconnecting') void this.resume(message.conversationId);
        this.reconnector.connected();
        return;
      case 'transcript.partial':
        return this.setLine({ id: message.utteranceId, role: 'user', text: message.text, final: false });
      case 'transcript.final': {
        if (this.turnTiming?.utteranceId === message.utteranceId) {
          this.update({ latency: { transcriptMs: Math.round(performance.now() - this.turnTiming.endSentAt), firstAudioMs: null, since: 'end-sent' } });
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
        // rtc_failed: the page falls back to the socket and says so where it shows the transport.
        if (message.code !== 'sequence_gap' && message.code !== 'rtc_failed') this.update({ error: message.message });
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
  private async openMicrophone(deviceId: string | undefined): Promise<MediaStream> {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no microphone API here (is the page served over https?)');
    const audio: MediaTrackConstraints = {
      channelCount: 1,
      // On the track: WebRTC sends it processed, and the socket path's worklet reads it processed.
      echoCancellation: this.options.echoCancellation,
      noiseSuppression: this.options.echoCancellation,
      autoGainControl: this.options.echoCancellation,
    };
    if (deviceId) {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio: { ...audio, deviceId: { exact: deviceId } } });
      } catch (error) {
        // Unplugged since it was listed: the default one rather than none.
        if (!(error instanceof DOMException && (error.name === 'OverconstrainedError' || error.name === 'NotFoundError'))) throw error;
      }
    }
    return navigator.mediaDevices.getUserMedia({ audio });
  }

  private async startAudio() {
    this.update({ mic: 'starting' });
    const microphones = await this.listMicrophones();
    const stream = await this.openMicrophone(chooseMicrophone(microphones, this.options.microphone ?? null));
    this.stream = stream;
    // A 16 kHz context: the browser resamples the microphone to the contract's rate for us.
    const context = new AudioContext({ sampleRate: 16000, latencyHint: 'interactive' });
    this.context = context;
    await loadWorklets(context);
    const mic = new AudioWorkletNode(context, 'mic-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    mic.port.onmessage = (event: MessageEvent<{ pcm: ArrayBuffer; levelDbfs: number }>) =>
      this.onMicFrame(new Int16Array(event.data.pcm), event.data.levelDbfs);
    this.micNode = mic;
    this.micSource = context.createMediaStreamSource(stream);
    this.micSource.connect(mic);
    const agentMeter = new AudioWorkletNode(context, 'level-meter', { numberOfInputs: 1, numberOfOutputs: 0 });
    agentMeter.port.onmessage = (event: MessageEvent<{ levelDbfs: number; peak: number }>) => this.onAgentLevel(event.data.levelDbfs, event.data.peak);
    this.agentMeter = agentMeter;
    const playback = new AudioWorkletNode(context, 'playback', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
    playback.port.onmessage = (event: MessageEvent<PlaybackEvent>) => this.onPlaybackEvent(event.data);
    this.workletTotalMs = 0;
    playback.connect(context.destination);
    playback.connect(agentMeter);
    this.playback = playback;
    await context.resume();
    this.update({ mic: 'on', microphoneId: stream.getAudioTracks()[0]?.getSettings().deviceId });
    // Labels are only given once a microphone is allowed.
    void this.refreshMicrophones();
  }

  private async stopAudio() {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.playback = null;
    this.micSource = null;
    this.micNode = null;
    this.agentMeter = null;
    const context = this.context;
    this.context = null;
    await context?.close().catch(() => {});
  }

  private lastLevelUpdate = 0;

  private onMicFrame(frame: Int16Array, levelDbfs: number) {
    const now = performance.now();
    this.levelLog('mic', levelDbfs, now);
    if (now - this.lastLevelUpdate > 80) {
      this.lastLevelUpdate = now;
      this.update({ levelDbfs });
    }
    // Over WebRTC the track carries the voice and the server listens to it.
    if (this.snapshot.connection !== 'open' || !this.usingSocketAudio) return;
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

  private levelLog(source: LevelLogEntry['source'], dbfs: number, at: number) {
    const log = typeof window === 'undefined' ? undefined : window.__parleyLevelLog;
    if (Array.isArray(log)) log.push({ at, source, dbfs });
  }

  /** 20 ms of what the page plays of the agent (either path). */
  private onAgentLevel(levelDbfs: number, peak: number) {
    const now = performance.now();
    this.levelLog('agent', levelDbfs, now);
    const audible = levelDbfs > AUDIBLE_DBFS;
    if (audible && this.awaitingAudioSince !== null) {
      this.update({ latency: { transcriptMs: null, firstAudioMs: Math.round(now - this.awaitingAudioSince), since: 'transcript' } });
      this.awaitingAudioSince = null;
    }
    const playback = this.snapshot.playback;
    const next = {
      // On the socket path the playback worklet counts what it played; over WebRTC what was audible counts.
      playedMs: playback.playedMs + (audible && !this.usingSocketAudio ? 20 : 0),
      peak: Math.max(playback.peak, peak),
    };
    if (now - this.lastAgentLevelUpdate > 80 || next.peak > playback.peak * 1.5) {
      this.lastAgentLevelUpdate = now;
      this.update({ agentLevelDbfs: levelDbfs, playback: next });
    } else {
      this.snapshot = { ...this.snapshot, playback: next };
    }
  }

  // ── microphones ──
  private async listMicrophones(): Promise<Microphone[]> {
    const devices = await navigator.mediaDevices?.enumerateDevices?.().catch(() => []);
    return microphonesFrom(devices ?? []);
  }

  private async refreshMicrophones() {
    this.update({ microphones: await this.listMicrophones() });
  }

  private async onDeviceChange() {
    const microphones = await this.listMicrophones();
    this.update({ microphones });
    if (!this.stream) return;
    const next = microphoneAfterChange(microphones, this.options.microphone ?? null, this.snapshot.microphoneId);
    if (next !== null) await this.switchMicrophone(next);
  }

  /** Another input, while talking: WebRTC replaces the sender's track, the socket path re-wires the worklet. */
  private async switchMicrophone(deviceId: string | undefined) {
    const context = this.context;
    const old = this.stream;
    if (!context || !old || !this.micNode) return;
    let stream: MediaStream;
    try {
      stream = await this.openMicrophone(deviceId);
    } catch (error) {
      this.update({ error: `That microphone could not be opened (${(error as Error).message}); the previous one is still in use.` });
      return;
    }
    if (this.stream !== old || !this.micNode) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    const track = stream.getAudioTracks()[0];
    await this.peer?.replaceTrack(track);
    this.micSource?.disconnect();
    this.micSource = context.createMediaStreamSource(stream);
    this.micSource.connect(this.micNode);
    this.stream = stream;
    this.gateTrack();
    for (const t of old.getTracks()) t.stop();
    this.update({ microphoneId: track.getSettings().deviceId ?? deviceId });
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
