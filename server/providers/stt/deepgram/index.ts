/**
 * Deepgram's live API as the recogniser: one WebSocket per utterance (opened when the person
 * starts speaking, 16 kHz linear16 sent as it arrives, interim results as partials), kept alive
 * through pauses, closed with CloseStream when the utterance ends (the final transcript is every
 * final result until Deepgram closes). A connection that drops mid-utterance is opened again and
 * sent the audio after the last final result, so no word is lost; a bounded number of times.
 */
import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import { SAMPLE_RATE } from '../../../../lib/audio/pcm';
import { loggableUrl, ProviderError, ProviderTimeout, redact } from '../../errors';
import type { Stt, SttStream, SttStreamOptions } from '../types';

export interface DeepgramLimits {
  /** Until the WebSocket is open. */
  connectMs: number;
  /** From the end of the utterance to Deepgram's last result. */
  finalMs: number;
  /** The whole utterance's connection. */
  totalMs: number;
}

export interface DeepgramSttOptions {
  apiKey: string;
  /** wss://api.deepgram.com/v1/listen, or a self-hosted Deepgram's. */
  baseUrl: string;
  model: string;
  limits?: Partial<DeepgramLimits>;
  /** A KeepAlive goes out after this long without audio (Deepgram closes after 10 s). Default 4000. */
  keepAliveMs?: number;
  /** Connections opened again after a drop, per utterance. Default 2. */
  reconnects?: number;
}

/** The final before the session's own 10 s limit, so the person hears it was Deepgram. */
export const DEFAULT_DEEPGRAM_LIMITS: DeepgramLimits = { connectMs: 5_000, finalMs: 8_000, totalMs: 10 * 60_000 };
const BACKOFF_MS = [200, 800];

/** The messages of the live API Parley reads; others (Metadata, SpeechStarted, UtteranceEnd) are let through. */
const liveMessage = z.union([
  z.object({
    type: z.literal('Results'),
    is_final: z.boolean(),
    start: z.number(),
    duration: z.number(),
    channel: z.object({ alternatives: z.array(z.object({ transcript: z.string() })) }),
  }),
  z.object({ type: z.enum(['Metadata', 'SpeechStarted', 'UtteranceEnd']) }).passthrough(),
]);

export function createDeepgramStt(options: DeepgramSttOptions): Stt {
  const url = new URL(options.baseUrl);
  for (const [name, value] of Object.entries({
    model: options.model,
    encoding: 'linear16',
    sample_rate: String(SAMPLE_RATE),
    channels: '1',
    interim_results: 'true',
    punctuate: 'true',
    smart_format: 'true',
  })) {
    url.searchParams.set(name, value);
  }
  const settings: StreamSettings = {
    url: url.toString(),
    apiKey: options.apiKey,
    limits: { ...DEFAULT_DEEPGRAM_LIMITS, ...options.limits },
    keepAliveMs: options.keepAliveMs ?? 4_000,
    reconnects: options.reconnects ?? 2,
  };
  const open = new Set<DeepgramStream>();
  return {
    name: `deepgram:${options.model}`,
    start(streamOptions: SttStreamOptions): SttStream {
      const stream = new DeepgramStream(settings, streamOptions, () => open.delete(stream));
      open.add(stream);
      return stream;
    },
    close: async () => {
      for (const stream of open) stream.abort();
    },
  };
}

interface StreamSettings {
  url: string;
  apiKey: string;
  limits: DeepgramLimits;
  keepAliveMs: number;
  reconnects: number;
}

interface AudioPiece {
  /** Its first sample's place in the utterance. */
  at: number;
  pcm: Int16Array;
}

