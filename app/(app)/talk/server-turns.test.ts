/** Over WebRTC the server decides the turns: the page follows its events, and only its stop button speaks up. */
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '@/lib/contract/messages';
import { ServerTurns } from './server-turns';

const ready: ServerMessage = { type: 'session.ready', protocol: 1, conversationId: 'c', audio: { encoding: 'pcm_s16le', sampleRate: 16000, channels: 1 } };
const partial = (id: string, text = 'what is'): ServerMessage => ({ type: 'transcript.partial', utteranceId: id, text });
const final = (id: string, text = 'what is nine times six'): ServerMessage => ({ type: 'transcript.final', utteranceId: id, text });
const agentText = (id: string, final = false): ServerMessage => ({ type: 'agent.text', utteranceId: id, text: 'Nine times six is 54.', final });

function answering() {
  const turns = new ServerTurns(() => 42);
  turns.receive(ready);
  turns.receive(partial('rtc-1'));
  turns.receive(final('rtc-1'));
  turns.receive(agentText('agent-1'));
  return turns;
}

describe('the floor follows the server', () => {
  it('listening → hearing you → thinking → speaking → listening', () => {
    const turns = new ServerTurns();
    turns.receive(ready);
    expect(turns.state).toBe('listening');
    turns.receive(partial('rtc-1'));
    expect(turns.state).toBe('user-speaking');
    turns.receive(final('rtc-1'));
    expect(turns.state).toBe('thinking');
    turns.receive(agentText('agent-1'));
    expect(turns.state).toBe('agent-speaking');
    turns.receive(agentText('agent-1', true));
    expect(turns.state).toBe('agent-speaking');
    turns.receive({ type: 'agent.audio.end', utteranceId: 'agent-1', reason: 'completed' });
    expect(turns.state).toBe('listening');
  });

  it('an empty final (nothing recognised) gives the floor back', () => {
    const turns = new ServerTurns();
    turns.receive(partial('rtc-1', ''));
    turns.receive(final('rtc-1', ''));
    expect(turns.state).toBe('listening');
  });

  it('barge-in decided by the server: the agent stops, the person has the floor', () => {
    const turns = answering();
    turns.receive({ type: 'agent.interrupt', utteranceId: 'agent-1', reason: 'barge-in' });
    turns.receive({ type: 'agent.audio.end', utteranceId: 'agent-1', reason: 'interrupted' });
    turns.receive(partial('rtc-2'));
    expect(turns.state).toBe('user-speaking');
    expect(turns.agentUtteranceId).toBeNull();
  });

  it('late text of an interrupted reply does not make the agent speak again', () => {
    const turns = answering();
    turns.receive({ type: 'agent.interrupt', utteranceId: 'agent-1', reason: 'barge-in' });
    turns.receive(agentText('agent-1', true));
    expect(turns.state).toBe('listening');
  });

  it('a failed reply ends it', () => {
    const turns = answering();
    turns.receive({ type: 'error', code: 'tts_failed', message: 'x', utteranceId: 'agent-1', fatal: false });
    expect(turns.state).toBe('listening');
  });
});

describe('the stop button', () => {
  it('interrupts the reply speaking, without playedMs (the server knows what the track carried)', () => {
    const turns = answering();
    expect(turns.interruptAgent()).toEqual({ type: 'agent.interrupt', utteranceId: 'agent-1', timestamp: 42 });
    expect(turns.state).toBe('listening');
    // Its late text changes nothing, and a second press sends nothing.
    turns.receive(agentText('agent-1', true));
    expect(turns.interruptAgent()).toBeNull();
  });

  it('sends nothing when the agent is silent', () => {
    const turns = new ServerTurns();
    turns.receive(ready);
    expect(turns.interruptAgent()).toBeNull();
  });
});
