/**
 * Keeps the audio of a conversation's turns, for people who asked for it (Settings): what the
 * person said, as the recogniser got it, and what the agent sent, up to where it was cut (where
 * the listener said they stopped it, when they said). It
 * taps the session's input, output and turn store from outside (the transport wires it in),
 * keyed by utteranceId, and writes a turn's file once the turn itself is stored. It is never on
 * a turn's path: the turn is stored whether or not its audio is, and a failure to keep audio
 * is logged, nothing more.
 */
import { SAMPLE_RATE } from '../../lib/audio/pcm';
import { OggOpusRecording, type EncodedAudio } from '../audio/ogg-opus';
import type { Logger } from '../log';
import type { AudioOutput, UtteranceAudio } from './audio-out';
import type { SessionInput } from './events';
import type { VoiceSessionOptions } from './session';
import type { TurnStore } from './turn-recorder';

export interface TurnAudioRecordingOptions {
  /** Keeps one turn's file (the database: server/store/turn-audio.ts). */
  save(turnId: string, audio: EncodedAudio): Promise<void>;
  log: Logger;
  /** Speech past this in one utterance is not kept. Default 10 minutes. */
  maxUtteranceMs?: number;
}

/** More utterances than this waiting for their turns: the oldest were never turns. */
const MAX_WAITING = 8;

interface Heard {
  recording: OggOpusRecording;
  open: boolean;
}

interface Spoken {
  recording: OggOpusRecording;
  audio: UtteranceAudio;
  /** Set once its turn is stored while being spoken; the file is written when the turn is complete. */
  turnId?: string;
  /** Where the listener said it stopped playing, when it was stopped (never more than was sent). */
  playedMs?: number;
}

export class TurnAudioRecording {
  /** The person's utterances by utteranceId, oldest first. */
  private readonly heard = new Map<string, Heard>();
  /** The agent's, by utteranceId, oldest first. */
  private readonly spoken = new Map<string, Spoken>();
  private readonly saving = new Set<Promise<void>>();
  private readonly maxSamples: number;
  private closed = false;

  constructor(private readonly options: TurnAudioRecordingOptions) {
    this.maxSamples = ((options.maxUtteranceMs ?? 600_000) * SAMPLE_RATE) / 1000;
  }

  /** A tee of the session's input: the audio of each utterance from its start to its end. */
  tapInput(input: SessionInput): void {
    if (this.closed) return;
    if (input.type === 'utterance.start') {
      this.heard.delete(input.utteranceId);
      this.heard.set(input.utteranceId, { recording: new OggOpusRecording(this.maxSamples), open: true });
      dropOldest(this.heard);
    } else if (input.type === 'utterance.audio') {
      const heard = this.heard.get(input.utteranceId);
      if (heard?.open) heard.recording.write(input.samples);
    } else if (input.type === 'utterance.end') {
      const heard = this.heard.get(input.utteranceId);
      if (heard) heard.open = false;
    }
  }

  /** The output, with each agent utterance's speech kept as far as it is sent. */
  tapOutput(output: AudioOutput): AudioOutput {
    return {
      begin: (utteranceId) => {
        const audio = output.begin(utteranceId);
        if (this.closed) return audio;
        const recording = new OggOpusRecording(this.maxSamples);
        const spoken: Spoken = { recording, audio };
        this.spoken.delete(utteranceId);
        this.spoken.set(utteranceId, spoken);
        dropOldest(this.spoken);
        return {
          utteranceId,
          push: (pcm) => {
            audio.push(pcm);
            // All of it, as it comes; what is kept is cut to what was sent when the turn is done.
            recording.write(pcm);
          },
          finish: () => audio.finish(),
          onDropped: (listener) => audio.onDropped?.(listener),
          clear: (reportedPlayedMs) => {
            const position = audio.clear(reportedPlayedMs);
            spoken.playedMs = position.playedMs;
            return position;
          },
          get sentMs() {
            return audio.sentMs;
          },
        };
      },
    };
  }

  /** The store, telling this recording when each turn is in the database. */
  tapStore(store: TurnStore): TurnStore {
    return {
      append: async (turn) => {
        await store.append(turn);
        if (turn.role === 'user') return this.userTurnStored(turn.utteranceId, turn.id);
        const spoken = this.spoken.get(turn.utteranceId);
        if (!spoken) return;
        spoken.turnId = turn.id;
        // Stored complete at once (not while spoken): its latencies are known.
        if ('agentLatencyMs' in turn) this.agentTurnComplete(turn.utteranceId, spoken);
      },
      update: async (turnId, changes) => {
        await store.update(turnId, changes);
        if (!('agentLatencyMs' in changes)) return; // stored as far as it got: more may come
        for (const [utteranceId, spoken] of this.spoken) {
          if (spoken.turnId === turnId) return this.agentTurnComplete(utteranceId, spoken);
        }
      },
      // A turn cut to nothing is deleted, and its audio with it (the foreign key cascades).
      truncate: (turnId, heardText) => store.truncate(turnId, heardText),
    };
  }

  private userTurnStored(utteranceId: string, turnId: string): void {
    const heard = this.heard.get(utteranceId);
    if (!heard) return;
    // Turns are stored in speaking order: an utterance before this one still here made no turn.
    for (const [id, earlier] of this.heard) {
      if (id === utteranceId) break;
      if (!earlier.open) this.heard.delete(id);
    }
    this.heard.delete(utteranceId);
    this.keep(turnId, heard.recording, heard.recording.samples);
  }

  private agentTurnComplete(utteranceId: string, spoken: Spoken): void {
    this.spoken.delete(utteranceId);
    // What was sent, or less when the listener said where they stopped it (as the turn's text is cut).
    const keptMs = Math.min(spoken.audio.sentMs, spoken.playedMs ?? Infinity);
    this.keep(spoken.turnId!, spoken.recording, Math.round((keptMs * SAMPLE_RATE) / 1000));
  }

  private keep(turnId: string, recording: OggOpusRecording, samples: number): void {
    const saving = (async () => {
      const file = await recording.finish(samples);
      if (!file) return;
      await this.options.save(turnId, file);
      this.options.log.debug({ turnId, bytes: file.audio.byteLength, durationMs: file.durationMs }, 'turn audio kept');
    })().catch((error: unknown) => {
      this.options.log.warn({ err: error, turnId }, 'failed to keep the audio of a turn (the turn itself is stored)');
    });
    this.saving.add(saving);
    void saving.finally(() => this.saving.delete(saving));
  }

  /** Once the session has stored its last turns: waits for their audio, keeps nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.saving]);
    this.heard.clear();
    this.spoken.clear();
  }
}

function dropOldest<T>(map: Map<string, T>): void {
  while (map.size > MAX_WAITING) map.delete(map.keys().next().value!);
}

/**
 * A session's options with its output and store tapped by `recording` (none: as they are). The
 * transport tees the session's input itself (`tapInput`), and closes the recording after the session.
 */
export function withRecording(recording: TurnAudioRecording | null, options: VoiceSessionOptions): VoiceSessionOptions {
  return recording ? { ...options, output: recording.tapOutput(options.output), store: recording.tapStore(options.store) } : options;
}
