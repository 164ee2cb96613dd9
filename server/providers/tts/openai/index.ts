/**
 * Any OpenAI-style speech server as the voice (OpenAI, Kokoro-FastAPI, openedai-speech …):
 * one `POST /audio/speech` per sentence asking for raw PCM (`response_format: pcm`, 24 kHz
 * mono 16-bit; a WAV answer is taken too), played as it streams in. createProviders brings it
 * to 16 kHz (resampledTo16kHz, the one place that does). Barge-in closes the request at once.
 */
import { z } from 'zod';
import { bearer, endpoint, openRequest, RequestAborted, type RequestLimits, type Service } from '../../http';
import type { Tts, TtsRequest } from '../types';
import { PcmStream } from './pcm-stream';

export interface OpenAiTtsOptions {
  /** e.g. https://api.openai.com/v1 or http://localhost:8880/v1 (Kokoro) */
  baseUrl: string;
  model: string;
  /** The configured voice; a person's own (TtsRequest.voice) replaces it. */
  voice: string;
  apiKey?: string;
  limits?: Partial<RequestLimits>;
  /** What the server speaks at with `response_format: pcm`; OpenAI and Kokoro: 24000. */
  sampleRate?: number;
}

/**
 * The first audio of a sentence within 8 s (before the session's own 10 s stage limit, so the
 * person hears which it was), a whole sentence within 60 s.
 */
export const DEFAULT_TTS_LIMITS: RequestLimits = { connectMs: 5_000, firstByteMs: 8_000, totalMs: 60_000 };

/** OpenAI's voices for tts-1 and gpt-4o-mini-tts: it has no endpoint that lists them. */
export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse'];

/** Kokoro-FastAPI answers GET /audio/voices with { voices: [...] }. */
const voiceList = z.object({ voices: z.array(z.union([z.string(), z.object({ id: z.string() }).transform((v) => v.id), z.object({ name: z.string() }).transform((v) => v.name)])) });

export function createOpenAiTts(options: OpenAiTtsOptions): Tts {
  const limits = { ...DEFAULT_TTS_LIMITS, ...options.limits };
  const sampleRate = options.sampleRate ?? 24_000;
  const service: Service = {
    description: 'the speech synthesis server',
    logTag: 'tts',
    keyVariable: 'TTS_API_KEY',
    urlVariable: 'TTS_BASE_URL',
    modelVariable: 'TTS_MODEL',
    apiKey: options.apiKey,
  };
  let voiceCache: { list: string[]; at: number } | undefined;

  return {
    name: `openai:${options.model}:${options.voice}`,
    sampleRate,
    close: async () => {},

    async voices() {
      if (voiceCache && Date.now() - voiceCache.at < 10 * 60_000) return voiceCache.list;
      let listed: string[] = [];
      try {
        const upstream = await openRequest({
          service,
          url: endpoint(options.baseUrl, 'audio/voices'),
          method: 'GET',
          headers: bearer(options.apiKey),
          limits: { connectMs: 3_000, firstByteMs: 3_000, totalMs: 5_000 },
          signal: new AbortController().signal,
          retries: 0,
        });
        const parsed = voiceList.safeParse(JSON.parse(Buffer.from(await upstream.bytes(1_000_000)).toString('utf8')));
        if (parsed.success) listed = parsed.data.voices;
      } catch {
        // Not every server lists its voices (OpenAI does not): the known ones, or the configured one.
      }
      if (listed.length === 0 && new URL(options.baseUrl).hostname === 'api.openai.com') listed = OPENAI_VOICES;
      const list = [options.voice, ...listed.filter((v) => v !== options.voice)];
      voiceCache = { list, at: Date.now() };
      return list;
    },

    async *synthesize(request: TtsRequest): AsyncGenerator<Int16Array> {
      if (request.signal.aborted || request.text.trim() === '') return;
      let upstream;
      try {
        upstream = await openRequest({
          service,
          url: endpoint(options.baseUrl, 'audio/speech'),
          headers: { 'content-type': 'application/json', ...bearer(options.apiKey) },
          body: () => JSON.stringify({ model: options.model, input: request.text, voice: request.voice || options.voice, response_format: 'pcm' }),
          limits,
          signal: request.signal,
        });
      } catch (error) {
        if (error instanceof RequestAborted) return;
        throw error;
      }
      const pcm = new PcmStream(sampleRate, 'The speech synthesis server');
      try {
        for await (const bytes of upstream.chunks()) {
          const samples = pcm.push(bytes);
          if (samples.length > 0) yield samples;
        }
      } catch (error) {
        if (error instanceof RequestAborted) return;
        throw error;
      } finally {
        upstream.close();
      }
    },
  };
}