class DeepgramStream implements SttStream {
  private readonly audio: AudioPiece[] = [];
  private samples = 0;
  private ws: WebSocket | null = null;
  /** Where the current connection's time 0 lies in the utterance, in samples. */
  private connectionStart = 0;
  /** The end of the last final result, in samples of the utterance: audio before it is heard for good. */
  private finalizedUntil = 0;
  private readonly finals: string[] = [];
  private interim = '';
  private lastPartial = '';
  private reconnectsLeft: number;
  private state: 'open' | 'ending' | 'done' = 'open';
  private failure: Error | null = null;
  private settle: { resolve(text: string): void; reject(error: Error): void } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private keepAlive: NodeJS.Timeout | null = null;
  private everOpened = false;

  constructor(
    private readonly settings: StreamSettings,
    private readonly options: SttStreamOptions,
    private readonly onDone: () => void,
  ) {
    this.reconnectsLeft = settings.reconnects;
    this.later(settings.limits.totalMs, () => this.fail(new ProviderTimeout(`Deepgram did not finish the utterance within ${settings.limits.totalMs / 1000} s.`)));
    this.connect();
  }

  write(pcm: Int16Array): void {
    if (this.state !== 'open') return;
    const piece = { at: this.samples, pcm: pcm.slice() };
    this.audio.push(piece);
    this.samples += pcm.length;
    if (this.ws?.readyState === WebSocket.OPEN) this.send(piece.pcm);
  }

