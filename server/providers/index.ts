/**
 * The speech engines and the agent, chosen by configuration and shared by every session
 * (engines are kept warm in pools, so a new session never waits for a model to load).
 */
import type { Config } from '../config';
import type { VoiceProviders } from '../voice/session';
import { createBuiltinAgent, domainPhrases } from './agent/builtin';
import { createOpenAiAgent } from './agent/openai';
import type { Agent } from './agent/types';
import { createPocketsphinxStt, type PocketsphinxStt, type PocketsphinxSttOptions, type PoolStats } from './stt/pocketsphinx';
import { loadNoiseSuppression } from './stt/pocketsphinx/noise-suppression';
import { createFliteVoices } from './tts/flite/voices';
import { createOpenAiTts } from './tts/openai';
import type { Tts } from './tts/types';
import { shareFairly } from './stt/fair-share';
import { createDeepgramStt } from './stt/deepgram';
import { createOpenAiStt } from './stt/openai';
import type { Stt } from './stt/types';
import { resampledTo16kHz } from './tts/resampled';

export interface Providers extends VoiceProviders {
  /** Resolves once the engines are warm (a first utterance waits for nothing); rejects if they cannot start. */
  ready(): Promise<void>;
  /** The embedded recognisers' pool, when recognition (or its partials) runs here. */
  recogniserPool?(): PoolStats;
  close(): Promise<void>;
}

/**
 * The embedded recogniser as the server runs it (and the evaluation measures it): it knows what
 * the built-in agent understands, and hears each utterance through noise suppression
 * (docs/recognition.md).
 */
export async function embeddedSttOptions(agent: Config['providers']['agent'] = { kind: 'builtin' }): Promise<PocketsphinxSttOptions> {
  const noiseSuppression = await loadNoiseSuppression();
  // An LLM understands anything: biasing recognition towards the built-in agent's phrases
  // would turn what people really say into those phrases. The general model, then.
  return agent.kind === 'builtin' ? { domain: { phrases: domainPhrases() }, noiseSuppression } : { noiseSuppression };
}

function createAgent(config: Config['providers']['agent']): Agent {
  switch (config.kind) {
    case 'builtin':
      return createBuiltinAgent();
    case 'openai':
      return createOpenAiAgent(config);
  }
}

async function createStt(config: Config): Promise<{ stt: Stt; pool?: PocketsphinxStt }> {
  const { stt, agent } = config.providers;
  const embedded = async () => createPocketsphinxStt({ ...(await embeddedSttOptions(agent)), maxDecoders: config.recognition.maxConcurrent });
  switch (stt.kind) {
    case 'pocketsphinx': {
      const pool = await embedded();
      return { stt: pool, pool };
    }
    case 'openai': {
      const pool = stt.partials ? await embedded() : undefined;
      return { stt: createOpenAiStt({ ...stt, partials: pool }), pool };
    }
    case 'deepgram':
      return { stt: createDeepgramStt(stt) };
  }
}

function createTts(config: Config['providers']): Tts {
  switch (config.tts.kind) {
    case 'flite':
      return createFliteVoices(config.fliteVoice);
    case 'openai':
      return createOpenAiTts(config.tts);
  }
}

export async function createProviders(config: Config): Promise<Providers> {
  const { maxConcurrent, maxPerPerson } = config.recognition;
  const { stt: recogniser, pool } = await createStt(config);
  const stt = shareFairly(recogniser, { total: maxConcurrent, perOwner: maxPerPerson });
  // Flite speaks at 16 kHz already; an engine at another rate is resampled here, in one place.
  const voice = createTts(config.providers);
  const tts = await resampledTo16kHz(voice);
  const agent = createAgent(config.providers.agent);
  // The embedded voice says sorry when a turn fails, also when a hosted voice is what failed.
  const apologyVoice = config.providers.tts.kind === 'flite' ? tts : createFliteVoices(config.providers.fliteVoice);
  // Ready once the engines that load something (the embedded recogniser, Flite) are warm.
  const warm = Promise.all([readyOf(recogniser), readyOf(voice)]).then(() => {});
  warm.catch(() => {}); // reported through ready()
  return {
    stt,
    tts,
    agent,
    apologyVoice,
    ready: () => warm,
    recogniserPool: pool && (() => pool.stats()),
    close: async () => {
      await Promise.allSettled([stt.close(), tts.close(), apologyVoice === tts ? undefined : apologyVoice.close()]);
    },
  };
}

/** An engine's own readiness, for those that warm up (others are ready at once). */
function readyOf(engine: object): Promise<void> {
  const ready = (engine as { ready?: unknown }).ready;
  return typeof ready === 'function' ? Promise.resolve(ready.call(engine)).then(() => {}) : Promise.resolve();
}
