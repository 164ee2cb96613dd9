import { describe, expect, it } from 'vitest';
import { Conversation } from './conversation';
import type { TurnToStore } from './turn-recorder';

function conversation(bounds = { maxTurns: 4, maxChars: 40 }, history = [] as Array<{ role: 'user' | 'agent'; text: string }>) {
  const stored: TurnToStore[] = [];
  const c = new Conversation(
    {
      append: async (turn) => void stored.push(turn),
      truncate: async (turnId, text) => {
        const i = stored.findIndex((t) => t.id === turnId);
        if (text) stored[i].text = text;
        else stored.splice(i, 1);
      },
      update: async (turnId, changes) => void Object.assign(stored.find((t) => t.id === turnId)!, changes),
    },
    { history, bounds, providers: { stt: 's', agent: 'a', tts: 't' }, onError: (e) => { throw e; } },
  );
  return { c, stored };
}

const times = { startedAt: new Date(0), endedAt: new Date(1) };
const latencies = { agentLatencyMs: 1, ttsLatencyMs: 1, voiceToVoiceMs: 2 };

describe('Conversation', () => {
  it('gives the agent the newest turns within the bounds, oldest dropped first', () => {
    const { c } = conversation({ maxTurns: 3, maxChars: 1000 });
    for (const text of ['one', 'two', 'three', 'four']) c.addUserTurn({ utteranceId: text, text, sttLatencyMs: 1, ...times });
    expect(c.agentContext().map((m) => m.text)).toEqual(['two', 'three', 'four']);
  });

  it('bounds the characters too, but always keeps the newest turn', () => {
    const { c } = conversation({ maxTurns: 10, maxChars: 10 });
    c.addUserTurn({ utteranceId: 'a', text: 'short', sttLatencyMs: 1, ...times });
    c.addUserTurn({ utteranceId: 'b', text: 'a much longer question than the bound', sttLatencyMs: 1, ...times });
    expect(c.agentContext().map((m) => m.text)).toEqual(['a much longer question than the bound']);
  });

  it('never stores or gives the agent an empty reply, and drops empty turns of a continued conversation', async () => {
    const { c, stored } = conversation({ maxTurns: 10, maxChars: 1000 }, [{ role: 'user', text: 'hi' }, { role: 'agent', text: '' }]);
    c.addAgentTurn({ utteranceId: 'agent-1', text: '  ', interrupted: true, replyTo: [], ...times, ...latencies });
    await c.flush();
    expect(stored).toEqual([]);
    expect(c.agentContext()).toEqual([{ role: 'user', text: 'hi' }]);
  });

  it('records which turns a reply answers and which engines made each turn', async () => {
    const { c, stored } = conversation();
    const question = c.addUserTurn({ utteranceId: 'u1', text: 'hello', sttLatencyMs: 5, ...times });
    c.addAgentTurn({ utteranceId: 'agent-1', text: 'Hi.', interrupted: false, replyTo: [question], ...times, ...latencies });
    await c.flush();
    expect(stored).toMatchObject([
      { id: question, role: 'user', sttProvider: 's' },
      { role: 'agent', replyTo: [question], agentProvider: 'a', ttsProvider: 't' },
    ]);
  });

  it('cuts a stored reply to what was heard, and removes it when nothing was', async () => {
    const { c, stored } = conversation({ maxTurns: 10, maxChars: 1000 });
    c.addAgentTurn({ utteranceId: 'agent-1', text: 'One two. Three.', interrupted: false, replyTo: [], ...times, ...latencies });
    c.cutAgentTurn('agent-1', 'One two.');
    await c.flush();
    expect(stored.map((t) => t.text)).toEqual(['One two.']);
    expect(c.agentContext()).toEqual([{ role: 'agent', text: 'One two.' }]);
    c.cutAgentTurn('agent-1', '');
    await c.flush();
    expect(stored).toEqual([]);
    expect(c.agentContext()).toEqual([]);
  });

  it('stores a reply as it is spoken, marked interrupted until it completes, then complete in place', async () => {
    const { c, stored } = conversation({ maxTurns: 10, maxChars: 1000 });
    c.agentTurnSoFar({ utteranceId: 'agent-1', text: '', startedAt: times.startedAt, replyTo: [] });
    await c.flush();
    expect(stored).toEqual([]); // nothing heard yet: nothing stored
    c.agentTurnSoFar({ utteranceId: 'agent-1', text: 'One two.', startedAt: times.startedAt, replyTo: ['q'] });
    await c.flush();
    expect(stored).toMatchObject([{ role: 'agent', text: 'One two.', interrupted: true, replyTo: ['q'] }]);
    expect(c.agentContext()).toEqual([]); // the agent is given it once it is over
    c.addAgentTurn({ utteranceId: 'agent-1', text: 'One two. Three.', interrupted: false, replyTo: ['q'], ...times, ...latencies });
    await c.flush();
    expect(stored).toMatchObject([{ text: 'One two. Three.', interrupted: false, voiceToVoiceMs: 2 }]);
    expect(stored).toHaveLength(1);
  });

  it('removes a reply stored while spoken when, in the end, nothing of it was heard', async () => {
    const { c, stored } = conversation({ maxTurns: 10, maxChars: 1000 });
    c.agentTurnSoFar({ utteranceId: 'agent-1', text: 'One', startedAt: times.startedAt, replyTo: [] });
    c.addAgentTurn({ utteranceId: 'agent-1', text: '', interrupted: true, replyTo: [], ...times, ...latencies });
    await c.flush();
    expect(stored).toEqual([]);
  });

  it('writes a reply being spoken only when more of it was heard', async () => {
    const stored: TurnToStore[] = [];
    let updates = 0;
    const c = new Conversation(
      { append: async (t) => void stored.push(t), truncate: async () => {}, update: async () => void updates++ },
      { providers: { stt: 's', agent: 'a', tts: 't' }, onError: (e) => { throw e; } },
    );
    for (const text of ['One', 'One', 'One two', 'One two', 'One two']) c.agentTurnSoFar({ utteranceId: 'agent-1', text, startedAt: times.startedAt, replyTo: [] });
    await c.flush();
    expect(stored).toHaveLength(1);
    expect(updates).toBe(1);
  });
});
