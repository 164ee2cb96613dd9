import { describe, expect, it } from 'vitest';
import type { AgentMessage, AgentRequest } from '../types';
import { composeReply, createBuiltinAgent, rememberedName, splitSentences } from './agent';

const NOW = new Date('2026-11-25T15:05:00Z'); // a Wednesday

const user = (text: string): AgentMessage => ({ role: 'user', text });
const agentSaid = (text: string): AgentMessage => ({ role: 'agent', text });

function request(history: AgentMessage[] | string, extra: Partial<AgentRequest> = {}): AgentRequest {
  return {
    history: typeof history === 'string' ? [user(history)] : history,
    signal: new AbortController().signal,
    now: NOW,
    timeZone: 'UTC',
    ...extra,
  };
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const s of iterable) out.push(s.trim());
  return out;
}

const reply = (history: AgentMessage[] | string, extra: Partial<AgentRequest> = {}) =>
  collect(createBuiltinAgent().reply(request(history, extra)));

describe('createBuiltinAgent', () => {
  it('is called builtin', () => {
    expect(createBuiltinAgent().name).toBe('builtin');
  });

  it.each([
    ['hello', ['Hello.', 'How can I help?']],
    ['good morning', ['Good morning.', 'How can I help?']],
    ['what time is it', ['It is 3:05 PM.']],
    ['tell me the date today', ['Today is Wednesday, November 25, 2026.']],
    ['what day is it', ['Today is Wednesday, November 25, 2026.']],
    ['what month is it', ['It is November.']],
    ['what year is it', ['It is 2026.']],
    ['what day is tomorrow', ['Tomorrow is Thursday, November 26, 2026.']],
    ['what was the date yesterday', ['Yesterday was Tuesday, November 24, 2026.']],
    ["what's the date and time", ['Today is Wednesday, November 25, 2026.', 'It is 3:05 PM.']],
    ['what time is it in tokyo', ['I only know the time here, not elsewhere.', 'It is 3:05 PM.']],
    ['what is twelve times seven', ['Twelve times seven is 84.']],
    ["what's two plus three", ['Two plus three is 5.']],
    ['what is one hundred and five divided by five', ['One hundred and five divided by five is 21.']],
    ['6 x 7', ['Six times seven is 42.']],
    ['ten divided by three', ['Ten divided by three is about 3.33.']],
    ['what is five divided by zero', ["Five divided by zero has no answer: you can't divide by zero."]],
    ['my name is Peter', ['Nice to meet you, Peter.']],
    ['what is my name', ["I don't know your name yet.", 'You can tell me by saying: my name is, and then your name.']],
    ['repeat after me the quick brown fox', ['The quick brown fox.']],
    ['say hello. how are you?', ['Hello.', 'How are you?']],
    ['repeat after me', ['What should I say?']],
    ['say that again', ["I haven't said anything yet."]],
    ['who are you', ["I'm Parley's built-in assistant.", "I'm a small program that follows fixed rules, not an AI model."]],
    ['are you a robot', ["I'm a computer program, not a person.", "I'm Parley's small built-in assistant: I follow fixed rules and I'm not an AI model."]],
    ['thank you', ["You're welcome."]],
    ['goodbye', ['Goodbye.']],
    ['thanks bye', ["You're welcome.", 'Goodbye.']],
    ['', ["Sorry, I didn't catch that."]],
    ['um', ["Sorry, I didn't catch that."]],
    [
      'what is the meaning of life',
      [
        "I heard: 'what is the meaning of life'.",
        "I'm the built-in assistant; I can tell the time and date, do arithmetic, remember your name and repeat after you.",
      ],
    ],
  ])('%j → %j', async (text, sentences) => {
    expect(await reply(text)).toEqual(sentences);
  });

  it('lists what it can do when asked', async () => {
    const sentences = await reply('what can you do');
    expect(sentences.join(' ')).toMatch(/time.*date.*arithmetic.*name.*repeat/);
  });

  it('answers an empty conversation with "didn\'t catch that"', async () => {
    expect(await reply([])).toEqual(["Sorry, I didn't catch that."]);
  });
});

