/** Rule 4, "nothing stale plays", on the browser's side: turn-taking without a browser. */
import { describe, expect, it } from 'vitest';
import { encodeAudioChunk } from '@/lib/audio/pcm';
import type { ClientMessage, ServerMessage } from '@/lib/contract/messages';
import { RecentIds, TurnTaking, type TurnEffect } from './turn-taking';

const AUDIO_20MS = encodeAudioChunk(new Int16Array(320).fill(1000));

const chunk = (utteranceId: string, sequence: number): ServerMessage => ({ type: 'agent.audio.chunk', utteranceId, sequence, timestamp: 0, audio: AUDIO_20MS });
const text = (utteranceId: string, t: string, final = false): ServerMessage => ({ type: 'agent.text', utteranceId, text: t, final });
const ended = (utteranceId: string, reason: 'completed' | 'interrupted'): ServerMessage => ({ type: 'agent.audio.end', utteranceId, reason });
const serverInterrupt = (utteranceId: string, reason: 'client' | 'barge-in' = 'barge-in'): ServerMessage => ({ type: 'agent.interrupt', utteranceId, reason });
const ready: ServerMessage = { type: 'session.ready', protocol: 1, conversationId: 'c', audio: { encoding: 'pcm_s16le', sampleRate: 16000, channels: 1 } };

const played = (effects: TurnEffect[]) => effects.filter((e) => e.type === 'play').map((e) => (e.type === 'play' ? `${e.utteranceId}#${e.sequence}` : ''));
const sent = (effects: TurnEffect[]): ClientMessage[] => effects.flatMap((e) => (e.type === 'send' ? [e.message] : []));
const kinds = (effects: TurnEffect[]) => effects.map((e) => (e.type === 'send' ? e.message.type : e.type));

/** A session with one user turn done and `agent` replying with `chunks` chunks received, `playedMs` of them played. */
function replying(agent = 'agent-1', chunks = 10, playedMs = 100) {
  let clock = 1_000_000;
  const turns = new TurnTaking({ now: () => clock++ });
  turns.receive(ready);
  turns.startUser();
  const userId = turns.userUtteranceId!;
  turns.endUser();
  turns.receive({ type: 'transcript.final', utteranceId: userId, text: 'what can you do' });
  turns.receive(text(agent, 'I can tell you the time.'));
  for (let i = 0; i < chunks; i++) turns.receive(chunk(agent, i));
  turns.playbackProgress(agent, playedMs);
  return turns;
}

describe('late chunks of an interrupted utterance are dropped', () => {
  it('after the person barges in', () => {
    const turns = replying();
    turns.startUser();
    expect(played(turns.receive(chunk('agent-1', 10)))).toEqual([]);
    // The server confirms; its chunks already in flight still arrive.
    turns.receive(serverInterrupt('agent-1', 'client'));
    turns.receive(ended('agent-1', 'interrupted'));
    expect(played(turns.receive(chunk('agent-1', 11)))).toEqual([]);
    turns.endUser();
    expect(played(turns.receive(chunk('agent-1', 12)))).toEqual([]);
    expect(turns.state).toBe('thinking');
  });

  it('after the stop button', () => {
    const turns = replying();
    const effects = turns.interruptAgent();
    expect(kinds(effects)).toEqual(['flush', 'agent.interrupt']);
    expect(played(turns.receive(chunk('agent-1', 10)))).toEqual([]);
    expect(turns.state).toBe('listening');
  });

  it("after the server's agent.interrupt or agent.audio.end interrupted", () => {
    for (const stop of [serverInterrupt('agent-1'), ended('agent-1', 'interrupted')]) {
      const turns = replying();
      expect(kinds(turns.receive(stop))).toEqual(['flush']);
      expect(played(turns.receive(chunk('agent-1', 10)))).toEqual([]);
      expect(turns.state).toBe('listening');
    }
  });

  it('after agent.audio.end completed: what is queued plays out, nothing more is queued', () => {
    const turns = replying();
    expect(kinds(turns.receive(ended('agent-1', 'completed')))).toEqual(['end-playback']);
    expect(turns.state).toBe('agent-speaking');
    expect(played(turns.receive(chunk('agent-1', 10)))).toEqual([]);
    turns.playbackDrained('agent-1');
    expect(turns.state).toBe('listening');
  });

  it('reports each dropped chunk, and why', () => {
    const turns = replying();
    turns.interruptAgent();
    expect(turns.receive(chunk('agent-1', 10))).toEqual([{ type: 'dropped', utteranceId: 'agent-1', sequence: 10, reason: 'over' }]);
  });
});

