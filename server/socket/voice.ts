/**
 * The socket transport's voice session: contract frames in (through serveConnection), the
 * session's events out as contract messages, agent speech out as `agent.audio.chunk` frames.
 */
import { encodeAudioChunk } from '../audio/base64-pcm';
import type { Database } from '../store/database';
import { appendTurn, truncateAgentTurn, updateAgentTurn } from '../store/conversations';
import { PacedAudioOutput } from '../voice/audio-out';
import type { ContextBounds } from '../voice/conversation';
import { VoiceSession, type VoiceProviders } from '../voice/session';
import type { PersonSettings } from '../store/person-settings';
import type { ConnectionSession } from './connection';
import type { SessionContext } from './upgrade';

export function createSocketVoiceSession(
  context: SessionContext,
  deps: { db: Database; providers: VoiceProviders; agentContext?: ContextBounds },
): ConnectionSession {
  const { out, conversationId } = context;
  const session = new VoiceSession({
    providers: personal(deps.providers, context.settings),
    events: out,
    owner: context.userId,
    history: context.history,
    context: deps.agentContext,
    output: new PacedAudioOutput({
      sendFrame: (utteranceId, sequence, frame) =>
        out.send({ type: 'agent.audio.chunk', utteranceId, sequence, timestamp: Date.now(), audio: encodeAudioChunk(frame) }),
    }),
    store: {
      append: async (turn) => void (await appendTurn(deps.db, { ...turn, conversationId })),
      truncate: (turnId, heardText) => truncateAgentTurn(deps.db, conversationId, turnId, heardText),
      update: (turnId, changes) => updateAgentTurn(deps.db, conversationId, turnId, changes),
    },
  });
  return {
    handle: (input) => session.handle(input),
    handleOther: (message) => {
      if (message.type === 'rtc.offer') {
        out.send({ type: 'error', code: 'rtc_failed', message: 'WebRTC is not available on this server; use the WebSocket audio path.', fatal: false });
      }
    },
    close: () => session.close(),
  };
}

/** The shared engines, asked for in this person's own system prompt and voice where they chose one. */
function personal(providers: VoiceProviders, settings: PersonSettings): VoiceProviders {
  const { agent, tts } = providers;
  const { systemPrompt, voice } = settings;
  return {
    stt: providers.stt,
    agent: systemPrompt ? { name: agent.name, reply: (request) => agent.reply({ ...request, systemPrompt }) } : agent,
    tts: voice
      ? { name: tts.name, sampleRate: tts.sampleRate, synthesize: (request) => tts.synthesize({ ...request, voice }), close: async () => {} }
      : tts,
  };
}
