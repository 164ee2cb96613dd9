/**
 * One `pocketsphinx-decoder` child process (see decoder.c for the wire protocol):
 * spawns it, frames commands onto stdin, parses its JSON lines, and reports its death.
 * It knows nothing about pooling; decoder-pool.ts does that.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface FinalResult {
  text: string;
  /** Decoder wall time for ps_end_utt + ps_get_hyp. */
  decodeMs: number;
  /** Audio fed into the utterance. */
  audioMs: number;
  /** Decoder process CPU time for the whole utterance (start to final). */
  cpuMs: number;
  /** The cepstral mean after this utterance: where the same speaker's next one starts. */
  cmn?: number[];
}

/** Receives the output of one utterance; cleared when the utterance ends or is aborted. */
export interface UtteranceListener {
  onPartial(text: string): void;
  /** The decoder has decoded this much of the utterance (every ~500 ms of audio). */
  onProgress(audioMs: number): void;
  onFinal(result: FinalResult): void;
  /** The process died (or was killed) while this utterance was running. */
  onDeath(error: Error): void;
}

type DecoderMessage =
  | { type: 'ready'; loadMs: number; cmn?: number[] }
  | { type: 'partial'; utt: number; text: string }
  | { type: 'progress'; utt: number; audioMs: number }
  | ({ type: 'final'; utt: number } & FinalWire);

interface FinalWire {
  text: string;
  ms: number;
  audioMs: number;
  cpuMs: number;
  cmn?: number[];
}

const COMMAND_START = 0x53; // 'S'
const COMMAND_AUDIO = 0x41; // 'A'
const COMMAND_END = 0x45; // 'E'
const COMMAND_ABORT = 0x58; // 'X'
/** Stay well under the decoder's 1 MiB frame limit. */
const MAX_AUDIO_FRAME_BYTES = 64 * 1024;
const STDERR_TAIL_CHARS = 2000;
const CLOSE_GRACE_MS = 1000;

export interface DecoderProcessOptions {
  binaryPath: string;
  args: string[];
  /** Kill the process if it has not printed its ready line by then. */
  loadTimeoutMs: number;
}

export class DecoderProcess {
  /** Resolves with the decoder's own load time once the model is loaded. */
  readonly ready: Promise<number>;
  /** Resolves when the process is gone, for whatever reason. */
  readonly closed: Promise<void>;

  private readonly child: ChildProcessWithoutNullStreams;
  private listener: UtteranceListener | null = null;
  private utteranceId = 0;
  private stdoutBuffer = '';
  private stderrTail = '';
  private isReady = false;
  private isDead = false;
  /** Why we killed it ourselves, so the error says so instead of "signal SIGKILL". */
  private killReason: string | null = null;
  private resolveReady!: (loadMs: number) => void;
  private rejectReady!: (error: Error) => void;
  private resolveClosed!: () => void;
  private readonly loadTimer: NodeJS.Timeout;

