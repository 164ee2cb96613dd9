import { describe, expect, it } from 'vitest';
import { classifyIntent, extractName, INTENT_NAMES, INTENTS, respond, sayable, type IntentName } from './intents';

const cases: Record<Exclude<IntentName, 'empty'>, string[]> = {
  greeting: [
    'hello', 'hi', 'hi there', 'hey', 'hey there', 'hiya', 'howdy', 'greetings', 'hello hello', 'hello again',
    'good morning', 'good afternoon', 'good evening', 'morning', 'Hello!', 'um hello', 'good morning parley',
    'hello there parley', 'hello blah blah blah',
  ],
  time: [
    'what time is it', "what's the time", 'whats the time', 'what is the time', 'the time', 'time', 'time please',
    'what time is it now', 'what time is it right now', 'tell me the time', 'could you tell me the time',
    'um could you tell me what time it is please', 'do you know what time it is', 'do you have the time',
    'have you got the time', 'what is the current time', 'current time', 'what hour is it', 'what time is it in tokyo',
    'hey what time is it', 'what time is it thanks', 'so what is the time now then', 'what time do you have',
    'i would like to know the time',
  ],
  date: [
    'what is the date', "what's the date", 'tell me the date today', 'what is the date today', "what's today's date",
    'todays date', 'date', 'the date please', 'what date is it', 'what day is it', 'what day is it today',
    'what day is today', 'which day is it', 'what day of the week is it', "what's the day today", 'what is today',
    'do you know what day it is', 'what month is it', 'what year is it', 'what is the year', 'tell me the date',
    'could you please tell me the date',
  ],
  'date-time': ['what is the date and time', "what's the time and date", 'date and time', 'tell me the date and the time'],
  arithmetic: [
    'what is twelve times seven', "what's two plus three", 'nine minus four', 'what is one hundred and five divided by five',
    '6 x 7', '6x7', 'what is to plus to', 'what is for times for', 'ate minus won', 'what is two time three',
    'what is seven multiplied by eight', 'add two and three', 'subtract four from nine', 'how much is 5 + 5',
    'calculate one thousand two hundred divided by four', 'what is ten divided by zero', 'two plus two equals',
    'hmm what would twelve times seven be do you think', 'hey what is two times three', 'what is the sum of two and three', 'what is nine multiplied six',
  ],
  'set-name': [
    'my name is Peter', "my name's peter", 'call me anna', 'you can call me anna', "I'm Sam", 'im sam', 'i am sam',
    'no my name is anna', 'i am called jo', 'they call me big jim', 'my first name is maria', 'hi my name is peter',
    'hello i am sam', 'the name is bond', 'please call me tom', 'peter is my name', 'my name peter',
  ],
  'name-query': [
    'what is my name', "what's my name", 'whats my name', 'do you know my name', 'do you remember my name',
    'who am i', 'what am i called', 'say my name', 'tell me my name', 'can you tell me my name', 'what is my name again',
    'do you know who i am', 'hi whats my name',
  ],
  say: [
    'repeat after me the quick brown fox', 'say hello', 'say good morning to my friend', 'please say hello world',
    'can you say banana', 'repeat after me', 'say', 'um say hello please', 'could you repeat after me one two three',
  ],
  'repeat-last': [
    'say that again', 'repeat that', 'repeat', 'can you repeat that', 'pardon', 'pardon me', 'what did you say',
    'sorry what', 'come again', 'what', 'huh', 'once more', 'i did not catch that', "i didn't hear you", 'say it again',
  ],
  help: [
    'help', 'help me', 'what can you do', 'what else can you do', 'can you help me', 'what can i ask you',
    'what are you able to do', 'how does this work', 'what are your abilities', 'what can i say', 'i need help',
    'what do you do',
  ],
  identity: [
    'who are you', 'what are you', 'are you a robot', 'are you human', 'are you a real person', 'are you an ai',
    'are you a computer', 'is this a robot', 'am i talking to a robot', 'what is your name', "what's your name",
    'who am i talking to', 'are you chatgpt', 'are you a robot or a human', 'introduce yourself',
    'tell me about yourself', 'you are a robot',
  ],
  'how-are-you': ['how are you', 'how are you doing', "how's it going", 'how are you today', "what's up", 'are you okay', 'hi how are you'],
  thanks: ['thanks', 'thank you', 'thank you very much', 'thanks a lot', 'cheers', 'thanks for your help', 'great thanks', 'thank you for your time', 'thankyou'],
  goodbye: ['bye', 'goodbye', 'good bye', 'bye bye', 'see you later', 'good night', 'thank you goodbye', 'thanks bye', 'ok bye', 'i have to go', 'talk to you later', "that's all for now"],
  acknowledge: ["i'm fine", 'i am good thanks', 'not bad thanks', 'okay', 'ok cool', 'no thank you', 'never mind', 'i am feeling a bit tired', 'got it', 'yes'],
  unknown: [
    'what is the meaning of life', 'what is the weather like today', 'play some music', 'i am going home',
    'my name is not peter', 'what is five plus', "what's seven to times three", 'i am going to bed', 'i am from london', 'banana', 'what is two to the power of three', 'turn on the lights',
  ],
};

