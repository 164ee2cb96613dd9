/**
 * What the built-in assistant understands: a list of intents, each matching normalised token
 * patterns and producing a short spoken reply. Order matters: the first intent that matches wins,
 * and every intent's strict `match` is tried before any intent's looser `fuzzy` match.
 */
import { answer, describe, evaluate, findArithmetic, parseArithmetic, type Expression } from './arithmetic';
import { spokenDate, spokenMonth, spokenTime, spokenYear } from './clock';
import { FILLERS, fromTokens, normalise, stripLeadIns, type Utterance } from './normalise';
import { NEAR_MISS_NUMBERS, SCALES, TEENS, TENS, UNITS } from './numbers';
import { matchAny, patterns, type Pattern } from './patterns';

export const INTENT_NAMES = [
  'empty', 'repeat-last', 'name-query', 'say', 'set-name', 'arithmetic', 'date-time', 'time', 'date', 'help',
  'identity', 'how-are-you', 'greeting', 'goodbye', 'thanks', 'acknowledge', 'unknown',
] as const;

export type IntentName = (typeof INTENT_NAMES)[number];

export type Slots = Record<string, unknown>;

/** What a reply may depend on besides the utterance itself. */
export interface ReplyContext {
  now: Date;
  timeZone?: string;
  /** The person's name, when they told it earlier in the conversation. */
  userName?: string;
  /** The agent's previous reply, for "say that again". */
  lastAgentReply?: string;
}

export interface Intent<S extends Slots = Slots> {
  readonly name: IntentName;
  /** Slots when the utterance clearly says this, else null. */
  match(u: Utterance): S | null;
  /** A looser match for near misses, tried only when no intent matched clearly. */
  fuzzy?(u: Utterance): S | null;
  /** The reply, one or more sentences. */
  respond(slots: S, context: ReplyContext): string[];
}

export interface Classification {
  intent: IntentName;
  slots: Slots;
  /** Set when the utterance began with a greeting before its request ("hi, what time is it"). */
  greeting?: string;
}

/** Asked when "say" / "repeat after me" comes without words; the next utterance is then repeated. */
export const ASK_WHAT_TO_SAY = 'What should I say?';

/** Said after "I'm the built-in assistant;" when an utterance is not understood. */
export const CAPABILITIES = 'I can tell the time and date, do arithmetic, remember your name and repeat after you.';

const defineIntent = <S extends Slots>(intent: Intent<S>): Intent => intent as unknown as Intent;
const DAY_MS = 24 * 60 * 60 * 1000;
const has = (u: Utterance, ...words: string[]) => words.some((w) => u.tokens.includes(w));
const addressed = (name: string | undefined) => (name ? `, ${name}` : '');

// ---------------------------------------------------------------------------------------------
// Names

/** Words that end a name: "my name is peter and ..." → "peter". */
const NAME_TERMINATORS = new Set([
  'and', 'but', 'so', 'what', 'how', 'who', 'where', 'why', 'can', 'could', 'would', 'will', 'do', 'i', 'from',
  'by', 'nice', 'thanks', 'thank', 'okay', 'is', 'are', 'to', 'not', 'if', 'then', 'now', 'here',
]);

