/**
 * The recognition evaluation set: what people say to the built-in agent (in-domain), and
 * everyday sentences it does not understand (open-domain), each with its reference text and the
 * intent the agent should find.
 *
 * Written as people talk, independently of the agent's own phrase generator (domain.ts, which the
 * recogniser's domain model is built from): hand-written templates filled with numbers said in
 * several ways, names (some the domain model does not list), date and time phrasings, fillers,
 * "repeat after me" with open-vocabulary words, greetings and help requests.
 *
 * Every item is in exactly one split: `dev` (about a third) is for tuning decoder settings,
 * `test` for the reported figures, so the tuning never sees the reported utterances.
 */
import type { IntentName } from '../../providers/agent/builtin';
import { seededRandom } from '../../../lib/seeded-random';

export type EvalDomain = 'in' | 'open';
export type EvalSplit = 'dev' | 'test';

export interface EvalItem {
  /** Stable id, e.g. "arithmetic-17". */
  id: string;
  /** What is said, as a person would write it (the reference transcript). */
  text: string;
  /** What the built-in agent should understand ('unknown' for open-domain sentences). */
  intent: IntentName;
  domain: EvalDomain;
  split: EvalSplit;
}


/** FNV-1a, for deterministic split assignment. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven',
  'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 0-999 in words, the way people say them: "twenty five", "a hundred and five", "three hundred twelve". */
function words(n: number, r: () => number): string {
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? ` ${ONES[n % 10]}` : '');
  const h = Math.floor(n / 100);
  const rest = n % 100;
  const head = h === 1 && r() < 0.4 ? 'a hundred' : `${ONES[h]} hundred`;
  if (rest === 0) return head;
  return `${head}${r() < 0.6 ? ' and' : ''} ${words(rest, r)}`;
}

/** Names people give: mostly common ones, some the agent's name list does not have. */
const NAMES = [
  'peter', 'anna', 'david', 'sarah', 'james', 'emily', 'michael', 'laura', 'tom', 'lucy', 'daniel', 'grace',
  'robert', 'olivia', 'chris', 'hannah', 'mark', 'julia', 'steve', 'kate', 'paul', 'rachel', 'sam', 'emma',
  'harriet', 'marcus', 'nora', 'felix', 'rosa', 'ivan', 'elena', 'omar', 'leila', 'simon', 'agnes', 'victor',
];

/** Words to repeat back: open vocabulary, none of them in the agent's phrase generator. */
const SAY_PHRASES = [
  'the cat sat on the mat', 'i would like a cup of tea', 'open the window', 'the train leaves at noon',
  'red yellow and blue', 'we are going to the beach', 'my favourite colour is green', 'it is raining outside',
  'pass the salt please', 'the dog is barking', 'see you on monday', 'i forgot my keys', 'water the plants',
  'the meeting starts soon', 'happy new year', 'she sells sea shells', 'all is well', 'buy some milk',
  'good night and sweet dreams', 'the sky is blue', 'call the doctor', 'turn left at the corner',
];

const OPEN_DOMAIN = [
  'the weather was lovely so we walked along the river',
  'please send the report to my manager before noon',
  'i need to buy bread and eggs on the way home',
  'our flight to chicago was delayed by two hours',
  'the children are playing football in the park',
  'can you recommend a good restaurant near the station',
  'she has been learning to play the piano for years',
  'the meeting has been moved to thursday afternoon',
  'i think the printer on the second floor is broken',
  'we should paint the kitchen a lighter colour',
  'he forgot to lock the front door last night',
  'the museum is closed on mondays',
  'my brother lives in a small town by the sea',
  'turn off the lights when you leave the room',
  'the new phone has a much better camera',
  'they opened a bakery across the street',
  'i usually drink coffee in the morning',
  'the garden looks beautiful in the spring',
  'remind me to call the dentist next week',
  'the bus was full so i had to stand',
  'my sister is studying medicine at university',
  'we watched a documentary about whales',
  'the price of petrol went up again',
  'could you help me carry these boxes upstairs',
  'the library has a great collection of old maps',
  'i left my umbrella on the train',
  'the soup needs a little more salt',
  'our neighbours are moving to another city',
  'the concert was cancelled because of the storm',
  'he runs five miles every morning before work',
  'i have an appointment with the bank tomorrow',
  'the cat is sleeping on the sofa',
  'please turn the music down a little',
  'we are planning a trip to the mountains in august',
  'this book is much longer than i expected',
  'the shop on the corner sells fresh fruit',
  'she painted a picture of the old harbour',
  'the road was closed because of an accident',
  'i would like to open a savings account',
  'the team won the match in the last minute',
  'my computer is running very slowly today',
  'let us meet outside the cinema at seven',
  'the baby finally fell asleep',
  'we need more chairs for the party',
  'the hotel room had a view of the ocean',
  'he is writing a letter to his grandmother',
  'the doctor told me to get more sleep',
  'there is a lot of traffic on the motorway',
  'i prefer tea with a little milk',
  'the students handed in their homework late',
  'my keys were in my coat pocket all along',
  'the restaurant serves breakfast until eleven',
  'we planted tomatoes and beans this year',
  'the elevator is out of order again',
  'the movie was better than the book',
  'please write your address on this form',
  'the river flooded after the heavy rain',
  'i am looking for a pair of running shoes',
  'the town hall was built a hundred years ago',
  'our teacher gave us a difficult test',
];

