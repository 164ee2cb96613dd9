/**
 * A short spoken apology in the embedded voice when a turn fails (issue 10): the person hears
 * that something went wrong, not just silence. It is said like a reply (the person can speak
 * over it and stop it at once) but it is not part of the conversation: it is never stored and
 * never given to the agent as context.
 */
import type { ErrorCode } from '../../lib/contract/messages';
import type { Agent } from '../providers/agent/types';
import type { SessionEvents } from './events';

/** What is said for each failure; short, and telling the person what to do. */
export function apologyFor(code: ErrorCode): string {
  switch (code) {
    case 'stt_failed':
      return "Sorry, I didn't catch that. Please say it again.";
    case 'provider_timeout':
      return 'Sorry, that took too long. Please try again.';
    default:
      return 'Sorry, something went wrong with my answer. Please try again.';
  }
}

/** An "agent" that says one fixed line: the apology goes through the same reply path as any answer. */
export function apologyAgent(text: string): Agent {
  return {
    name: 'apology',
    async *reply() {
      yield text;
    },
  };
}

/** The apology's own failure is not reported again: the person already has the first error. */
export function withoutErrors(events: SessionEvents): SessionEvents {
  return { send: (event) => void (event.type === 'error' || events.send(event)) };
}
