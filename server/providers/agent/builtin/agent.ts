/** The built-in dialog agent: small, deterministic, offline, and honest about being a rule-based program. */
import { looksCompleteRequest } from '../../../voice/request-completeness';
import type { Agent, AgentMessage, AgentRequest } from '../types';
import { ASK_WHAT_TO_SAY, classifyIntent, respond, type Classification, type ReplyContext } from './intents';

export const BUILTIN_AGENT_NAME = 'builtin';

/** Splits text into sentences at ".", "!" or "?" followed by a space (decimals like "3.33" stay whole). */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=\S)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The person's name as last told in the conversation ("my name is Peter", later "call me Pete"). */
export function rememberedName(messages: readonly AgentMessage[]): string | undefined {
  let name: string | undefined;
  for (const m of messages) {
    if (m.role !== 'user') continue;
    const c = classifyIntent(m.text);
    if (c.intent === 'set-name') name = String(c.slots.name);
  }
  return name;
}

/** What to make of the user's message at `index`, from the conversation before it. */
function understand(request: Pick<AgentRequest, 'history' | 'now' | 'timeZone'>, index: number): {
  classification: Classification;
  context: ReplyContext;
} {
  const { history } = request;
  const utterance = index >= 0 ? history[index].text : '';
  const earlier = index >= 0 ? history.slice(0, index) : history;
  const lastAgentReply = [...earlier].reverse().find((m) => m.role === 'agent')?.text;
  const context: ReplyContext = {
    now: request.now,
    timeZone: request.timeZone,
    userName: rememberedName(earlier),
    lastAgentReply,
  };
  let classification = classifyIntent(utterance);
  // "Say ..." came without words and we asked what to say: this utterance is the words.
  if (
    lastAgentReply?.trim().endsWith(ASK_WHAT_TO_SAY) &&
    (classification.intent === 'unknown' || classification.intent === 'greeting') &&
    utterance.trim()
  ) {
    classification = { intent: 'say', slots: { words: utterance } };
  }
  return { classification, context };
}

/**
 * The whole reply as sentences, without streaming: an answer to each user message since the
 * agent last spoke ("what time is it" and "and the date?" said before it could answer).
 */
export function composeReply(request: Pick<AgentRequest, 'history' | 'now' | 'timeZone'>): string[] {
  const { history } = request;
  const lastAgent = history.map((m) => m.role).lastIndexOf('agent');
  const unanswered = history.flatMap((m, i) => (i > lastAgent && m.role === 'user' ? [i] : []));
  if (unanswered.length === 0) unanswered.push(-1);
  return unanswered.flatMap((index) => {
    const { classification, context } = understand(request, index);
    return respond(classification, context).flatMap(splitSentences);
  });
}

/**
 * Whether the words so far are a request this agent understands as they stand: its own grammar
 * says ("what is nine times" is no sum yet, "say" has nothing to say), and words that end
 * mid-phrase ("my name is Peter and") are not finished whatever they parse as.
 */
export function isCompleteRequest(text: string): boolean {
  const { intent, slots } = classifyIntent(text);
  if (intent === 'unknown' || intent === 'empty') return false;
  if (intent === 'say' && !String(slots.words ?? '').trim()) return false;
  return looksCompleteRequest(text);
}

export function createBuiltinAgent(): Agent {
  return {
    name: BUILTIN_AGENT_NAME,
    isCompleteRequest,
    async *reply(request: AgentRequest): AsyncIterable<string> {
      if (request.signal.aborted) return;
      const sentences = composeReply(request);
      for (const sentence of sentences) {
        // The consumer may have aborted while we were suspended at the previous yield.
        if (request.signal.aborted) return;
        yield `${sentence} `;
      }
    },
  };
}