type Template = string | ((r: () => number) => string);

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const small = (r: () => number) => words(Math.floor(r() * 13), r);
const medium = (r: () => number) => words(Math.floor(r() * 100), r);
const operand = (r: () => number) => (r() < 0.55 ? small(r) : r() < 0.85 ? medium(r) : words(100 + Math.floor(r() * 900), r));

const ARITHMETIC: Template[] = [
  (r) => `what is ${operand(r)} times ${small(r)}`,
  (r) => `what's ${operand(r)} plus ${operand(r)}`,
  (r) => `what is ${operand(r)} minus ${small(r)}`,
  (r) => `what's ${operand(r)} divided by ${small(r)}`,
  (r) => `how much is ${operand(r)} plus ${operand(r)}`,
  (r) => `what is ${small(r)} multiplied by ${small(r)}`,
  (r) => `${operand(r)} times ${small(r)}`,
  (r) => `${operand(r)} plus ${operand(r)}`,
  (r) => `um what's ${small(r)} times ${small(r)}`,
  (r) => `can you add ${operand(r)} and ${operand(r)}`,
  (r) => `subtract ${small(r)} from ${medium(r)}`,
  (r) => `multiply ${small(r)} by ${small(r)}`,
  (r) => `what do you get if you multiply ${small(r)} by ${small(r)}`,
  (r) => `calculate ${operand(r)} divided by ${small(r)}`,
  (r) => `what is ${medium(r)} take away ${small(r)}`,
  (r) => `hey what's ${small(r)} plus ${small(r)}`,
  (r) => `could you tell me what ${small(r)} times ${small(r)} is`,
  (r) => `what is ${small(r)} plus ${small(r)} plus ${small(r)}`,
  (r) => `uh what is ${operand(r)} minus ${operand(r)}`,
  (r) => `what's the sum of ${operand(r)} and ${operand(r)}`,
  (r) => `${small(r)} divided by ${small(r)}`,
  (r) => `what is ${small(r)} point five times ${small(r)}`,
];

const TIME: Template[] = [
  'what time is it', "what's the time", 'what is the time', 'do you know what time it is', 'tell me the time please',
  'what time is it right now', 'have you got the time', 'could you tell me the time', 'what time is it now',
  'um what time is it', "what's the time please", 'hey what time is it', 'can you tell me what time it is',
  'what is the current time', 'time please', 'what time is it in london', "what's the time in tokyo",
  'so what time is it', 'excuse me what time is it', 'what time do you have',
];

const DATE: Template[] = [
  'what is the date today', 'tell me the date today', 'what day is it', "what's today's date", 'what day is it today',
  'what is the date', 'which day is it today', 'what day of the week is it', 'what date is it today',
  'what day is tomorrow', 'what was the date yesterday', 'what month is it', 'what year is it',
  "what's the date tomorrow", 'can you tell me the date', 'do you know what day it is', 'uh what is the date today',
  'tell me the date please', 'what is today', "what's the date", 'which month are we in', 'what year are we in',
];

const DATE_TIME: Template[] = ['what is the date and time', "what's the time and date", 'tell me the date and the time', 'date and time please'];

const SET_NAME: Template[] = [
  (r) => `my name is ${pick(r, NAMES)}`,
  (r) => `call me ${pick(r, NAMES)}`,
  (r) => `i'm ${pick(r, NAMES)}`,
  (r) => `hi my name is ${pick(r, NAMES)}`,
  (r) => `you can call me ${pick(r, NAMES)}`,
  (r) => `my name's ${pick(r, NAMES)}`,
  (r) => `hello i'm ${pick(r, NAMES)}`,
  (r) => `um my name is ${pick(r, NAMES)}`,
  (r) => `please call me ${pick(r, NAMES)}`,
  (r) => `my first name is ${pick(r, NAMES)}`,
];

