/** A VoiceSession whose agent speech goes out as contract `agent.audio.chunk` frames. */
import { encodeAudioChunk } from '../audio/base64-pcm';
import type { Database } from '../store/database';
import { appendTurn, truncateAgentTurn } from '../store/conversations';
import { PacedAudioOut } from '../voice/audio-out';
import { VoiceSession, type VoiceProviders } from '../voice/session';
import type { SessionContext } from './upgrade';

export function createSocketVoiceSession(context: SessionContext, deps: { db: Database; providers: VoiceProviders }): VoiceSession {
  const { out, conversationId } = context;
  return new VoiceSession({
    providers: deps.providers,
    out,
    history: context.history,
    audioOut: new PacedAudioOut({
      sendFrame: (utteranceId, sequence, frame) =>
        out.send({ type: 'agent.audio.chunk', utteranceId, sequence, timestamp: Date.now(), audio: encodeAudioChunk(frame) }),
    }),
    store: {
      append: async (turn) => void (await appendTurn(deps.db, { ...turn, conversationId })),
      truncate: (utteranceId, heardText) => truncateAgentTurn(deps.db, conversationId, utteranceId, heardText),
    },
  });
}
