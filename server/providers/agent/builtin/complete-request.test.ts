/** The built-in agent says whether a partial transcript is a request it can answer as it stands. */
import { describe, expect, it } from 'vitest';
import { createBuiltinAgent } from './agent';

const agent = createBuiltinAgent();

describe('the built-in agent on partial transcripts', () => {
  it.each(['what is nine times seven', 'what time is it', 'what is the date', 'my name is peter', 'hello', 'how are you', 'what can you do', 'say good morning'])(
    '%j is complete',
    (text) => expect(agent.isCompleteRequest?.(text)).toBe(true),
  );
  it.each(['', 'what is nine times', 'what is nine', 'and the', 'my name is', 'say', 'what is two plus', 'the square root of', 'um', 'my name is peter and'])(
    '%j is not complete',
    (text) => expect(agent.isCompleteRequest?.(text)).toBe(false),
  );
});
