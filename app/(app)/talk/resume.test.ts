/** After a reconnect the page shows the conversation as stored, then what came since. */
import { expect, it } from 'vitest';
import { mergeResumed, type StoredLine } from './resume';
import type { Line } from './voice-client';

const line = (id: string, role: Line['role'], text: string, final = true): Line => ({ id, role, text, final });
const stored = (turnId: string, utteranceId: string, role: Line['role'], text: string): StoredLine => ({ utteranceId, line: line(`turn:${turnId}`, role, text) });

it('shows the stored turns, then lines of the new session; unstored lines from before the drop go', () => {
  const turns = [stored('t1', 'u1', 'user', 'my name is peter'), stored('t2', 'agent-1', 'agent', 'Nice to meet you, Peter.')];
  const onScreen = [
    line('drop1:u1', 'user', 'my name is peter'),
    line('drop1:agent-1', 'agent', 'Nice to meet you, Peter.'),
    // A partial the server never kept (it crashed while the person spoke).
    line('drop1:u2', 'user', 'what is', false),
    // Said after the reconnect, before the stored turns arrived.
    line('u3', 'user', 'what is my name', false),
  ];
  const shownBefore = new Set(['drop1:u1', 'drop1:agent-1', 'drop1:u2']);
  expect(mergeResumed(turns, onScreen, shownBefore)).toEqual([turns[0].line, turns[1].line, line('u3', 'user', 'what is my name', false)]);
});

it('a reply of the new session numbered like an old one (agent-1 again) is not mistaken for it', () => {
  const turns = [stored('t1', 'u1', 'user', 'my name is peter'), stored('t2', 'agent-1', 'agent', 'Nice to meet you, Peter.')];
  const since = [line('u3', 'user', 'what is my name'), line('agent-1', 'agent', 'Your name is Peter.')];
  expect(mergeResumed(turns, since, new Set())).toEqual([turns[0].line, turns[1].line, ...since]);
});

it('turns the new session stored already are shown once, as its own lines', () => {
  const turns = [
    stored('t1', 'u1', 'user', 'my name is peter'),
    stored('t2', 'agent-1', 'agent', 'Nice to meet you, Peter.'),
    stored('t3', 'u3', 'user', 'what is my name'),
    stored('t4', 'agent-1', 'agent', 'Your name is Peter.'),
  ];
  const since = [line('u3', 'user', 'what is my name'), line('agent-1', 'agent', 'Your name is Peter.')];
  expect(mergeResumed(turns, since, new Set())).toEqual([turns[0].line, turns[1].line, ...since]);
});
