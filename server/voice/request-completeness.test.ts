import { describe, expect, it } from 'vitest';
import { looksCompleteRequest } from './request-completeness';

describe('the general completeness rule', () => {
  it.each(['what time is it', 'what is nine times seven', 'tell me a joke', 'stop', 'thank you', 'what is the weather in paris', 'what can you do', 'what did you have'])('%s: complete', (t) => {
    expect(looksCompleteRequest(t)).toBe(true);
  });
  it.each(['', '   ', 'what is nine times', 'and the', 'tell me about', 'um', 'I want to', 'what is the weather in', 'can you', 'how many'])('%j: incomplete', (t) => {
    expect(looksCompleteRequest(t)).toBe(false);
  });
});
