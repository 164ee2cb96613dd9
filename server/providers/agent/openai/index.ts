/**
 * Any OpenAI-compatible Chat Completions server as the agent (OpenAI, Ollama, llama.cpp, vLLM,
 * LM Studio …): one streaming request per reply (server-sent `chat.completion.chunk` deltas
 * ending in `[DONE]`), each piece of text handed on as it arrives so the first sentence is
 * spoken while the model still writes the rest. Barge-in aborts the request: the connection
 * closes at once and the model stops generating.
 */
import { createParser } from 'eventsource-parser';
import { z } from 'zod';
import { loggableUrl, ProviderError, redact } from '../../errors';
import { bearer, endpoint, openRequest, RequestAborted, type RequestLimits, type Service } from '../../http';
import type { Agent, AgentRequest } from '../types';
import { chatMessages, DEFAULT_SYSTEM_PROMPT } from './messages';

export interface OpenAiAgentOptions {
  /** e.g. http://localhost:11434/v1 (Ollama) or https://api.openai.com/v1 */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** The default system prompt; a person's own (AgentRequest.systemPrompt) replaces it. */
  systemPrompt?: string;
  limits?: Partial<RequestLimits>;
  /** A spoken reply is short; this bounds a model that rambles. Default 400. */
  maxTokens?: number;
}

/**
 * Headers within 10 s (a local server may be loading the model), the first token within 15 s,
 * the whole reply within 60 s. The session's own limits (agent_failed after 20 s without text)
 * still apply on top.
 */
export const DEFAULT_AGENT_LIMITS: RequestLimits = { connectMs: 10_000, firstByteMs: 15_000, totalMs: 60_000 };

/** One streamed delta, loosely: servers add fields of their own, and some send `content: null`. */
const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  error: z.object({ message: z.string().nullish() }).passthrough().nullish(),
});

export function createOpenAiAgent(options: OpenAiAgentOptions): Agent {
  const limits = { ...DEFAULT_AGENT_LIMITS, ...options.limits };
  const url = endpoint(options.baseUrl, 'chat/completions');
  const service: Service = {
    description: 'the language model server',
    logTag: 'agent',
    keyVariable: 'AGENT_API_KEY',
    urlVariable: 'AGENT_BASE_URL',
    modelVariable: 'AGENT_MODEL',
    apiKey: options.apiKey,
  };
  const unreadable = (detail: string) => {
    console.error(`[agent] ${loggableUrl(url)} sent an unreadable chunk: ${redact(detail, [options.apiKey]).slice(0, 300)}`);
    return new ProviderError('The language model server sent a reply Parley cannot read.');
  };

  return {
    name: `openai:${options.model}`,
    async *reply(request: AgentRequest): AsyncIterable<string> {
      const messages = chatMessages({
        systemPrompt: request.systemPrompt?.trim() || options.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT,
        history: request.history,
        now: request.now,
        timeZone: request.timeZone,
      });
      let upstream;
      try {
        upstream = await openRequest({
          service,
          url,
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(options.apiKey) },
          body: () => JSON.stringify({ model: options.model, messages, stream: true, max_tokens: options.maxTokens ?? 400 }),
          limits,
          signal: request.signal,
        });
      } catch (error) {
        if (error instanceof RequestAborted) return;
        throw error;
      }

      const events: string[] = [];
      const parser = createParser({ onEvent: (event) => events.push(event.data) });
      const decoder = new TextDecoder();
      let finished = false;
      try {
        for await (const bytes of upstream.chunks()) {
          parser.feed(decoder.decode(bytes, { stream: true }));
          while (events.length > 0) {
            const data = events.shift()!;
            if (data.trim() === '[DONE]') return;
            let json: unknown;
            try {
              json = JSON.parse(data);
            } catch {
              throw unreadable(data);
            }
            const chunk = chunkSchema.safeParse(json);
            if (!chunk.success) throw unreadable(data);
            if (chunk.data.error) {
              console.error(`[agent] ${loggableUrl(url)} reported an error mid-reply: ${redact(JSON.stringify(chunk.data.error), [options.apiKey]).slice(0, 300)}`);
              throw new ProviderError('The language model server reported an error mid-reply.');
            }
            for (const choice of chunk.data.choices?.slice(0, 1) ?? []) {
              const text = choice.delta?.content;
              if (text) yield text;
              if (choice.finish_reason) finished = true;
            }
          }
        }
      } catch (error) {
        if (error instanceof RequestAborted) return;
        throw error;
      } finally {
        upstream.close();
      }
      // Some servers end with the last chunk's finish_reason and no [DONE]; a body that just
      // stops without either was cut off.
      if (!finished && !request.signal.aborted) throw new ProviderError('The connection to the language model server was lost mid-reply.');
    },
  };
}
