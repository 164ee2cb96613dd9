/**
 * The conversation as a Chat Completions request: the system prompt (with the moment and the
 * person's time zone, which a spoken assistant is asked about), then the turns as heard with
 * roles alternating. The session gives the history already bounded and cut to what was heard;
 * several things said before the agent could answer become one user message, and a history
 * the bound cut to start with the agent starts with the person (chat templates of many open
 * models refuse anything else).
 */
import type { AgentMessage } from '../types';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export const DEFAULT_SYSTEM_PROMPT = [
  'You are Parley, a friendly voice assistant in a spoken conversation.',
  'Everything you write is read aloud by a speech synthesiser, so answer in one to three short sentences of plain, natural speech:',
  'no markdown, lists, headings, code, emoji or links, and say numbers and symbols the way a person would say them.',
  "The person's words come from speech recognition and may be misheard; if something makes no sense, ask them to say it again.",
  'If you do not know something, say so briefly.',
].join(' ');

export function chatMessages(options: { systemPrompt: string; history: readonly AgentMessage[]; now: Date; timeZone?: string }): ChatMessage[] {
  const turns: ChatMessage[] = [];
  for (const message of options.history) {
    const content = message.text.trim();
    if (!content) continue;
    const role = message.role === 'agent' ? 'assistant' : 'user';
    const previous = turns.at(-1);
    if (previous?.role === role) previous.content = `${previous.content}\n${content}`;
    else if (role === 'assistant' && turns.length === 0) continue;
    else turns.push({ role, content });
  }
  return [{ role: 'system', content: `${options.systemPrompt.trim()}\n\n${moment(options.now, options.timeZone)}` }, ...turns];
}

/** "It is now Tuesday, 3 June 2025 at 14:05 (Europe/Paris)." in the person's zone when known. */
function moment(now: Date, timeZone: string | undefined): string {
  const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
  const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: zone }).format(now);
  return `It is now ${when} (${zone}).`;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
