/**
 * Any OpenAI-style transcription server as the recogniser (OpenAI Whisper, faster-whisper-server,
 * whisper.cpp in its OpenAI mode …): the utterance is kept as it arrives and sent as one 16 kHz
 * WAV upload (`POST /audio/transcriptions`, multipart) when it ends; the answer's text is the
 * final transcript. Such servers give no partials: the embedded recogniser may show them
 * meanwhile (STT_PARTIALS=pocketsphinx), its own final unused.
 */
import { z } from 'zod';
import { SAMPLE_RATE } from '../../../../lib/audio/pcm';
import { loggableUrl, ProviderError, redact } from '../../errors';
import { bearer, endpoint, openRequest, RequestAborted, type RequestLimits, type Service } from '../../http';
import { encodeWav } from '../../tts/flite/wav';
import type { Stt, SttStream, SttStreamOptions } from '../types';

export interface OpenAiSttOptions {
  /** e.g. https://api.openai.com/v1 or http://localhost:8000/v1 (faster-whisper-server) */
  baseUrl: string;
  model: string;
  apiKey?: string;
  limits?: Partial<RequestLimits>;
  /** A recogniser whose partial transcripts are shown while the person speaks. */
  partials?: Stt;
}

/**
 * The transcript within 8 s of the utterance's end (before the session's own 10 s limit, so
 * the person hears that the server was slow), the upload answered within 9 s.
 */
export const DEFAULT_STT_LIMITS: RequestLimits = { connectMs: 3_000, firstByteMs: 8_000, totalMs: 9_000 };

/** Whisper servers refuse (or hallucinate on) less than 0.1 s of audio: that is nothing said. */
const MIN_SAMPLES = SAMPLE_RATE / 10;

const transcript = z.object({ text: z.string() });

export function createOpenAiStt(options: OpenAiSttOptions): Stt {
  const limits = { ...DEFAULT_STT_LIMITS, ...options.limits };
  const url = endpoint(options.baseUrl, 'audio/transcriptions');
  const service: Service = {
    description: 'the speech recognition server',
    logTag: 'stt',
    keyVariable: 'STT_API_KEY',
    urlVariable: 'STT_BASE_URL',
    modelVariable: 'STT_MODEL',
    apiKey: options.apiKey,
  };

  return {
    name: `openai:${options.model}`,
    start(streamOptions: SttStreamOptions): SttStream {
      const pieces: Int16Array[] = [];
      let samples = 0;
      let ended = false;
      const stopped = new AbortController();
      let partials: SttStream | null = null;
      if (options.partials) {
        try {
          partials = options.partials.start({
            onPartial: (text) => {
              if (!ended) streamOptions.onPartial(text);
            },
            // Partials are a courtesy: the utterance is still heard by the server if they fail.
            onError: () => (partials = null),
            speaker: streamOptions.speaker,
            owner: streamOptions.owner,
          });
        } catch {
          partials = null;
        }
      }
      const stopPartials = () => {
        partials?.abort();
        partials = null;
      };

      return {
        write(pcm) {
          if (ended) return;
          pieces.push(pcm.slice());
          samples += pcm.length;
          partials?.write(pcm);
        },
        async end() {
          ended = true;
          stopPartials();
          if (samples < MIN_SAMPLES) return '';
          const audio = new Int16Array(samples);
          let at = 0;
          for (const piece of pieces) {
            audio.set(piece, at);
            at += piece.length;
          }
          pieces.length = 0;
          const wav = encodeWav(audio, SAMPLE_RATE);
          let body: Uint8Array;
          try {
            const upstream = await openRequest({
              service,
              url,
              headers: { accept: 'application/json', ...bearer(options.apiKey) },
              body: () => {
                const form = new FormData();
                form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'utterance.wav');
                form.append('model', options.model);
                form.append('response_format', 'json');
                return form;
              },
              limits,
              signal: stopped.signal,
            });
            body = await upstream.bytes(1_000_000);
          } catch (error) {
            if (error instanceof RequestAborted) return '';
            throw error;
          }
          const text = Buffer.from(body).toString('utf8');
          let parsed;
          try {
            parsed = transcript.safeParse(JSON.parse(text));
          } catch {
            parsed = undefined;
          }
          if (!parsed?.success) {
            console.error(`[stt] ${loggableUrl(url)} sent an unreadable transcript: ${redact(text, [options.apiKey]).slice(0, 300)}`);
            throw new ProviderError('The speech recognition server sent a transcript Parley cannot read.');
          }
          return parsed.data.text.trim();
        },
        abort() {
          ended = true;
          pieces.length = 0;
          stopPartials();
          stopped.abort();
        },
      };
    },
    expectSpeakers: (speakers) => options.partials?.expectSpeakers?.(speakers),
    close: async () => {
      await options.partials?.close();
    },
  };
}
