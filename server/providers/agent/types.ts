/** A dialog agent: the built-in one today, an LLM tomorrow, behind the same shape. */
export interface AgentMessage {
  role: 'user' | 'agent';
  text: string;
}

export interface AgentRequest {
  /** The conversation so far, oldest first, ending with the user's new utterance. */
  history: readonly AgentMessage[];
  /** Aborted when the person barges in: stop producing at once. */
  signal: AbortSignal;
  /** The moment the request is made (agents answer questions about time with it). */
  now: Date;
  /** IANA time zone of the person, when known. */
  timeZone?: string;
}

export interface Agent {
  readonly name: string;
  /** The reply, streamed sentence by sentence so speech can start before it is complete. */
  reply(request: AgentRequest): AsyncIterable<string>;
}