  end(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.state !== 'open') return Promise.resolve(this.finals.join(' '));
    this.state = 'ending';
    this.stopKeepAlive();
    const result = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    this.later(this.settings.limits.finalMs, () => this.fail(new ProviderTimeout(`Deepgram gave no final transcript within ${this.settings.limits.finalMs / 1000} s.`)));
    if (this.ws?.readyState === WebSocket.OPEN) this.closeStream(this.ws);
    return result;
  }

  abort(): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.cleanUp();
  }

  private connect(): void {
    const ws = new WebSocket(this.settings.url, {
      headers: { authorization: `Token ${this.settings.apiKey}` },
      handshakeTimeout: this.settings.limits.connectMs,
    });
    this.ws = ws;
    const current = () => this.ws === ws && this.state !== 'done';
    ws.on('open', () => {
      if (!current()) return;
      this.everOpened = true;
      // Everything after what is already heard for good: all of it on the first connection.
      for (const piece of this.audio) {
        const from = this.connectionStart - piece.at;
        if (from < piece.pcm.length) this.send(from > 0 ? piece.pcm.subarray(from) : piece.pcm);
      }
      if (this.state === 'ending') this.closeStream(ws);
      else this.startKeepAlive(ws);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (current() && !isBinary) this.receive(data.toString());
    });
    ws.on('unexpected-response', (request, response) => {
      if (!current()) return;
      const status = response.statusCode ?? 0;
      const detail = String(response.headers['dg-error'] ?? response.statusMessage ?? '');
      console.error(`[stt] ${loggableUrl(this.settings.url)} refused the connection: HTTP ${status} ${redact(detail, [this.settings.apiKey])}`);
      request.destroy();
      this.ws = null;
      const hint = status === 401 || status === 403 ? 'check STT_API_KEY' : status >= 500 ? 'it failed; try again' : 'check STT_MODEL and STT_BASE_URL';
      if (status >= 500) return this.dropped(`HTTP ${status}`);
      this.fail(new ProviderError(`Deepgram refused the connection (HTTP ${status}): ${hint}.`));
    });
    ws.on('error', (error) => {
      if (!current()) return;
      if (/handshake has timed out/i.test(error.message)) {
        this.ws = null;
        return this.fail(new ProviderTimeout(`Deepgram did not answer within ${this.settings.limits.connectMs / 1000} s.`));
      }
      console.error(`[stt] ${loggableUrl(this.settings.url)}: ${redact(error.message, [this.settings.apiKey])}`);
      // 'close' follows and decides.
    });
    ws.on('close', (code, reason) => {
      if (!current()) return;
      this.ws = null;
      this.stopKeepAlive();
      if (this.state === 'ending' && code === 1000) return this.finish();
      // 1008: Deepgram could not take the audio or the request; sending it again would not help.
      if (code === 1008) {
        console.error(`[stt] Deepgram closed the stream: ${code} ${redact(reason.toString(), [this.settings.apiKey])}`);
        return this.fail(new ProviderError('Deepgram could not process the audio.'));
      }
      this.dropped(`closed with ${code}`);
    });
  }

  /** The connection went away before the utterance was heard: open another, or give up. */
  private dropped(why: string): void {
    if (this.reconnectsLeft <= 0) {
      console.error(`[stt] Deepgram connection lost (${why}); no reconnection left for this utterance`);
      return this.fail(
        new ProviderError(this.everOpened ? 'The connection to Deepgram was lost mid-utterance.' : 'Deepgram could not be reached: check STT_BASE_URL.'),
      );
    }
    const attempt = this.settings.reconnects - this.reconnectsLeft;
    this.reconnectsLeft--;
    console.error(`[stt] Deepgram connection lost (${why}); reconnecting (attempt ${attempt + 1} of ${this.settings.reconnects})`);
    // The new connection's time 0 is the end of what was finalized; its interim guesses start afresh.
    this.connectionStart = this.finalizedUntil;
    this.interim = '';
    this.later(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)], () => {
      if (this.state !== 'done') this.connect();
    });
  }

  private receive(text: string): void {
    let message: z.infer<typeof liveMessage>;
    try {
      const parsed = liveMessage.safeParse(JSON.parse(text));
      if (!parsed.success) throw parsed.error;
      message = parsed.data;
    } catch {
      console.error(`[stt] Deepgram sent an unreadable message: ${redact(text, [this.settings.apiKey]).slice(0, 300)}`);
      return this.fail(new ProviderError('Deepgram sent a message Parley cannot read.'));
    }
    if (message.type !== 'Results') return;
    const transcript = (message.channel.alternatives[0]?.transcript ?? '').trim();
    if (message.is_final) {
      if (transcript) this.finals.push(transcript);
      this.interim = '';
      this.finalizedUntil = Math.max(this.finalizedUntil, this.connectionStart + Math.round((message.start + message.duration) * SAMPLE_RATE));
    } else {
      this.interim = transcript;
    }
    const partial = [...this.finals, this.interim].filter(Boolean).join(' ');
    if (this.state === 'open' && partial && partial !== this.lastPartial) {
      this.lastPartial = partial;
      this.options.onPartial(partial);
    }
  }

  private send(pcm: Int16Array): void {
    this.ws?.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    this.keepAlive?.refresh();
  }

  private closeStream(ws: WebSocket): void {
    ws.send(JSON.stringify({ type: 'CloseStream' }));
  }

  private startKeepAlive(ws: WebSocket): void {
    this.stopKeepAlive();
    const beat = () => {
      if (this.ws !== ws || ws.readyState !== WebSocket.OPEN || this.state !== 'open') return;
      ws.send(JSON.stringify({ type: 'KeepAlive' }));
      this.keepAlive = setTimeout(beat, this.settings.keepAliveMs);
    };
    this.keepAlive = setTimeout(beat, this.settings.keepAliveMs);
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) clearTimeout(this.keepAlive);
    this.keepAlive = null;
  }

  private finish(): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.cleanUp();
    this.settle?.resolve(this.finals.join(' '));
  }

  /** Ends the utterance with `error`: at once through onError while it lasts, else through end(). */
  private fail(error: Error): void {
    if (this.state === 'done') return;
    const wasOpen = this.state === 'open';
    this.state = 'done';
    this.failure = error;
    this.cleanUp();
    if (this.settle) this.settle.reject(error);
    else if (wasOpen) this.options.onError?.(error);
  }

  private cleanUp(): void {
    this.stopKeepAlive();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const ws = this.ws;
    this.ws = null;
    // terminate(): a connection still opening or mid-close is cut at once.
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate();
    this.audio.length = 0;
    this.onDone();
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