const NAME_QUERY: Template[] = [
  "what's my name", 'what is my name', 'do you remember my name', 'do you know my name', 'who am i',
  'tell me my name', 'what is my name again', 'can you say my name', 'do you know who i am', 'what am i called',
];

const SAY: Template[] = [
  (r) => `repeat after me ${pick(r, SAY_PHRASES)}`,
  (r) => `say ${pick(r, SAY_PHRASES)}`,
  (r) => `can you say ${pick(r, SAY_PHRASES)}`,
  (r) => `please repeat after me ${pick(r, SAY_PHRASES)}`,
  (r) => `could you say ${pick(r, SAY_PHRASES)}`,
];

const REPEAT_LAST: Template[] = [
  'say that again', 'can you repeat that', 'pardon', 'what did you say', 'sorry what', 'come again',
  "i didn't catch that", 'repeat that please', 'could you say that again', 'once more', 'what was that',
];

const HELP: Template[] = [
  'what can you do', 'help', 'what can i ask you', 'how does this work', 'can you help me', 'i need help',
  'what are you able to do', 'what else can you do', 'help me please', 'what can i say',
];

const IDENTITY: Template[] = [
  'who are you', 'are you a robot', "what's your name", 'are you a real person', 'are you human',
  'what is your name', 'who am i talking to', 'are you a computer', 'tell me about yourself', 'what are you',
];

const HOW_ARE_YOU: Template[] = ['how are you', "how's it going", 'how are you doing today', 'how are you today', 'are you okay', 'how are you doing'];
const GREETING: Template[] = ['hello', 'hi there', 'good morning', 'hey there', 'good evening', 'hello there', 'good afternoon', 'hi'];
const GOODBYE: Template[] = ['goodbye', 'see you later', 'bye bye', 'thanks bye', 'good night', 'talk to you later', 'i have to go', 'bye for now'];
const THANKS: Template[] = ['thank you', 'thanks a lot', 'thank you very much', 'cheers', 'thanks for your help', 'great thanks'];
const ACKNOWLEDGE: Template[] = ["i'm fine thanks", 'okay', 'got it', 'never mind', 'i am good thank you', 'not bad thanks', 'sounds good'];

/** How many items each intent gets. */
const PLAN: ReadonlyArray<readonly [IntentName, Template[], number]> = [
  ['arithmetic', ARITHMETIC, 110],
  ['time', TIME, 36],
  ['date', DATE, 44],
  ['date-time', DATE_TIME, 8],
  ['set-name', SET_NAME, 50],
  ['name-query', NAME_QUERY, 20],
  ['say', SAY, 34],
  ['repeat-last', REPEAT_LAST, 18],
  ['help', HELP, 18],
  ['identity', IDENTITY, 20],
  ['how-are-you', HOW_ARE_YOU, 12],
  ['greeting', GREETING, 16],
  ['goodbye', GOODBYE, 14],
  ['thanks', THANKS, 12],
  ['acknowledge', ACKNOWLEDGE, 12],
];

function splitOf(id: string): EvalSplit {
  return hashString(`split:${id}`) % 3 === 0 ? 'dev' : 'test';
}

/** The whole evaluation set (deterministic). */
export function evalItems(): EvalItem[] {
  const r = seededRandom(20241125);
  const items: EvalItem[] = [];
  for (const [intent, templates, count] of PLAN) {
    const seen = new Set<string>();
    for (let k = 0; k < count; k++) {
      const template = templates[k % templates.length];
      let text = typeof template === 'string' ? template : template(r);
      // Fixed phrases repeat once the list is used up (said by other voices, under other noise);
      // generated ones are drawn again when they come out the same.
      for (let retry = 0; typeof template !== 'string' && seen.has(text) && retry < 20; retry++) text = template(r);
      seen.add(text);
      const id = `${intent}-${k}`;
      items.push({ id, text, intent, domain: 'in', split: splitOf(id) });
    }
  }
  OPEN_DOMAIN.forEach((text, k) => {
    const id = `open-${k}`;
    items.push({ id, text, intent: 'unknown', domain: 'open', split: splitOf(id) });
  });
  return items;
}
