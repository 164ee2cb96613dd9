/**
 * The one place TTS audio is brought to the contract's 16 kHz: engines may produce any rate
 * (Tts.sampleRate), the voice session only ever gets 16 kHz. Streaming: each piece is resampled
 * as it comes, and the filter's tail is flushed at the end of each sentence (each request).
 */
import { SAMPLE_RATE } from '../../../lib/audio/pcm';
import { loadResamplers, type Resampler, type Resamplers } from '../../audio/resampler';
import type { Tts, TtsRequest } from './types';

/**
 * `tts` itself when it already speaks at 16 kHz, else a Tts that resamples its audio to 16 kHz.
 * An aborted request stops at once, even while the engine is still working on its next piece,
 * and frees its resampler.
 */
export async function resampledTo16kHz(tts: Tts, resamplers?: Resamplers): Promise<Tts> {
  if (tts.sampleRate === SAMPLE_RATE) return tts;
  const available = resamplers ?? (await loadResamplers());
  const fromRate = tts.sampleRate;
  // Fails here, at start-up, for a rate the resampler cannot take, rather than on the first reply.
  available.create(fromRate, SAMPLE_RATE).close();
  return {
    name: tts.name,
    sampleRate: SAMPLE_RATE,
    close: () => tts.close(),
    ...(tts.voices ? { voices: () => tts.voices!() } : {}),
    synthesize: (request) => resample(tts, request, available.create(fromRate, SAMPLE_RATE)),
  };
}

async function* resample(tts: Tts, request: TtsRequest, resampler: Resampler): AsyncGenerator<Int16Array> {
  const { signal } = request;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const pieces = tts.synthesize(request)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = pieces.next();
      // Once we stop waiting for it, its outcome is nobody's business (the engine stops on the signal).
      next.catch(() => {});
      const step = await Promise.race([next, aborted]);
      if (step === 'aborted' || signal.aborted) return;
      if (step.done) break;
      const out = resampler.process(step.value);
      if (out.length > 0) yield out;
      if (signal.aborted) return;
    }
    const rest = resampler.flush();
    if (rest.length > 0) yield rest;
  } finally {
    resampler.close();
    signal.removeEventListener('abort', onAbort!);
    // Not awaited: an engine still busy with a piece must not hold up the abort.
    pieces.return?.()?.catch(() => {});
  }
}
