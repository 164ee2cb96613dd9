/** A dialog agent: the built-in one today, an LLM tomorrow, behind the same shape. */
export interface AgentMessage {
  role: 'user' | 'agent';
  text: string;
}

export interface AgentRequest {
  /**
   * The conversation as heard, oldest first (bounded: the newest turns), ending with the
   * user's new utterances: one or more, when the person said several things before the agent
   * could answer (each is answered).
   */
  history: readonly AgentMessage[];
  /** Aborted when the person barges in: stop producing at once. */
  signal: AbortSignal;
  /** The moment the request is made (agents answer questions about time with it). */
  now: Date;
  /** IANA time zone of the person, when known. */
  timeZone?: string;
  /** The person's own system prompt (Settings), for agents that take one; else the configured default. */
  systemPrompt?: string;
}

export interface Agent {
  readonly name: string;
  /**
   * The reply as a stream of text pieces of any size (tokens, words, sentences), joined as
   * they are: the session cuts them into sentences for speech (server/voice/sentences.ts).
   */
  reply(request: AgentRequest): AsyncIterable<string>;
  /**
   * Whether the words recognised so far are a request this agent can answer as it stands
   * ("what is nine times" is not): the endpointer ends a complete one after a short silence.
   * Agents without it get the general rule (server/voice/request-completeness.ts).
   */
  isCompleteRequest?(text: string): boolean;
}
