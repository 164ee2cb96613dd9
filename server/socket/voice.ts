/**
 * The socket transport's voice session: contract frames in (through serveConnection), the
 * session's events out as contract messages, agent speech out as `agent.audio.chunk` frames.
 */
import { encodeAudioChunk } from '../audio/base64-pcm';
import { metrics } from '../metrics';
import type { Database } from '../store/database';
import { appendTurn, truncateAgentTurn, updateAgentTurn } from '../store/conversations';
import { saveTurnAudio } from '../store/turn-audio';
import { PacedAudioOutput, type AudioOutput } from '../voice/audio-out';
import { TurnAudioRecording, withRecording } from '../voice/recording';
import { createVoiceActivityDetector } from '../audio/vad';
import type { ContextBounds } from '../voice/conversation';
import { VoiceSession, type VoiceProviders } from '../voice/session';
import type { TurnStore, TurnToStore } from '../voice/turn-recorder';
import type { Logger } from '../log';
import type { PersonSettings } from '../store/person-settings';
import type { ConnectionSession } from './connection';
import type { SessionContext } from './upgrade';
import type { Config, RtcConfig } from '../config';
import type { SessionEvent, SessionInput } from '../voice/events';
import { RtcBridge } from '../rtc/signalling';

export function createSocketVoiceSession(
  context: SessionContext,
  deps: { db: Database; providers: VoiceProviders; agentContext?: ContextBounds; turns?: Config['turns']; rtc?: RtcConfig },
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
  const socketOutput = new PacedAudioOutput({
    sendFrame: (utteranceId, sequence, frame) =>
      out.send({ type: 'agent.audio.chunk', utteranceId, sequence, timestamp: Date.now(), audio: encodeAudioChunk(frame) }),
  });
  let rtc: RtcBridge | null = null;
  const providers = personal(deps.providers, context.settings);
  // People who keep their audio (Settings): the session's input, output and stored turns are tapped for it.
  const recording = context.settings.keepAudio ? new TurnAudioRecording({ save: (turnId, audio) => saveTurnAudio(deps.db, turnId, audio), log }) : null;
  const session = new VoiceSession(withRecording(recording, {
    providers,
    events: {
      send: (event: SessionEvent) => {
        out.send(event);
        // The endpointer of a WebRTC track weighs what has been recognised of the open utterance.
        if (event.type === 'transcript.partial') rtc?.partial(event.utteranceId, event.text);
      },
    },
    owner: context.userId,
    history: context.history,
    context: deps.agentContext,
    output: socketOutput,
    store,
    log,
    bargeIn: deps.turns?.bargeIn,
  }));
  // What the track feeds the session and where it sends the agent goes through the recording too.
  const tappedSession = {
    handle: (input: SessionInput) => {
      recording?.tapInput(input);
      session.handle(input);
    },
    useOutput: (output: AudioOutput) => session.useOutput(recording?.tapOutput(output) ?? output),
  };
  /** The utterance the socket has open, ended when a track takes the user over. */
  let socketUtterance: string | null = null;
  if (deps.rtc?.enabled) {
    const agent = deps.providers.agent;
    rtc = new RtcBridge({
      ice: { iceServers: deps.rtc.iceServers, udpPorts: deps.rtc.udpPorts, announcedAddress: deps.rtc.announcedAddress },
      session: tappedSession,
      socketOutput,
      send: (message) => out.send(message),
      isCompleteRequest: agent.isCompleteRequest ? (text) => agent.isCompleteRequest!(text) : undefined,
      endpointing: deps.turns?.endpointing,
      createVad: () => createVoiceActivityDetector({ kind: deps.turns?.vad }),
      log,
      onConnected: () => {
        if (socketUtterance) tappedSession.handle({ type: 'utterance.end', utteranceId: socketUtterance });
        socketUtterance = null;
      },
    });
  }
  return {
    handle: (input: SessionInput) => {
      if (input.type === 'utterance.start') socketUtterance = input.utteranceId;
      if (input.type === 'utterance.end' && input.utteranceId === socketUtterance) socketUtterance = null;
      tappedSession.handle(input);
    },
    refusesSocketAudio: () => rtc?.carriesUser ?? false,
    handleOther: (message) => {
      if (message.type !== 'rtc.offer') return;
      if (!rtc) {
        out.send({ type: 'error', code: 'rtc_failed', message: 'WebRTC is turned off on this server (RTC_ENABLED=false); use the WebSocket audio path.', fatal: false });
        return;
      }
      void rtc.offer(message.sdp);
    },
    close: async () => {
      // The track's open utterance ends first, so that the session still recognises and keeps it.
      await rtc?.close();
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
    agent: systemPrompt
      ? {
          name: agent.name,
          reply: (request) => agent.reply({ ...request, systemPrompt }),
          ...(agent.isCompleteRequest && { isCompleteRequest: (text: string) => agent.isCompleteRequest!(text) }),
        }
      : agent,
    tts: voice
      ? { name: tts.name, sampleRate: tts.sampleRate, synthesize: (request) => tts.synthesize({ ...request, voice }), close: async () => {} }
      : tts,
  };
}
