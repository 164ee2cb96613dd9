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
import type { ConnectionSession } from './connection';
import type { SessionContext } from './upgrade';

export function createSocketVoiceSession(
  context: SessionContext,
  deps: { db: Database; providers: VoiceProviders; agentContext?: ContextBounds },
): ConnectionSession {
  const { out, conversationId } = context;
  const session = new VoiceSession({
    providers: deps.providers,
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