describe('remembering the name', () => {
  const introduced: AgentMessage[] = [user('my name is peter'), agentSaid('Nice to meet you, Peter.')];

  it.each([
    ['what is my name', ['Your name is Peter.']],
    ['do you know my name', ['Your name is Peter.']],
    ['hello', ['Hello, Peter.', 'How can I help?']],
    ['good evening', ['Good evening, Peter.', 'How can I help?']],
    ['hi what time is it', ['Hi, Peter.', 'It is 3:05 PM.']],
    ['thanks', ["You're welcome, Peter."]],
    ['bye', ['Goodbye, Peter.']],
    ['my name is peter', ['I remember you, Peter.']],
    ['call me pete', ["Okay, I'll call you Pete from now on."]],
  ])('after an introduction, %j → %j', async (text, sentences) => {
    expect(await reply([...introduced, user('what time is it'), agentSaid('It is 3:05 PM.'), user(text)])).toEqual(sentences);
  });

  it('uses the latest name given', async () => {
    const history = [...introduced, user('actually call me Anna'), agentSaid("Okay, I'll call you Anna from now on."), user('whats my name')];
    expect(await reply(history)).toEqual(['Your name is Anna.']);
    expect(rememberedName(history)).toBe('Anna');
  });

  it.each(["I'm Sam", 'im sam', 'you can call me sam', 'hello i am sam', 'my name is sam'])(
    'learns it from %j',
    async (intro) => {
      expect(await reply([user(intro), agentSaid('Nice to meet you, Sam.'), user('who am i')])).toEqual(['Your name is Sam.']);
    },
  );

  it('does not take "I\'m fine" or the agent\'s own words as a name', async () => {
    const history = [user("i'm fine"), agentSaid('Good to hear.'), agentSaid('my name is Robo'), user('what is my name')];
    expect(rememberedName(history)).toBeUndefined();
    expect((await reply(history))[0]).toBe("I don't know your name yet.");
  });

  it('starts a new conversation without a name', async () => {
    expect(await reply('what is my name')).toEqual(["I don't know your name yet.", 'You can tell me by saying: my name is, and then your name.']);
  });
});

describe('conversation context', () => {
  it('repeats its last reply on "say that again"', async () => {
    const history = [user('what is twelve times seven'), agentSaid('Twelve times seven is 84.'), user('sorry, say that again?')];
    expect(await reply(history)).toEqual(['Twelve times seven is 84.']);
  });

  it('repeats a multi-sentence reply sentence by sentence', async () => {
    const history = [user('who are you'), agentSaid("I'm Parley's built-in assistant. I'm a small program."), user('pardon')];
    expect(await reply(history)).toEqual(["I'm Parley's built-in assistant.", "I'm a small program."]);
  });

  it('after asking what to say, says the next utterance', async () => {
    const history = [user('repeat after me'), agentSaid('What should I say?'), user('the cat sat on the mat')];
    expect(await reply(history)).toEqual(['The cat sat on the mat.']);
  });

  it('after asking what to say, still answers a real question', async () => {
    const history = [user('say'), agentSaid('What should I say?'), user('what time is it')];
    expect(await reply(history)).toEqual(['It is 3:05 PM.']);
  });
});

