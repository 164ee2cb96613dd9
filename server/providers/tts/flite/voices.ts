/**
 * The embedded voice with every Flite voice to choose from in Settings: the configured one is
 * kept warm; another is loaded (one worker) the first time someone asks for it and kept.
 */
import type { Tts, TtsRequest } from '../types';
import { createFliteTts, FLITE_VOICES, type FliteTts, type FliteVoice } from '.';

export function createFliteVoices(voice: FliteVoice): Tts {
  const main = createFliteTts({ voice });
  const others = new Map<FliteVoice, FliteTts>();
  const engine = (wanted: string | undefined): FliteTts => {
    if (!wanted || wanted === voice || !FLITE_VOICES.includes(wanted as FliteVoice)) return main;
    const chosen = wanted as FliteVoice;
    let other = others.get(chosen);
    if (!other) others.set(chosen, (other = createFliteTts({ voice: chosen, workers: 1 })));
    return other;
  };
  return {
    name: main.name,
    sampleRate: main.sampleRate,
    voices: async () => [voice, ...FLITE_VOICES.filter((v) => v !== voice)],
    synthesize: (request: TtsRequest) => engine(request.voice).synthesize(request),
    close: async () => {
      await Promise.allSettled([main.close(), ...[...others.values()].map((o) => o.close())]);
    },
  };
}
