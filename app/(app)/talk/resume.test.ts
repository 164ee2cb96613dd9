/** After a reconnect the page shows the conversation as stored, then what came since. */
import { expect, it } from 'vitest';
import { mergeResumed } from './resume';
import type { Line } from './voice-client';

const line = (id: string, role: Line['role'], text: string, final = true): Line => ({ id, role, text, final });

it('shows the stored turns, then lines of the new session; unstored lines from before the drop go', () => {
  const stored = [line('u1', 'user', 'my name is peter'), line('a1', 'agent', 'Nice to meet you, Peter.')];
  const onScreen = [
    line('u1', 'user', 'my name is peter'),
    line('a1', 'agent', 'Nice to meet you, Peter.'),
    // A partial the server never kept (it crashed while the person spoke).
    line('u2', 'user', 'what is', false),
    // Said after the reconnect, before the stored turns arrived.
    line('u3', 'user', 'what is my name', false),
  ];
  const shownBefore = new Set(['u1', 'a1', 'u2']);
  expect(mergeResumed(stored, onScreen, shownBefore)).toEqual([...stored, line('u3', 'user', 'what is my name', false)]);
});

it('uses the stored version of a line on screen (cut to what was heard)', () => {
  const stored = [line('a1', 'agent', 'One two')];
  expect(mergeResumed(stored, [line('a1', 'agent', 'One two three four', false)], new Set(['a1']))).toEqual(stored);
});
