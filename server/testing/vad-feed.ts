/**
 * The WebRTC bridge's inbound turn-taking, without the peer connection: a continuous 16 kHz
 * stream through the real VAD and Endpointer into a session as `utterance.*` input with
 * `detectedBy: 'server-vad'` (pre-roll included), partial transcripts fed back to the
 * endpointer. For the turn rules' tests and the measurement scripts.
 */
import type { ServerMessage } from '../../lib/contract/messages';
import { createVoiceActivityDetector, VAD_FRAME_MS, VAD_FRAME_SAMPLES, type VadOptions, type VoiceActivityDetector } from '../audio/vad';
import { Endpointer, type EndpointingOptions } from '../voice/endpointing';
import type { SessionInput } from '../voice/events';

export interface FeedEvent {
  type: 'start' | 'end';
  utteranceId: string;
  /** The frame of the stream (0, 1, 2 …) at which it was decided. */
  frame: number;
}

export class ServerVadFeed {
  readonly events: FeedEvent[] = [];
  /** The VAD's probability for every frame of the stream so far. */
  readonly probabilities: number[] = [];
  private readonly recent: Int16Array[] = [];
  private readonly keep: number;
  private frame = 0;
  private open: string | null = null;
  private count = 0;
  private rest = new Int16Array(0);

  private constructor(
    private readonly vad: VoiceActivityDetector,
    private readonly endpointer: Endpointer,
    private readonly input: (input: SessionInput) => void,
    preRollMs: number,
    startSpeechMs: number,
  ) {
    this.keep = Math.ceil((preRollMs + startSpeechMs) / VAD_FRAME_MS) + 1;
  }

  static async create(
    input: (input: SessionInput) => void,
    options: { vad?: VadOptions; endpointing?: Partial<EndpointingOptions>; isCompleteRequest?: (text: string) => boolean } = {},
  ): Promise<ServerVadFeed> {
    const endpointing = { preRollMs: 200, startSpeechMs: 60, ...options.endpointing };
    const vad = await createVoiceActivityDetector(options.vad);
    return new ServerVadFeed(vad, new Endpointer({ ...endpointing, isCompleteRequest: options.isCompleteRequest }), input, endpointing.preRollMs, endpointing.startSpeechMs);
  }

  /** Forward the session's messages here: its partials steer the endpointer. */
  readonly observe = (message: ServerMessage): void => {
    if (message.type === 'transcript.partial' && message.utteranceId === this.open) this.endpointer.partial(message.text);
  };

  get frames(): number {
    return this.frame;
  }

  get openUtterance(): string | null {
    return this.open;
  }

  /** Any amount of the stream; whole 20 ms frames go through now, the rest waits for more. */
  push(pcm: Int16Array): void {
    let all = pcm;
    if (this.rest.length > 0) {
      all = new Int16Array(this.rest.length + pcm.length);
      all.set(this.rest);
      all.set(pcm, this.rest.length);
    }
    let at = 0;
    for (; at + VAD_FRAME_SAMPLES <= all.length; at += VAD_FRAME_SAMPLES) this.pushFrame(all.slice(at, at + VAD_FRAME_SAMPLES));
    this.rest = all.slice(at);
  }

  private pushFrame(frame: Int16Array): void {
    const probability = this.vad.process(frame);
    this.probabilities.push(probability);
    const decision = this.endpointer.push(probability);
    this.recent.push(frame);
    if (this.recent.length > this.keep) this.recent.shift();
    if (decision?.type === 'start') {
      const id = `vad-${++this.count}`;
      this.open = id;
      this.events.push({ type: 'start', utteranceId: id, frame: this.frame });
      this.input({ type: 'utterance.start', utteranceId: id, detectedBy: 'server-vad' });
      for (const earlier of this.recent.slice(-decision.preRollFrames)) this.input({ type: 'utterance.audio', utteranceId: id, samples: earlier });
    } else if (this.open) {
      this.input({ type: 'utterance.audio', utteranceId: this.open, samples: frame });
      if (decision?.type === 'end') {
        this.events.push({ type: 'end', utteranceId: this.open, frame: this.frame });
        this.input({ type: 'utterance.end', utteranceId: this.open });
        this.open = null;
      }
    }
    this.frame++;
  }

  close(): void {
    this.vad.close();
  }
}
