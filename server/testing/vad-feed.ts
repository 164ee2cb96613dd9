/**
 * The WebRTC bridge's inbound turn-taking, without the peer connection: a continuous 16 kHz
 * stream through the bridge's own SpeechCutter (the real VAD and Endpointer) into a session,
 * partial transcripts fed back to the endpointer, each frame's verdict recorded. For the turn
 * rules' tests and the measurement scripts.
 */
import type { ServerMessage } from '../../lib/contract/messages';
import { createVoiceActivityDetector, VAD_FRAME_MS, type VadOptions, type VoiceActivityDetector } from '../audio/vad';
import { Endpointer, type EndpointingOptions } from '../voice/endpointing';
import type { SessionInput } from '../voice/events';
import { SpeechCutter } from '../voice/speech-cutter';

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
  private readonly cutter: SpeechCutter;

  private constructor(
    private readonly vad: VoiceActivityDetector,
    endpointer: Endpointer,
    input: (input: SessionInput) => void,
    preRollMs: number,
    startSpeechMs: number,
  ) {
    this.cutter = new SpeechCutter({
      vad,
      endpointer,
      input,
      idPrefix: 'vad',
      historyFrames: Math.ceil((preRollMs + startSpeechMs) / VAD_FRAME_MS) + 1,
      onFrame: (frame, probability, decision, utteranceId) => {
        this.probabilities.push(probability);
        if (decision && utteranceId) this.events.push({ type: decision.type, utteranceId, frame });
      },
    });
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
    if (message.type === 'transcript.partial') this.cutter.partial(message.utteranceId, message.text);
  };

  get frames(): number {
    return this.cutter.framesSeen;
  }

  get openUtterance(): string | null {
    return this.cutter.openUtterance;
  }

  /** Any amount of the stream; whole 20 ms frames go through now, the rest waits for more. */
  push(pcm: Int16Array): void {
    this.cutter.push(pcm);
  }

  close(): void {
    this.vad.close();
  }
}