/** Words after "I am" that are not names ("I'm fine", "I'm back", "I'm going"). */
const NOT_NAMES = new Set([
  'a', 'an', 'the', 'not', 'no', 'yes', 'fine', 'good', 'great', 'okay', 'well', 'alright', 'ok', 'here', 'there',
  'back', 'home', 'sorry', 'tired', 'hungry', 'thirsty', 'happy', 'sad', 'bored', 'busy', 'ready', 'done', 'sure',
  'confused', 'lost', 'new', 'cold', 'hot', 'warm', 'sick', 'ill', 'glad', 'excited', 'angry', 'afraid', 'scared',
  'just', 'so', 'very', 'really', 'also', 'still', 'only', 'from', 'in', 'at', 'on', 'with', 'your', 'you', 'my',
  'his', 'her', 'it', 'this', 'that', 'what', 'curious', 'interested', 'impressed', 'serious', 'joking',
  'kidding', 'late', 'early', 'awake', 'alive', 'human', 'free', 'available', 'old', 'young', 'married', 'single',
  'right', 'wrong', 'correct', 'better', 'worse', 'alone', 'out', 'off', 'up', 'down', 'over', 'test', 'testing',
  'about', 'doing', 'going', 'trying', 'looking', 'calling', 'talking', 'speaking', 'asking', 'thinking',
  'listening', 'waiting', 'leaving', 'fed', 'pleased', 'delighted', 'sleepy', 'stressed', 'worried', 'nervous',
  'hopeful', 'cool', 'nice', 'perfect', 'awesome', 'brilliant', 'excellent', 'terrible', 'awful', 'bad', 'thankful',
  'grateful', 'lucky', 'unsure', 'certain', 'positive', 'totally', 'definitely', 'probably', 'always', 'never',
  'again', 'too', 'as', 'like', 'more', 'less', 'all', 'one', 'ai', 'robot', 'person', 'student', 'teacher',
  'developer', 'user', 'tester', 'someone', 'somebody', 'nobody', 'who', 'hoping', 'feeling', 'writing', 'working',
  'finished', 'stuck', 'annoyed', 'frustrated', 'surprised', 'amazed', 'disappointed', 'kind', 'sort', 'pretty',
  'quite', 'extremely', 'super', 'kinda', 'somewhat', 'rather', 'english', 'american', 'british', 'french', 'german',
  'spanish', 'italian', 'indian', 'chinese', 'japanese', 'canadian', 'australian', 'irish', 'scottish', 'dutch',
].concat(Object.keys({ ...UNITS, ...TEENS, ...TENS, ...SCALES, ...NEAR_MISS_NUMBERS })));