describe('state stays "user-speaking" while the user talks, even when an old reply arrives', () => {
  it('a late chunk or text of the interrupted reply does not make the agent speak', () => {
    const turns = replying();
    turns.startUser();
    expect(turns.state).toBe('user-speaking');
    for (const message of [chunk('agent-1', 10), text('agent-1', 'I can tell you', true), ended('agent-1', 'interrupted')]) {
      expect(played(turns.receive(message))).toEqual([]);
      expect(turns.state).toBe('user-speaking');
    }
  });

  it('a reply the client never heard of, arriving while the person speaks, is over: the server is stopping it', () => {
    let clock = 0;
    const turns = new TurnTaking({ now: () => clock++ });
    turns.receive(ready);
    turns.startUser();
    expect(turns.receive(text('agent-2', 'It is 3:05 PM.'))).toEqual([]);
    expect(played(turns.receive(chunk('agent-2', 0)))).toEqual([]);
    expect(turns.state).toBe('user-speaking');
    // Its chunks still in flight after the person stopped speaking do not play either.
    turns.endUser();
    expect(played(turns.receive(chunk('agent-2', 1)))).toEqual([]);
    expect(turns.state).toBe('thinking');
    expect(turns.isOver('agent-2')).toBe(true);
  });

  it('goes listening → user-speaking → thinking → agent-speaking → listening over one turn', () => {
    const turns = new TurnTaking();
    turns.receive(ready);
    const states = [turns.state];
    turns.startUser();
    states.push(turns.state);
    const id = turns.userUtteranceId!;
    turns.endUser();
    states.push(turns.state);
    turns.receive({ type: 'transcript.final', utteranceId: id, text: 'what time is it' });
    turns.receive(text('agent-1', 'It is 3:05 PM.'));
    states.push(turns.state);
    turns.receive(chunk('agent-1', 0));
    states.push(turns.state);
    turns.receive(ended('agent-1', 'completed'));
    turns.playbackDrained('agent-1');
    states.push(turns.state);
    expect(states).toEqual(['listening', 'user-speaking', 'thinking', 'thinking', 'agent-speaking', 'listening']);
  });

  it('an empty final transcript returns to listening; a stale reply ending does not', () => {
    const turns = replying();
    turns.startUser();
    const id = turns.userUtteranceId!;
    turns.endUser();
    turns.receive(ended('agent-1', 'interrupted'));
    expect(turns.state).toBe('thinking');
    turns.receive({ type: 'transcript.final', utteranceId: id, text: '' });
    expect(turns.state).toBe('listening');
  });
});

describe('flush is one step', () => {
  it('barge-in over a long queue: one flush, then agent.interrupt, then user.audio.start', () => {
    const turns = replying('agent-1', 500, 4_000);
    const effects = turns.startUser();
    expect(kinds(effects)).toEqual(['flush', 'agent.interrupt', 'user.audio.start']);
  });

  it('a server interrupt over a long queue: one flush and nothing else', () => {
    const turns = replying('agent-1', 500);
    expect(turns.receive(serverInterrupt('agent-1'))).toEqual([{ type: 'flush' }]);
    // Its agent.audio.end that follows has nothing left to flush.
    expect(turns.receive(ended('agent-1', 'interrupted'))).toEqual([]);
  });

  it('nothing to flush when nothing was queued', () => {
    const turns = replying('agent-1', 0, 0);
    expect(kinds(turns.startUser())).toEqual(['agent.interrupt', 'user.audio.start']);
  });
});

describe('barge-in tells the server how much was heard (contract: agent.interrupt with playedMs)', () => {
  it('names the utterance playing and the ms the speaker played', () => {
    const turns = replying('agent-1', 100, 1_234.4);
    const [interrupt] = sent(turns.startUser());
    expect(interrupt).toMatchObject({ type: 'agent.interrupt', utteranceId: 'agent-1', playedMs: 1234 });
  });

  it('never claims more than was received', () => {
    const turns = replying('agent-1', 10, 5_000);
    expect(sent(turns.startUser())[0]).toMatchObject({ type: 'agent.interrupt', playedMs: 200 });
  });

  it('after the last chunk arrived, while the buffer still plays, it names the completed reply', () => {
    const turns = replying('agent-1', 10, 120);
    turns.receive(ended('agent-1', 'completed'));
    expect(sent(turns.startUser())).toMatchObject([{ type: 'agent.interrupt', utteranceId: 'agent-1', playedMs: 120 }, { type: 'user.audio.start' }]);
  });

  it('a reply played to its end is not interrupted', () => {
    const turns = replying('agent-1', 10, 200);
    turns.receive(ended('agent-1', 'completed'));
    turns.playbackDrained('agent-1');
    expect(kinds(turns.startUser())).toEqual(['user.audio.start']);
  });

  it('a reply known only by its text was heard for 0 ms', () => {
    const turns = replying('agent-1', 0, 0);
    expect(sent(turns.startUser())[0]).toMatchObject({ type: 'agent.interrupt', utteranceId: 'agent-1', playedMs: 0 });
  });

  it('the stop button with nothing playing sends nothing', () => {
    const turns = new TurnTaking();
    expect(turns.interruptAgent()).toEqual([]);
  });
});

