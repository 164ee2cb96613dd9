/**
 * The speech engines and the agent, chosen by configuration and shared by every session
 * (engines are kept warm in pools, so a new session never waits for a model to load).
 */
import type { Config } from '../config';
import type { VoiceProviders } from '../voice/session';
import { createBuiltinAgent, domainPhrases } from './agent/builtin';
import { createPocketsphinxStt } from './stt/pocketsphinx';
import { createFliteTts } from './tts/flite';

export interface Providers extends VoiceProviders {
  close(): Promise<void>;
}

export async function createProviders(config: Config): Promise<Providers> {
  // Recognition knows what the built-in agent understands (docs/recognition.md).
  const stt = createPocketsphinxStt({ domain: { phrases: domainPhrases() } });
  const tts = createFliteTts({ voice: config.providers.fliteVoice });
  const agent = createBuiltinAgent();
  return {
    stt,
    tts,
    agent,
    close: async () => {
      await Promise.allSettled([stt.close(), tts.close()]);
    },
  };
}