describe('classifyIntent', () => {
  for (const [intent, texts] of Object.entries(cases)) {
    it.each(texts)(`%j → ${intent}`, (text) => {
      expect(classifyIntent(text).intent).toBe(intent);
    });
  }

  it.each(['', '   ', 'um', 'uh um', '...', 'please'])('%j → empty', (text) => {
    expect(classifyIntent(text).intent).toBe('empty');
  });

  it('has a case table for every intent', () => {
    for (const name of INTENT_NAMES) if (name !== 'empty') expect(cases[name as Exclude<IntentName, 'empty'>].length).toBeGreaterThan(3);
    expect(INTENTS.map((i) => i.name).sort()).toEqual(INTENT_NAMES.filter((n) => n !== 'empty' && n !== 'unknown').sort());
  });

  it('is deterministic', () => {
    expect(classifyIntent('what is twelve times seven')).toEqual(classifyIntent('what is twelve times seven'));
  });

  it.each([
    ['my name is Peter', 'Peter'],
    ['my name is peter smith', 'Peter Smith'],
    ['my name is peter and i live in london', 'Peter'],
    ['call me anna please', 'Anna'],
    ["I'm Sam", 'Sam'],
    ['they call me big jim', 'Big Jim'],
    ['hello i am sam', 'Sam'],
    ["hi i'm peter how are you", 'Peter'],
  ])('%j gives the name %j', (text, name) => {
    expect(classifyIntent(text)).toMatchObject({ intent: 'set-name', slots: { name } });
  });

  it.each([
    ['what is twelve times seven', 84],
    ['what is to plus to', 4],
    ['ten divided by zero', null],
  ])('%j computes %j', (text, value) => {
    expect(classifyIntent(text)).toMatchObject({ intent: 'arithmetic', slots: { value } });
  });

  it.each([
    ['what day is it', 'date'],
    ['what month is it', 'month'],
    ['what year is it', 'year'],
  ])('%j asks for the %s', (text, part) => {
    expect(classifyIntent(text)).toMatchObject({ intent: 'date', slots: { part } });
  });

  it.each([
    ['who are you', 'who'],
    ['are you a robot', 'robot'],
    ['what is your name', 'name'],
  ])('%j asks %s', (text, about) => {
    expect(classifyIntent(text)).toMatchObject({ intent: 'identity', slots: { about } });
  });

  it('keeps the words to say as written', () => {
    expect(classifyIntent('Say: Hello, World!')).toMatchObject({ intent: 'say', slots: { words: 'Hello, World!' } });
    expect(classifyIntent('repeat after me um the cat sat please')).toMatchObject({ intent: 'say', slots: { words: 'the cat sat' } });
    expect(classifyIntent('say please')).toMatchObject({ intent: 'say', slots: { words: 'please' } });
  });

  it('notes a greeting in front of a request', () => {
    expect(classifyIntent('hello what time is it')).toMatchObject({ intent: 'time', greeting: 'hello' });
    expect(classifyIntent('good morning what is two plus two')).toMatchObject({ intent: 'arithmetic', greeting: 'good morning' });
    expect(classifyIntent('hi there')).toEqual({ intent: 'greeting', slots: { phrase: 'hi' } });
  });

  it('echoes what it heard when it does not understand, shortened when long', () => {
    expect(classifyIntent('play some music.')).toEqual({ intent: 'unknown', slots: { heard: 'play some music' } });
    const long = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen';
    expect(classifyIntent(`blah ${long}`).slots.heard).toBe('blah one two three four five six seven eight nine ten eleven and so on');
  });
});

describe('extractName', () => {
  it.each([
    ['peter', false, 'Peter'],
    ['mary ann lee smith', false, 'Mary Ann Lee'],
    ['not peter', false, null],
    ['42', false, null],
    ['fine', true, null],
    ['going home', true, null],
    ['five', true, null],
    ['sam', true, 'Sam'],
    ['sam jones', true, 'Sam Jones'],
    ['sam and i like tea', true, 'Sam'],
    ['sam how are you', true, 'Sam'],
    ['going to bed', true, null],
    ['kind of tired', true, null],
    ['from london', true, null],
    ['in the kitchen', true, null],
    ['a teacher', true, null],
    ['english', true, null],
  ])('%j (strict %s) → %j', (words, strict, name) => {
    expect(extractName(words, strict)).toBe(name);
  });
});

describe('sayable', () => {
  it.each([
    ['hello world', 'Hello world.'],
    ['i think i am happy', 'I think I am happy.'],
    ["i'm here", "I'm here."],
    ['hello. how are you?', 'Hello. How are you?'],
    ['"quoted"', 'Quoted.'],
    ['wow!', 'Wow!'],
  ])('%j → %j', (words, spoken) => {
    expect(sayable(words)).toBe(spoken);
  });
});

describe('respond', () => {
  const context = { now: new Date('2026-11-25T15:05:00Z'), timeZone: 'UTC' };

  it('uses the literal honest fallback for anything not understood', () => {
    expect(respond(classifyIntent('play some music'), context)).toEqual([
      "I heard: 'play some music'.",
      "I'm the built-in assistant; I can tell the time and date, do arithmetic, remember your name and repeat after you.",
    ]);
  });

  it('greets back before answering a greeted request, by name when known', () => {
    expect(respond(classifyIntent('hi what time is it'), { ...context, userName: 'Anna' })).toEqual(['Hi, Anna.', 'It is 3:05 PM.']);
    expect(respond(classifyIntent('hey what time is it'), context)).toEqual(['It is 3:05 PM.']);
  });

  it('says it is not an AI model when asked what it is', () => {
    for (const text of ['who are you', 'are you a robot', 'are you an ai']) {
      expect(respond(classifyIntent(text), context).join(' ')).toMatch(/not an AI model/);
    }
  });
});