const capitaliseName = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** The name in the words after "my name is" (up to three words), or null when it does not look like one. */
export function extractName(words: string, strict: boolean): string | null {
  const tokens: string[] = [];
  for (const t of words.split(' ')) {
    if (NAME_TERMINATORS.has(t) || tokens.length === 3) break;
    tokens.push(t);
  }
  if (tokens.length === 0 || !tokens.every((t) => /^\p{L}[\p{L}']*$/u.test(t))) return null;
  if (strict) {
    // "I'm Sam" or "I'm Sam Jones", possibly followed by more ("I'm Sam, how are you"), but not "I'm going to bed".
    if (tokens.length > 2) return null;
    if (tokens.some((t) => NOT_NAMES.has(t) || (t.length > 5 && t.endsWith('ing')))) return null;
  }
  return tokens.map(capitaliseName).join(' ');
}

const SET_NAME = patterns(
  '(no|yes)? my (first)? (name is|names) <name>',
  '(the|and)? name is <name>',
  '(you can|you may|just)? call me <name>',
  'i am called <name>',
  '(they|people|everyone|everybody|my friends) (call|calls) me <name>',
  '(this is|it is) <name> speaking',
);
const SET_NAME_STRICT = patterns('(no|yes)? i am <name>');
/** Near misses (a recogniser dropped "is"; said the other way round): understood, not taught to the recogniser. */
const SET_NAME_NEAR_MISS = patterns('(no|yes)? my name <name>', '<name> is my name');

const NAME_QUERY = patterns(
  'what is my name (again)?',
  'what my name is',
  'do you (know|remember) (my name|who i am|what my name is|what i am called)',
  '(remember|know) my name',
  'who am i',
  'what am i called',
  'what do you call me',
  'what (did i say|did i tell you) my name (is|was)',
  'what name did i (give|tell) you',
  '(say|tell me) my name',
  'my name',
);

// ---------------------------------------------------------------------------------------------
// Saying words back

const REPEAT_LAST = patterns(
  'repeat (that|it|yourself|again|that again|what you said|the last (thing|sentence|answer|one))?',
  'say (that|it|this)? again',
  'say what',
  'come again',
  '(i beg your)? pardon (me)?',
  'what did you (just)? say',
  'what was that (again)?',
  'what|huh|sorry|excuse me|again|once more|one more time',
  'i did not (hear|get|catch|understand) (that|you|it|what you said)',
);

/** Words in front of the command that do not belong to what is to be repeated. */
const SAY_LEAD_WORDS = new Set([...FILLERS, 'okay', 'ok', 'so', 'now', 'hey', 'parley', 'just', 'and']);
export const SAY_COMMANDS: readonly (readonly string[])[] = [
  ['repeat', 'after', 'me'], ['say', 'after', 'me'], ['can', 'you', 'say'], ['could', 'you', 'say'],
  ['would', 'you', 'say'], ['will', 'you', 'say'], ['can', 'you', 'repeat'], ['could', 'you', 'repeat'],
  ['say'], ['repeat'],
];

const wordKey = (raw: string) => raw.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}']+$/gu, '');

/** The words to say back from "say ..." / "repeat after me ...", kept as they were written. */
function matchSay(u: Utterance): { words: string } | null {
  const raw = u.rawTokens;
  const keys = raw.map(wordKey);
  let i = 0;
  while (i < keys.length && (SAY_LEAD_WORDS.has(keys[i]) || keys[i] === '')) i++;
  const command = SAY_COMMANDS.find((c) => c.every((w, k) => keys[i + k] === w));
  if (!command) return null;
  i += command.length;
  if (keys[i] === ':' || keys[i] === '') i++;
  if (keys[i] === 'the' && (keys[i + 1] === 'word' || keys[i + 1] === 'words')) i += 2;
  const words = raw.slice(i).filter((_, k) => !FILLERS.has(keys[i + k]) || keys[i + k] === 'please');
  if (words.length > 1 && wordKey(words[words.length - 1]) === 'please') words.pop();
  return { words: words.join(' ') };
}

/** Words to be spoken back, tidied: "hello world" → "Hello world." */
export function sayable(words: string): string {
  const text = words
    .trim()
    .replace(/^["']+|["']+$/g, '')
    .replace(/\bi\b(?=$|\s|')/g, 'I')
    .replace(/(^|[.!?]\s+)(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

// ---------------------------------------------------------------------------------------------
// Time and date

const TIME_IN_PLACE = patterns(
  '(what is|what)? the? (current)? time (is it|it is)? in <place>',
  'what time (is it|it is)? in <place>',
);
const TIME = patterns(
  '(what is|what)? the? (current|exact|local)? time (is it|it is)? (right now|here|now)? (then|please)?',
  '(have|do) you (got|have) the time',
  '(got|check) the time|time check',
  'what hour is it|what is the hour',
  'what time do you have',
  'what (does|do) the clock (say|show)',
  'how late is it',
);
const DATE_TIME = patterns(
  '(what is)? the? (date|day) and (the)? time (is it|today)?',
  '(what is)? the? time and (the)? (date|day) (is it|today)?',
);
const DATE = patterns(
  '(what is|what)? (the|today)? date (today|is it|is it today|is today|today is)?',
  '(what is|what)? (the)? (current|exact)? date',
  '(what|which) day (of the (week|month))? (is it|it is|is today|is it today|today is)? (today)?',
  'what is (the)? day (today)?',
  'what is today|today|what is it today',
  'what is the date of today',
);
/** "what day is tomorrow", "what was the date yesterday" */
const OTHER_DAY = patterns(
  '(what|which) (day|date) (is|will it be|will be|is it)? (the)? <day>',
  '(what|which) (day|date) (was|was it)? <day>',
  '(what is|what was|what will be) (the)? (day|date)? <day>',
  '(what is|what was|what will be)? the (day|date) (of)? <day>',
  '<day> (date|day)',
);
const DAY_OFFSETS: Readonly<Record<string, -1 | 1>> = { tomorrow: 1, yesterday: -1 };

const MONTH = patterns(
  '(what|which) month (is it|it is|are we in|is this)?',
  'what is the (current)? month',
);
const YEAR = patterns(
  '(what|which) year (is it|it is|are we in|is this)?',
  'what is the (current)? year',
);

// ---------------------------------------------------------------------------------------------
// About the assistant

const HELP = patterns(
  'help|help me|i need help|help me out|what is this for',
  '(what|which) (things|questions)? (can|do) you (do|answer|know)',
  'what else can you do',
  'what are you (able to do|good at|good for|for|capable of)',
  'what (can|should) i (say|ask|ask you|do)',
  'how (does|do) (this|it|you) work',
  'how do i use (this|you|it)',
  'what are your (abilities|skills|features|functions|options|commands|capabilities)',
  'what (kind of|sort of)? (things|questions) can (i ask|you do|you answer)',
  '(what|how) can you help (me)? (with)?',
  'options|commands|instructions|menu|abilities',
  'what do you know (how to do)?',
  'do (math|maths|arithmetic|sums)',
);

const WHO = patterns(
  'who are you|what are you',
  'who is (this|that|speaking|talking)',
  'who am i (talking|speaking) (to|with)',
  'who (made|built|created|programmed|wrote) you',
  'what is this (thing)?',
  'introduce yourself|tell me about yourself|about yourself',
  'what (kind|sort) of (assistant|program|thing|bot|robot|ai) are you',
);
const MACHINE = '(robot|bot|chatbot|chat bot|computer|machine|program|human|person|human being|man|woman|ai|a i|artificial intelligence|llm|language model|chat gpt|chatgpt|gpt|siri|alexa)';
const ROBOT = patterns(
  `are you (a|an)? (real)? ${MACHINE} (or (a|an)? (real)? ${MACHINE})?`,
  'are you (real|alive|human|intelligent|smart|sentient|conscious|a real person)',
  `(is this|am i (talking|speaking) (to|with)) (a|an)? (real)? ${MACHINE}`,
);
const BOT_NAME = patterns(
  'what is your name|your name',
  'do you have a name',
  'what (should|can|do) i call you',
  'what are you called|who are you called',
);

const HOW_ARE_YOU = patterns(
  '(how are you|how are you doing|how is it going|how are things|how do you do|how have you been|how is your day|how is everything|how is life|how are you feeling|how goes it) (today|tonight|this morning)?',
  'are you (okay|well|alright|good|fine)',
  'you okay|what is up|sup',
);

// ---------------------------------------------------------------------------------------------
// Social

const GREETING_WORD = '(hello|hi|hey|hiya|howdy|greetings|heya|yo)';
const GREETING = patterns(
  `(${GREETING_WORD}+ (there|again|everyone|everybody|friend|you|all|assistant|computer)?)`,
  'good (morning|afternoon|evening|day) (to you)? (there|everyone)?',
  'morning',
);
const GREETING_PREFIX = /^(hello|hi|hey|hiya|howdy|greetings|heya|yo|good (?:morning|afternoon|evening|day))(?: there)?(?: (?:parley|assistant|computer|again))? (?=\S)/;

const THANKS_WORDS = '(thank you|thanks|cheers|many thanks|ta|thank you kindly|thank u|thank ya)';
const THANKS = patterns(
  `(great|good|perfect|nice|cool|awesome|excellent|lovely|brilliant|wonderful|okay|fantastic|yes)? ${THANKS_WORDS} (very much|so much|a lot|a bunch|kindly|again)? (for (your|the|that|all the|all your)? (help|time|answer|information|info|that))?`,
  'that (was|is) (great|perfect|helpful|very helpful|useful|nice)',
  '(much)? appreciated',
);
const GOODBYE = patterns(
  `(${THANKS_WORDS} (very much|so much|a lot)?)? (and)? (goodbye|good bye|bye|bye bye|bye now|see you (later|soon|tomorrow|around|next time)?|see ya|farewell|good night|night night|talk to you (later|soon)|later|catch you later|so long|take care|have a (good|nice|great) (day|evening|night|one)|i have to go|i (must|need to|got to|should) go|i am (leaving|off|going)|i am done|that is all (for now)?|that will be all|we are done|that is it (for now)?) (then|now|for now|parley|everyone|friend)?`,
);

const FEELING_GOOD = patterns(
  '(i am|i feel|i am feeling|feeling|i am doing|doing) (very|really|pretty|quite|so)? (fine|good|great|okay|well|alright|excellent|wonderful|fantastic|happy|brilliant) (thanks|thank you|thank you very much)? (and you)?',
  '(not bad|not too bad|pretty good|all good|very well|fine|good|great) (thanks|thank you) (and you)?',
);
const FEELING_BAD = patterns(
  '(i am|i feel|i am feeling|feeling|i am doing|doing) (very|really|so|a bit|a little|quite|pretty)? (tired|sad|bored|sick|ill|unwell|stressed|upset|angry|lonely|worried|awful|terrible|bad|not (good|great|well|okay|so good|too good|so well|too well))',
);
const NOTED = patterns(
  '(okay|alright|cool|great|nice|good|fine|sure|yes|yeah|yep|no|nope|right|wow|perfect|excellent|awesome|brilliant|interesting)+',
  'got it|i see|fair enough|never mind|nevermind|nothing|no problem|okay then|sounds good|that is (fine|okay|right|correct|good)',
  '(no|nope) (thank you|thanks)',
);

/** Splits "hi there, what time is it" into the greeting and the request. */
function splitGreeting(u: Utterance): { phrase: string; rest: Utterance } | null {
  const m = u.text.match(GREETING_PREFIX);
  if (!m) return null;
  const restText = u.text.slice(m[0].length);
  const rawWords = m[0].trim().split(' ').length;
  const rest = fromTokens(restText.split(' '), u.rawTokens.slice(rawWords).join(' ') || restText);
  return { phrase: m[1], rest };
}

/** How to greet back: mirrors "good morning", "hi"; otherwise "Hello". */
export function salutation(phrase: string): string {
  if (phrase.startsWith('good ')) return `Good ${phrase.slice(5)}`;
  if (phrase === 'hi' || phrase === 'hiya' || phrase === 'heya') return 'Hi';
  return 'Hello';
}

/** Greetings that call for a greeting back; "hey" / "yo" in front of a request only get attention. */
const greetsBack = (phrase: string) => phrase !== 'hey' && phrase !== 'yo';

// ---------------------------------------------------------------------------------------------
// The intents, in order

export const INTENTS: readonly Intent[] = [
  defineIntent<Slots>({
    name: 'repeat-last',
    match: (u) => (matchAny(REPEAT_LAST, u.text) ? {} : null),
    respond: (_, { lastAgentReply }) => (lastAgentReply?.trim() ? [lastAgentReply.trim()] : ["I haven't said anything yet."]),
  }),

  defineIntent<Slots>({
    name: 'name-query',
    match: (u) => (matchAny(NAME_QUERY, u.text) ? {} : null),
    respond: (_, { userName }) =>
      userName
        ? [`Your name is ${userName}.`]
        : ["I don't know your name yet.", 'You can tell me by saying: my name is, and then your name.'],
  }),

  defineIntent<{ words: string }>({
    name: 'say',
    match: matchSay,
    respond: ({ words }) => (words.trim() ? [sayable(words)] : [ASK_WHAT_TO_SAY]),
  }),

  defineIntent<{ name: string }>({
    name: 'set-name',
    match(u) {
      const loose = matchAny(SET_NAME, u.text);
      const strict = loose ? null : (matchAny(SET_NAME_STRICT, u.text) ?? matchAny(SET_NAME_NEAR_MISS, u.text));
      const captured = loose ?? strict;
      const name = captured && extractName(captured.name, !loose);
      return name ? { name } : null;
    },
    respond({ name }, { userName }) {
      if (userName === name) return [`I remember you, ${name}.`];
      if (userName) return [`Okay, I'll call you ${name} from now on.`];
      return [`Nice to meet you, ${name}.`];
    },
  }),

  defineIntent<{ expression: Expression; said: string; value: number | null }>({
    name: 'arithmetic',
    match: (u) => arithmeticSlots(parseArithmetic(u.tokens)),
    fuzzy: (u) => arithmeticSlots(findArithmetic(u.tokens)),
    respond: ({ expression }) => [answer(expression)],
  }),

  defineIntent<Slots>({
    name: 'date-time',
    match: (u) => (matchAny(DATE_TIME, u.text) ? {} : null),
    fuzzy: (u) => (has(u, 'time') && has(u, 'date', 'day') && u.tokens.length <= 10 ? {} : null),
    respond: (_, { now, timeZone }) => [`Today is ${spokenDate(now, timeZone)}.`, `It is ${spokenTime(now, timeZone)}.`],
  }),

  defineIntent<{ place?: string }>({
    name: 'time',
    match: (u) => matchAny(TIME_IN_PLACE, u.text) ?? (matchAny(TIME, u.text) ? {} : null),
    fuzzy: (u) =>
      (has(u, 'time') && has(u, 'what', 'tell', 'know', 'current', 'check', 'clock', 'hour') && u.tokens.length <= 10) ||
      (has(u, 'clock', "o'clock") && has(u, 'what'))
        ? {}
        : null,
    respond: ({ place }, { now, timeZone }) => {
      const time = `It is ${spokenTime(now, timeZone)}.`;
      return place ? ["I only know the time here, not elsewhere.", time] : [time];
    },
  }),

  defineIntent<{ part: 'date' | 'month' | 'year'; offset?: -1 | 1 }>({
    name: 'date',
    match(u) {
      const other = matchAny(OTHER_DAY, u.text);
      if (other && Object.hasOwn(DAY_OFFSETS, other.day)) return { part: 'date', offset: DAY_OFFSETS[other.day] };
      if (matchAny(DATE, u.text)) return { part: 'date' };
      if (matchAny(MONTH, u.text)) return { part: 'month' };
      if (matchAny(YEAR, u.text)) return { part: 'year' };
      return null;
    },
    fuzzy(u) {
      if (u.tokens.length > 10) return null;
      const offset = has(u, 'tomorrow') ? 1 : has(u, 'yesterday') ? -1 : undefined;
      if (has(u, 'date') || (has(u, 'day') && has(u, 'what', 'which', 'tell', 'know'))) return offset ? { part: 'date', offset } : { part: 'date' };
      if (has(u, 'month') && has(u, 'what', 'which')) return { part: 'month' };
      if (has(u, 'year') && has(u, 'what', 'which')) return { part: 'year' };
      return null;
    },
    respond({ part, offset }, { now, timeZone }) {
      if (part === 'month') return [`It is ${spokenMonth(now, timeZone)}.`];
      if (part === 'year') return [`It is ${spokenYear(now, timeZone)}.`];
      if (offset === 1) return [`Tomorrow is ${spokenDate(new Date(now.getTime() + DAY_MS), timeZone)}.`];
      if (offset === -1) return [`Yesterday was ${spokenDate(new Date(now.getTime() - DAY_MS), timeZone)}.`];
      return [`Today is ${spokenDate(now, timeZone)}.`];
    },
  }),

  defineIntent<Slots>({
    name: 'help',
    match: (u) => (matchAny(HELP, u.text) ? {} : null),
    fuzzy: (u) => (has(u, 'help') || (has(u, 'what') && has(u, 'can') && has(u, 'you') && has(u, 'do')) ? {} : null),
    respond: () => [
      'I can tell you the time and the date, do arithmetic like twelve times seven, remember your name, and repeat after you.',
      'Just ask.',
    ],
  }),

  defineIntent<{ about: 'who' | 'robot' | 'name' }>({
    name: 'identity',
    match: (u) =>
      matchAny(WHO, u.text) ? { about: 'who' } : matchAny(ROBOT, u.text) ? { about: 'robot' } : matchAny(BOT_NAME, u.text) ? { about: 'name' } : null,
    fuzzy: (u) =>
      has(u, 'you') && has(u, 'robot', 'bot', 'human', 'ai', 'computer', 'machine', 'person', 'real', 'chatgpt')
        ? { about: 'robot' }
        : null,
    respond: ({ about }) =>
      about === 'robot'
        ? ["I'm a computer program, not a person.", "I'm Parley's small built-in assistant: I follow fixed rules and I'm not an AI model."]
        : about === 'name'
          ? ["I'm Parley's built-in assistant; I don't have a name of my own."]
          : ["I'm Parley's built-in assistant.", "I'm a small program that follows fixed rules, not an AI model."],
  }),

  defineIntent<Slots>({
    name: 'how-are-you',
    match: (u) => (matchAny(HOW_ARE_YOU, u.text) ? {} : null),
    respond: () => ["I'm working fine, thanks for asking.", 'How can I help?'],
  }),

  defineIntent<{ phrase: string }>({
    name: 'greeting',
    match: (u) => {
      if (!matchAny(GREETING, u.text)) return null;
      const phrase = u.tokens[0] === 'good' ? u.tokens.slice(0, 2).join(' ') : u.tokens[0] === 'morning' ? 'good morning' : u.tokens[0];
      return { phrase };
    },
    respond: ({ phrase }, { userName }) => [`${salutation(phrase)}${addressed(userName)}.`, 'How can I help?'],
  }),

  defineIntent<{ thanks: boolean }>({
    name: 'goodbye',
    match: (u) => (matchAny(GOODBYE, u.text) ? { thanks: has(u, 'thank', 'thanks', 'cheers', 'ta') } : null),
    respond: ({ thanks }, { userName }) => [...(thanks ? ["You're welcome."] : []), `Goodbye${addressed(userName)}.`],
  }),

  defineIntent<Slots>({
    name: 'thanks',
    match: (u) => (matchAny(THANKS, u.text) ? {} : null),
    fuzzy: (u) => (has(u, 'thank', 'thanks') && u.tokens.length <= 8 ? {} : null),
    respond: (_, { userName }) => [`You're welcome${addressed(userName)}.`],
  }),

  defineIntent<{ tone: 'good' | 'bad' | 'noted' }>({
    name: 'acknowledge',
    match: (u) =>
      matchAny(FEELING_GOOD, u.text)
        ? { tone: 'good' }
        : matchAny(FEELING_BAD, u.text)
          ? { tone: 'bad' }
          : matchAny(NOTED, u.text)
            ? { tone: 'noted' }
            : null,
    respond: ({ tone }) => [tone === 'good' ? 'Good to hear.' : tone === 'bad' ? "I'm sorry to hear that." : 'Okay.'],
  }),
];

function arithmeticSlots(expression: Expression | null) {
  if (!expression) return null;
  const result = evaluate(expression);
  return { expression, said: describe(expression), value: result.ok ? result.value : null };
}

const BY_NAME = new Map(INTENTS.map((i) => [i.name, i]));

/**
 * The phrase patterns behind each pattern-based intent, for generating what the agent understands
 * (the recogniser's domain language model). Arithmetic and "say" are parsed, not patterned: see domain.ts.
 * Captures: <name> a person's name, <place> a place, <day> "tomorrow" or "yesterday".
 */
export const INTENT_PATTERNS: Readonly<Partial<Record<IntentName, readonly Pattern[]>>> = {
  'repeat-last': REPEAT_LAST,
  'name-query': NAME_QUERY,
  'set-name': [...SET_NAME, ...SET_NAME_STRICT],
  'date-time': DATE_TIME,
  time: [...TIME_IN_PLACE, ...TIME],
  date: [...DATE, ...OTHER_DAY, ...MONTH, ...YEAR],
  help: HELP,
  identity: [...WHO, ...ROBOT, ...BOT_NAME],
  'how-are-you': HOW_ARE_YOU,
  greeting: GREETING,
  goodbye: GOODBYE,
  thanks: THANKS,
  acknowledge: [...FEELING_GOOD, ...FEELING_BAD, ...NOTED],
};

/** What was heard, for echoing back: sentence punctuation dropped, at most a dozen words. */
export function echoedText(original: string): string {
  const words = original.replace(/[.!?;:"\u201c\u201d]/g, ' ').split(/\s+/).filter(Boolean);
  return words.length > 12 ? `${words.slice(0, 12).join(' ')} and so on` : words.join(' ');
}

function classifyUtterance(u: Utterance): Classification {
  if (u.tokens.length === 0) return { intent: 'empty', slots: {} };

  const greeting = matchAny(GREETING, u.text) ? null : splitGreeting(u);
  if (greeting) {
    const rest = classifyUtterance(greeting.rest);
    if (rest.intent !== 'unknown' && rest.intent !== 'empty' && rest.intent !== 'greeting') {
      return { ...rest, greeting: greeting.phrase };
    }
  }

  const forms = [u];
  const stripped = stripLeadIns(u);
  if (stripped !== u) forms.push(stripped);
  for (const stage of ['match', 'fuzzy'] as const) {
    for (const intent of INTENTS) {
      for (const form of forms) {
        const slots = intent[stage]?.(form);
        if (slots) return { intent: intent.name, slots };
      }
    }
  }
  if (greeting) return { intent: 'greeting', slots: { phrase: greeting.phrase } };
  return { intent: 'unknown', slots: { heard: echoedText(u.original) } };
}

/**
 * What the utterance asks for, without answering it. Pure: the same text always gives the same
 * classification (the conversation only changes the wording of replies, not the intent).
 */
export function classifyIntent(text: string): Classification {
  return classifyUtterance(normalise(text));
}

/** The reply sentences for a classified utterance. */
export function respond(classification: Classification, context: ReplyContext): string[] {
  const { intent, slots, greeting } = classification;
  let sentences: string[];
  if (intent === 'empty') sentences = ["Sorry, I didn't catch that."];
  else if (intent === 'unknown') sentences = [`I heard: '${String(slots.heard)}'.`, `I'm the built-in assistant; ${CAPABILITIES}`];
  else sentences = BY_NAME.get(intent)!.respond(slots, context);
  if (greeting && greetsBack(greeting)) {
    sentences = [`${salutation(greeting)}${intent === 'set-name' ? '' : addressed(context.userName)}.`, ...sentences];
  }
  return sentences;
}
