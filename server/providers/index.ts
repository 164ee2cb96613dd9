/**
 * The speech engines and the agent, chosen by configuration and shared by every session
 * (engines are kept warm in pools, so a new session never waits for a model to load).
 */
import type { Config } from '../config';
import type { VoiceProviders } from '../voice/session';
import { createBuiltinAgent, domainPhrases } from './agent/builtin';
import { createPocketsphinxStt, type PocketsphinxSttOptions } from './stt/pocketsphinx';
import { loadNoiseSuppression } from './stt/pocketsphinx/noise-suppression';
import { createFliteTts } from './tts/flite';
import { shareFairly } from './stt/fair-share';
import { resampledTo16kHz } from './tts/resampled';

export interface Providers extends VoiceProviders {
  /** Resolves once the engines are warm (a first utterance waits for nothing); rejects if they cannot start. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The embedded recogniser as the server runs it (and the evaluation measures it): it knows what
 * the built-in agent understands, and hears each utterance through noise suppression
 * (docs/recognition.md).
 */
export async function embeddedSttOptions(): Promise<PocketsphinxSttOptions> {
  return { domain: { phrases: domainPhrases() }, noiseSuppression: await loadNoiseSuppression() };
}

export async function createProviders(config: Config): Promise<Providers> {
  const { maxConcurrent, maxPerPerson } = config.recognition;
  const embedded = createPocketsphinxStt({ ...(await embeddedSttOptions()), maxDecoders: maxConcurrent });
  const stt = shareFairly(embedded, { total: maxConcurrent, perOwner: maxPerPerson });
  // Flite speaks at 16 kHz already; an engine at another rate is resampled here, in one place.
  const flite = createFliteTts({ voice: config.providers.fliteVoice });
  const tts = await resampledTo16kHz(flite);
  const agent = createBuiltinAgent();
  const warm = Promise.all([embedded.ready(), flite.ready()]).then(() => {});
  warm.catch(() => {}); // reported through ready()
  return {
    stt,
    tts,
    agent,
    ready: () => warm,
    close: async () => {
      await Promise.allSettled([stt.close(), tts.close()]);
    },
  };
}
