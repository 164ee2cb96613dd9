/**
 * The socket transport's voice session: contract frames in (through serveConnection), the
 * session's events out as contract messages, agent speech out as `agent.audio.chunk` frames.
 */
import { encodeAudioChunk } from '../audio/base64-pcm';
import { metrics } from '../metrics';
import type { Database } from '../store/database';
import { appendTurn, truncateAgentTurn, updateAgentTurn } from '../store/conversations';
import { saveTurnAudio } from '../store/turn-audio';
import { PacedAudioOutput } from '../voice/audio-out';
import { TurnAudioRecording, withRecording } from '../voice/recording';
import type { ContextBounds } from '../voice/conversation';
import { VoiceSession, type VoiceProviders } from '../voice/session';
import type { TurnStore, TurnToStore } from '../voice/turn-recorder';
import type { Logger } from '../log';
import type { PersonSettings } from '../store/person-settings';
import type { ConnectionSession } from './connection';
import type { SessionContext } from './upgrade';

export function createSocketVoiceSession(
  context: SessionContext,
  deps: { db: Database; providers: VoiceProviders; agentContext?: ContextBounds },
): ConnectionSession {
  const { out, conversationId, log } = context;
  const store: TurnStore = {
    append: async (turn) => {
      await appendTurn(deps.db, { ...turn, conversationId });
      // A reply stored while it is spoken is counted once complete, with its latencies (update).
      if (turn.role === 'user' || 'agentLatencyMs' in turn) observeStoredTurn(log, turn);
    },
    truncate: (turnId, heardText) => truncateAgentTurn(deps.db, conversationId, turnId, heardText),
    update: async (turnId, changes) => {
      await updateAgentTurn(deps.db, conversationId, turnId, changes);
      if ('agentLatencyMs' in changes) observeStoredTurn(log, { ...changes, id: turnId, role: 'agent', utteranceId: '', startedAt: new Date(), endedAt: new Date() });
    },
  };
  // People who keep their audio (Settings): the session's input, output and stored turns are tapped for it.
  const recording = context.settings.keepAudio ? new TurnAudioRecording({ save: (turnId, audio) => saveTurnAudio(deps.db, turnId, audio), log }) : null;
  const session = new VoiceSession(withRecording(recording, {
    providers: personal(deps.providers, context.settings),
    events: out,
    owner: context.userId,
    history: context.history,
    context: deps.agentContext,
    output: new PacedAudioOutput({
      sendFrame: (utteranceId, sequence, frame) =>
        out.send({ type: 'agent.audio.chunk', utteranceId, sequence, timestamp: Date.now(), audio: encodeAudioChunk(frame) }),
    }),
    store,
    log,
  }));
  return {
    handle: (input) => {
      recording?.tapInput(input);
      session.handle(input);
    },
    handleOther: (message) => {
      if (message.type === 'rtc.offer') {
        out.send({ type: 'error', code: 'rtc_failed', message: 'WebRTC is not available on this server; use the WebSocket audio path.', fatal: false });
      }
    },
    close: async () => {
      await session.close();
      await recording?.close();
    },
  };
}

/** A turn is in the database: count it, observe its latencies, log it (its words only at debug). */
function observeStoredTurn(log: Logger, turn: TurnToStore): void {
  metrics.turnStored(turn);
  const { id, role, interrupted, sttLatencyMs, agentLatencyMs, ttsLatencyMs, voiceToVoiceMs } = turn;
  log.info({ turnId: id, role, interrupted, sttLatencyMs, agentLatencyMs, ttsLatencyMs, voiceToVoiceMs }, 'turn stored');
  log.debug({ turnId: id, text: turn.text }, 'turn text');
}

/** The shared engines, asked for in this person's own system prompt and voice where they chose one. */
function personal(providers: VoiceProviders, settings: PersonSettings): VoiceProviders {
  const { agent, tts } = providers;
  const { systemPrompt, voice } = settings;
  return {
    stt: providers.stt,
    apologyVoice: providers.apologyVoice,
    agent: systemPrompt ? { name: agent.name, reply: (request) => agent.reply({ ...request, systemPrompt }) } : agent,
    tts: voice
      ? { name: tts.name, sampleRate: tts.sampleRate, synthesize: (request) => tts.synthesize({ ...request, voice }), close: async () => {} }
      : tts,
  };
}