describe('time and date', () => {
  it.each([
    ['2026-11-25T00:00:00Z', 'UTC', 'It is 12:00 AM.', 'Today is Wednesday, November 25, 2026.'],
    ['2026-11-25T12:00:00Z', 'UTC', 'It is 12:00 PM.', 'Today is Wednesday, November 25, 2026.'],
    ['2026-11-25T09:07:00Z', 'UTC', 'It is 9:07 AM.', 'Today is Wednesday, November 25, 2026.'],
    ['2026-11-25T03:05:00Z', 'America/New_York', 'It is 10:05 PM.', 'Today is Tuesday, November 24, 2026.'],
    ['2026-11-25T15:05:00Z', 'Asia/Kolkata', 'It is 8:35 PM.', 'Today is Wednesday, November 25, 2026.'],
    ['2026-12-31T23:30:00Z', 'Pacific/Auckland', 'It is 12:30 PM.', 'Today is Friday, January 1, 2027.'],
  ])('%s in %s', async (iso, timeZone, time, date) => {
    const now = new Date(iso);
    expect(await reply('what time is it', { now, timeZone })).toEqual([time]);
    expect(await reply('what is the date', { now, timeZone })).toEqual([date]);
  });

  it('copes with an unknown time zone name', async () => {
    const [sentence] = await reply('what time is it', { timeZone: 'Mars/Olympus_Mons' });
    expect(sentence).toMatch(/^It is \d{1,2}:\d{2} [AP]M\.$/);
  });

  it('uses plain spaces (no narrow no-break space before AM/PM)', async () => {
    const [sentence] = await reply('what time is it');
    expect(sentence).not.toMatch(/[\u202f\u00a0]/);
  });
});

describe('streaming and aborting', () => {
  it('yields each sentence separately', async () => {
    const iterator = createBuiltinAgent().reply(request('hello'))[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 'Hello. ', done: false });
    expect(await iterator.next()).toEqual({ value: 'How can I help? ', done: false });
    expect((await iterator.next()).done).toBe(true);
  });

  it('yields nothing when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await reply('hello', { signal: controller.signal })).toEqual([]);
  });

  it('stops between sentences once aborted', async () => {
    const controller = new AbortController();
    const got: string[] = [];
    for await (const sentence of createBuiltinAgent().reply(request('who are you', { signal: controller.signal }))) {
      got.push(sentence.trim());
      controller.abort();
    }
    expect(got).toEqual(["I'm Parley's built-in assistant."]);
  });

  it('never yields after an abort between pulls', async () => {
    const controller = new AbortController();
    const iterator = createBuiltinAgent().reply(request('thanks bye', { signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe("You're welcome. ");
    controller.abort();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('gives independent replies to concurrent requests', async () => {
    const agent = createBuiltinAgent();
    const [a, b] = await Promise.all([collect(agent.reply(request('what is two plus two'))), collect(agent.reply(request('hello')))]);
    expect(a).toEqual(['Two plus two is 4.']);
    expect(b).toEqual(['Hello.', 'How can I help?']);
  });

  it('composeReply gives the same sentences without streaming', () => {
    expect(composeReply(request('hello'))).toEqual(['Hello.', 'How can I help?']);
  });
});

describe('splitSentences', () => {
  it.each([
    ['One. Two! Three?', ['One.', 'Two!', 'Three?']],
    ['Ten divided by three is about 3.33.', ['Ten divided by three is about 3.33.']],
    ['No split here', ['No split here']],
    ['  Spaces.   Around.  ', ['Spaces.', 'Around.']],
    ['', []],
  ])('%j → %j', (text, sentences) => {
    expect(splitSentences(text)).toEqual(sentences);
  });

  it('answers every user message said before it could answer, in order', async () => {
    const history = [user('what is twelve times seven'), user('my name is peter')];
    expect(await reply(history)).toEqual(['Twelve times seven is 84.', 'Nice to meet you, Peter.']);
    // Messages it already answered are not answered again.
    expect(await reply([user('hello'), agentSaid('Hello. How can I help?'), user('what is two plus three')])).toEqual(['Two plus three is 5.']);
  });

  it('yields pieces that join into its sentences as they are', async () => {
    const pieces: string[] = [];
    for await (const piece of createBuiltinAgent().reply(request('hello', {}))) pieces.push(piece);
    expect(pieces.join('')).toBe('Hello. How can I help? ');
  });
});