  constructor(options: DecoderProcessOptions) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // Callers that only care about the pool must not trip unhandled-rejection crashes.
    this.ready.catch(() => {});
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));

    this.child = spawn(options.binaryPath, options.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onStdout(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    // EPIPE after the process died: its 'close' event reports the death.
    this.child.stdin.on('error', () => {});
    this.child.on('error', (error) => this.onGone(`could not run ${options.binaryPath}: ${error.message}`));
    // 'close' (not 'exit') so every stdout line has been delivered first.
    this.child.on('close', (code, signal) =>
      this.onGone(signal ? `was killed by ${signal}` : `exited with code ${code}`),
    );

    this.loadTimer = setTimeout(() => {
      if (!this.isReady) this.kill(`did not load its model within ${options.loadTimeoutMs} ms`);
    }, options.loadTimeoutMs);
    this.loadTimer.unref();
  }

  /** The decoder's initial cepstral mean (-cmninit), known once it is ready. */
  initialCmn: number[] | undefined;

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.isDead;
  }

  /**
   * Starts an utterance; output goes to `listener` until end/abort/death. `cmn`: the cepstral
   * mean to start from (a speaker's, from an earlier FinalResult, or initialCmn for a new one);
   * without it the decoder keeps what its previous utterance left.
   */
  startUtterance(listener: UtteranceListener, cmn?: readonly number[]): void {
    this.utteranceId = (this.utteranceId + 1) >>> 0;
    this.listener = listener;
    const payload = Buffer.alloc(4 + 4 * (cmn?.length ?? 0));
    payload.writeUInt32LE(this.utteranceId);
    cmn?.forEach((value, i) => payload.writeFloatLE(value, 4 + 4 * i));
    this.send(COMMAND_START, payload);
  }

  writeAudio(pcm: Int16Array): void {
    // Copies (via send) so the caller may reuse its buffer; PCM16 little-endian on the wire,
    // which is the in-memory layout on every platform Node supports in practice.
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    for (let offset = 0; offset < bytes.length; offset += MAX_AUDIO_FRAME_BYTES) {
      this.send(COMMAND_AUDIO, bytes.subarray(offset, offset + MAX_AUDIO_FRAME_BYTES));
    }
  }

  /** Asks for the final result; the listener stays attached until it arrives. */
  endUtterance(): void {
    this.send(COMMAND_END);
  }

  /** Drops the utterance. Lines of it still in the pipe are ignored by utterance id. */
  abortUtterance(): void {
    this.listener = null;
    this.send(COMMAND_ABORT);
  }

  /** Detaches the listener without telling the decoder (it already got 'E'). */
  detach(): void {
    this.listener = null;
  }

  kill(reason: string): void {
    if (this.isDead) return;
    this.killReason ??= reason;
    this.child.kill('SIGKILL');
  }

  /** Closes stdin (the decoder exits cleanly) and kills it if it lingers. */
  async close(reason: string): Promise<void> {
    if (this.isDead) return;
    this.killReason ??= reason;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }

  /** Text for errors: how the process ended plus the end of its stderr. */
  describeDeath(how: string): string {
    const tail = this.stderrTail.trim();
    return `pocketsphinx decoder (pid ${this.child.pid ?? '?'}) ${how}${tail ? `; stderr: ${tail}` : ''}`;
  }

  private send(command: number, payload?: Buffer): void {
    if (this.isDead) return;
    const length = payload?.length ?? 0;
    const frame = Buffer.allocUnsafe(5 + length);
    frame[0] = command;
    frame.writeUInt32LE(length, 1);
    payload?.copy(frame, 5);
    this.child.stdin.write(frame);
  }

  private onStdout(chunk: string): void {
    this.stdoutBuffer += chunk;
    let newline: number;
    while ((newline = this.stdoutBuffer.indexOf('\n')) >= 0) {
      const line = this.stdoutBuffer.slice(0, newline);
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      const message = parseDecoderMessage(line);
      if (!message) {
        this.kill(`printed an unexpected line: ${JSON.stringify(line.slice(0, 200))}`);
        return;
      }
      this.onMessage(message);
    }
  }

  private onMessage(message: DecoderMessage): void {
    if (message.type === 'ready') {
      this.initialCmn = message.cmn;
      this.isReady = true;
      clearTimeout(this.loadTimer);
      this.resolveReady(message.loadMs);
      return;
    }
    const listener = this.listener;
    if (!listener || message.utt !== this.utteranceId) return; // from an aborted utterance
    if (message.type === 'partial') {
      listener.onPartial(message.text);
    } else if (message.type === 'progress') {
      listener.onProgress(message.audioMs);
    } else {
      this.listener = null;
      listener.onFinal({
        text: message.text,
        decodeMs: message.ms,
        audioMs: message.audioMs,
        cpuMs: message.cpuMs,
        ...(message.cmn ? { cmn: message.cmn } : {}),
      });
    }
  }

  private onGone(how: string): void {
    if (this.isDead) return;
    this.isDead = true;
    clearTimeout(this.loadTimer);
    const error = new Error(this.describeDeath(this.killReason ?? how));
    if (!this.isReady) this.rejectReady(error);
    const listener = this.listener;
    this.listener = null;
    listener?.onDeath(error);
    this.resolveClosed();
  }
}

function parseDecoderMessage(line: string): DecoderMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  const cmn = Array.isArray(v.cmn) && v.cmn.length > 0 && v.cmn.length <= 64 && v.cmn.every(isNumber) ? { cmn: v.cmn as number[] } : {};
  switch (v.type) {
    case 'ready':
      return isNumber(v.loadMs) ? { type: 'ready', loadMs: v.loadMs, ...cmn } : null;
    case 'partial':
      return isNumber(v.utt) && typeof v.text === 'string'
        ? { type: 'partial', utt: v.utt, text: v.text }
        : null;
    case 'progress':
      return isNumber(v.utt) && isNumber(v.audioMs) ? { type: 'progress', utt: v.utt, audioMs: v.audioMs } : null;
    case 'final':
      return isNumber(v.utt) &&
        typeof v.text === 'string' &&
        isNumber(v.ms) &&
        isNumber(v.audioMs) &&
        isNumber(v.cpuMs)
        ? {
            type: 'final',
            utt: v.utt,
            text: v.text,
            ms: v.ms,
            audioMs: v.audioMs,
            cpuMs: v.cpuMs,
            ...cmn,
          }
        : null;
    default:
      return null;
  }
}