describe('a new agent utterance after an interrupted one plays normally', () => {
  it('the reply to the barge-in question plays from its first chunk', () => {
    const turns = replying();
    turns.startUser();
    const id = turns.userUtteranceId!;
    turns.receive(chunk('agent-1', 10));
    turns.receive(serverInterrupt('agent-1', 'client'));
    turns.receive(ended('agent-1', 'interrupted'));
    turns.receive(text('agent-1', 'I can tell you', true));
    turns.endUser();
    turns.receive({ type: 'transcript.final', utteranceId: id, text: 'what is two plus two' });
    turns.receive(text('agent-2', '2 plus 2 is 4.'));
    const effects = turns.receive(chunk('agent-2', 0));
    expect(effects).toMatchObject([{ type: 'play', utteranceId: 'agent-2', sequence: 0, first: true }]);
    expect(turns.state).toBe('agent-speaking');
    expect(played(turns.receive(chunk('agent-2', 1)))).toEqual(['agent-2#1']);
    expect(played(turns.receive(chunk('agent-1', 13)))).toEqual([]);
  });

  it("a new connection's agent-1 plays even though the last connection's agent-1 was interrupted", () => {
    const turns = replying();
    turns.interruptAgent();
    turns.reset();
    turns.receive(ready);
    turns.startUser();
    turns.endUser();
    expect(played(turns.receive(chunk('agent-1', 0)))).toEqual(['agent-1#0']);
  });

  it('a newer reply takes the floor from one still playing out its buffer', () => {
    const turns = replying('agent-1', 10, 50);
    turns.receive(ended('agent-1', 'completed'));
    const effects = turns.receive(chunk('agent-2', 0));
    expect(kinds(effects)).toEqual(['flush', 'agent.interrupt', 'play']);
    expect(turns.agentUtteranceId).toBe('agent-2');
  });
});

describe('utterance ids are unique and increasing', () => {
  it('numbers each utterance one more than the last, under one prefix per client', () => {
    const turns = new TurnTaking({ now: () => 1_700_000_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const start = sent(turns.startUser())[0];
      expect(start.type).toBe('user.audio.start');
      ids.push(turns.userUtteranceId!);
      turns.endUser();
    }
    expect(new Set(ids).size).toBe(200);
    const numbers = ids.map((id) => Number(id.split('-').at(-1)));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(ids.every((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id) && id.startsWith(ids[0].split('-')[0]))).toBe(true);
  });

  it('two clients started at different times use different ids', () => {
    const a = new TurnTaking({ now: () => 1_700_000_000_000 });
    const b = new TurnTaking({ now: () => 1_700_000_000_001 });
    a.startUser();
    b.startUser();
    expect(a.userUtteranceId).not.toBe(b.userUtteranceId);
  });

  it('chunks number 0, 1, 2 … per utterance and the end names the last one', () => {
    const turns = new TurnTaking();
    turns.startUser();
    const chunks = [0, 1, 2].flatMap(() => sent(turns.userAudio(new Int16Array(320))));
    expect(chunks.map((m) => (m.type === 'user.audio.chunk' ? m.sequence : -1))).toEqual([0, 1, 2]);
    expect(sent(turns.endUser())[0]).toMatchObject({ type: 'user.audio.end', sequence: 2 });
    turns.startUser();
    expect(sent(turns.endUser())[0]).not.toHaveProperty('sequence');
    expect(turns.userAudio(new Int16Array(320))).toEqual([]);
  });
});

describe('memory of finished agent utterances is bounded', () => {
  it('keeps the most recent ids only', () => {
    const recent = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) recent.add(id);
    expect(recent.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => recent.has(id))).toEqual([false, true, true, true]);
  });

  it('a long session remembers no more than its limit', () => {
    const turns = new TurnTaking({ memory: 8 });
    turns.receive(ready);
    for (let n = 1; n <= 100; n++) {
      turns.receive(chunk(`agent-${n}`, 0));
      turns.receive(serverInterrupt(`agent-${n}`));
    }
    expect(turns.isOver('agent-100')).toBe(true);
    expect(turns.isOver('agent-92')).toBe(false);
  });
});

describe('a provider time-out', () => {
  it("of the agent's reply stops it like agent_failed", () => {
    const turns = replying();
    expect(kinds(turns.receive({ type: 'error', code: 'provider_timeout', message: 'The agent failed to reply: …', utteranceId: 'agent-1', fatal: false }))).toEqual(['flush']);
    expect(played(turns.receive(chunk('agent-1', 10)))).toEqual([]);
    expect(turns.state).toBe('listening');
  });

  it("of the person's recognition stops waiting for an answer like stt_failed", () => {
    const turns = new TurnTaking({ now: () => 0 });
    turns.receive(ready);
    turns.startUser();
    const userId = turns.userUtteranceId!;
    turns.endUser();
    expect(turns.state).toBe('thinking');
    turns.receive({ type: 'error', code: 'provider_timeout', message: 'Speech recognition failed: …', utteranceId: userId, fatal: false });
    expect(turns.state).toBe('listening');
  });
});
