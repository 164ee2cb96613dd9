/**
 * Socket fuzz run (issue 12): at least 100,000 malformed and mutated frames over several
 * /ws connections of the production build — random bytes, random JSON, wrong types, huge
 * numbers, deep nesting, the 64 KiB boundary, bad base64, utterance messages out of order,
 * duplicate and gapped sequences, binary frames. Pass when: the server never crashed, logged no
 * error (an unhandled fault), sent no internal_error, and every answer was valid contract JSON;
 * then a spoken turn on a new session still works. Prints RSS before and after. Seeded.
 *   npx tsx scripts/fuzz-socket.ts [frames=100000] [connections=8] [seed=1]   (npm run fuzz)
 */
import crypto from 'node:crypto';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES, serverMessage } from '../lib/contract/messages';
import { seededRandom } from '../lib/seeded-random';
import { ContractClient } from '../server/testing/contract-client';
import { startServer } from '../server/testing/server-process';
import { processTree } from '../server/testing/talker';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';
import { signUp, type TestUser } from '../server/testing/users';

const total = Number(process.argv[2] ?? 100_000);
const connections = Number(process.argv[3] ?? 8);
const random = seededRandom(Number(process.argv[4] ?? 1));
/** Under the server's 250 frames a second per connection, so that the run fuzzes parsing, not the rate limit. */
const FRAMES_PER_SECOND = 200;

const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (n: number) => Math.floor(random() * n);
const b64 = (bytes: number) => Buffer.from(Array.from({ length: bytes }, () => int(256))).toString('base64');

const HUGE: unknown[] = [1e308, -1e308, 2 ** 53 + 1, -1, -0, 0.5, 1e-320, Number.MAX_SAFE_INTEGER, '9'.repeat(400), 'NaN', 'Infinity', null, true, [], {}, ''];
const TYPES = ['user.audio.start', 'user.audio.chunk', 'user.audio.end', 'agent.interrupt', 'rtc.offer', 'session.ready', 'error', '__proto__', 'constructor', 'toString', 'USER.AUDIO.START', '', 'x'.repeat(1000)];
const IDS: unknown[] = ['u1', 'u2', 'a', '-', '_'.repeat(64), 'x'.repeat(65), '', 'has space', '../etc', '💥', 7, null, ['u1']];

function randomJson(depth = 0): unknown {
  switch (int(depth > 3 ? 4 : 7)) {
    case 0: return pick(HUGE);
    case 1: return crypto.randomBytes(int(20)).toString('latin1');
    case 2: return int(1e6) - 5e5;
    case 3: return random() < 0.5;
    case 4: return Array.from({ length: int(5) }, () => randomJson(depth + 1));
    case 5: return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['type', 'utteranceId', 'audio', 'sequence', 'timestamp', 'format', 'sdp', 'a']), randomJson(depth + 1)]));
    default: return null;
  }
}

function validLike(): Record<string, unknown> {
  const utteranceId = pick(['u1', 'u2', 'u3', `f${int(1e9)}`]);
  const base = pick([
    { type: 'user.audio.start', utteranceId, timestamp: Date.now() },
    { type: 'user.audio.start', utteranceId, timestamp: Date.now(), format: { encoding: pick(['pcm_s16le', 'opus', 7]), sampleRate: pick([16000, 48000, -1, 1e308]), channels: pick([1, 2, 0]) } },
    { type: 'user.audio.chunk', utteranceId, sequence: int(5), timestamp: Date.now(), audio: b64(pick([2, 64, 640])) },
    { type: 'user.audio.end', utteranceId, sequence: int(5), timestamp: Date.now() },
    { type: 'agent.interrupt', timestamp: Date.now(), playedMs: pick([0, 100, -5, 1e308]) },
    { type: 'rtc.offer', sdp: pick(['', 'v=0', 'x'.repeat(2000)]) },
  ]) as Record<string, unknown>;
  // Mutate: a field of the wrong type or size, missing, or an extra one.
  const keys = Object.keys(base);
  switch (int(5)) {
    case 0: base[pick(keys)] = pick(HUGE); break;
    case 1: delete base[pick(keys.filter((k) => k !== 'type'))]; break;
    case 2: base.type = pick(TYPES); break;
    case 3: base.utteranceId = pick(IDS); break;
    default: base[`extra${int(3)}`] = randomJson(); break;
  }
  return base;
}

function deepNesting(): string {
  const depth = 1000 + int(20_000);
  return pick([
    () => '['.repeat(depth) + ']'.repeat(depth),
    () => '{"a":'.repeat(depth / 4) + '1' + '}'.repeat(depth / 4),
    () => `{"type":"user.audio.start","utteranceId":"d","timestamp":1,"format":${'{"e":'.repeat(depth / 4)}1${'}'.repeat(depth / 4)}}`,
    () => '['.repeat(depth), // unterminated
  ])();
}

function badAudio(): Record<string, unknown> {
  return {
    type: 'user.audio.chunk',
    utteranceId: 'u1',
    sequence: int(3),
    timestamp: Date.now(),
    audio: pick(['!!!!', 'AAA', 'A', '====', b64(3), b64(6402), 'QUFB\nQUFB', '\u0000', 'é'.repeat(10), 'A'.repeat(10_000)]),
  };
}

/** A short scripted utterance, out of order, with duplicates and gaps. */
function utteranceScript(): Record<string, unknown>[] {
  const id = `s${int(1e9)}`;
  const chunk = (sequence: number) => ({ type: 'user.audio.chunk', utteranceId: id, sequence, timestamp: Date.now(), audio: b64(64) });
  return pick([
    () => [chunk(0), { type: 'user.audio.end', utteranceId: id, timestamp: 1 }, { type: 'user.audio.start', utteranceId: id, timestamp: 1 }],
    () => [{ type: 'user.audio.start', utteranceId: id, timestamp: 1 }, chunk(0), chunk(0), chunk(3), chunk(2), { type: 'user.audio.end', utteranceId: id, sequence: 9, timestamp: 1 }, chunk(4)],
    () => [{ type: 'user.audio.start', utteranceId: id, timestamp: 1 }, { type: 'user.audio.start', utteranceId: `${id}b`, timestamp: 1 }, { type: 'user.audio.end', utteranceId: id, timestamp: 1 }, { type: 'user.audio.end', utteranceId: id, timestamp: 1 }],
    () => [{ type: 'user.audio.start', utteranceId: id, timestamp: 1 }, { type: 'agent.interrupt', utteranceId: id, timestamp: 1 }, chunk(1), { type: 'user.audio.end', utteranceId: id, timestamp: 1 }],
  ])();
}

/** The next frame(s) to send: [payload, binary]. */
function nextFrames(): Array<[string | Buffer, boolean]> {
  const roll = random();
  if (roll < 0.12) return [[crypto.randomBytes(1 + int(200)), false]]; // random bytes as a text frame (often invalid UTF-8)
  if (roll < 0.18) return [[crypto.randomBytes(1 + int(200)), true]]; // binary frame
  if (roll < 0.3) return [[JSON.stringify(randomJson()), false]];
  if (roll < 0.62) return [[JSON.stringify(validLike()), false]];
  if (roll < 0.7) return [[JSON.stringify(badAudio()), false]];
  if (roll < 0.8) return utteranceScript().map((m) => [JSON.stringify(m), false]);
  if (roll < 0.83) return [[deepNesting(), false]];
  if (roll < 0.835) {
    // The 64 KiB boundary: exactly the limit is parsed; one byte over closes with 1009.
    const over = random() < 0.3 ? 1 : 0;
    const filler = MAX_FRAME_BYTES + over - '{"type":"rtc.offer","sdp":""}'.length;
    return [[`{"type":"rtc.offer","sdp":"${'v'.repeat(filler)}"}`, false]];
  }
  if (roll < 0.9) return [[JSON.stringify(validLike()).slice(0, int(40)), false]]; // truncated JSON
  return [[pick(['', ' ', 'null', '[]', '"x"', '1', '{}', '{"type":1}', '{"type":null}', '{"__proto__":{"type":"x"}}', '{"type":"user.audio.chunk"}']), false]];
}

interface Tally {
  sent: number;
  answers: number;
  invalid: string[];
  byCode: Map<string, number>;
  closes: Map<number, number>;
}

async function fuzzConnection(url: string, person: TestUser, frames: number, tally: Tally): Promise<void> {
  let left = frames;
  while (left > 0) {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie: person.cookie }, origin: new URL(url).origin });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data, isBinary) => {
      tally.answers++;
      let value: unknown;
      try {
        value = JSON.parse(data.toString());
      } catch {
        value = undefined;
      }
      const parsed = isBinary ? undefined : serverMessage.safeParse(value);
      if (!parsed?.success) tally.invalid.push(data.toString().slice(0, 200));
      else if (parsed.data.type === 'error') tally.byCode.set(parsed.data.code, (tally.byCode.get(parsed.data.code) ?? 0) + 1);
    });
    ws.on('error', () => {});
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('unexpected-response', () => resolve(false));
      ws.once('error', () => resolve(false));
    });
    if (!opened) throw new Error('the server refused a fuzz connection');
    const started = performance.now();
    let sentHere = 0;
    while (left > 0 && ws.readyState === WebSocket.OPEN) {
      for (const [payload, binary] of nextFrames()) {
        if (ws.readyState !== WebSocket.OPEN) break;
        ws.send(payload, { binary });
        left--;
        sentHere++;
        tally.sent++;
      }
      const wait = started + (sentHere * 1000) / FRAMES_PER_SECOND - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    const code = await closed;
    tally.closes.set(code, (tally.closes.get(code) ?? 0) + 1);
  }
}

const server = await startServer({ env: { MAX_SESSIONS: String(connections + 4) } });
let failed = false;
try {
  const people = await Promise.all(Array.from({ length: connections }, (_, i) => signUp(server.url, `Fuzz ${i}`)));
  const pid = server.process.pid!;
  const before = processTree(pid);
  const tally: Tally = { sent: 0, answers: 0, invalid: [], byCode: new Map(), closes: new Map() };
  const started = performance.now();
  const progress = setInterval(() => console.log(`  ${tally.sent} frames sent, ${tally.answers} answers`), 10_000);
  await Promise.all(people.map((person, i) => fuzzConnection(server.url, person, Math.ceil(total / connections) + (i === 0 ? 0 : 0), tally)));
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  const after = processTree(pid);

  // Then a spoken turn on a new session still works.
  const person = await signUp(server.url, 'After Fuzz');
  const client = await ContractClient.connect(server.url, { cookie: person.cookie });
  await client.next('session.ready');
  await client.speak('after', await synthesizeSpeech('what time is it', { leadingSilenceMs: 200, trailingSilenceMs: 300 }), { realtime: true });
  const final = await client.next('transcript.final', (f) => f.utteranceId === 'after');
  const end = await client.next('agent.audio.end');
  await client.close();

  const alive = server.process.exitCode === null && server.process.signalCode === null;
  const errorsLogged = server.logRecords().filter((r) => r.level >= 50);
  const internal = tally.byCode.get('internal_error') ?? 0;
  console.log(`\nfuzz-socket: ${tally.sent} frames over ${connections} connections in ${seconds.toFixed(0)} s; ${tally.answers} answers`);
  console.log(`  answers outside the contract: ${tally.invalid.length}${tally.invalid.length ? ` (e.g. ${tally.invalid[0]})` : ''}`);
  console.log(`  error codes: ${[...tally.byCode].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ')}`);
  console.log(`  closes: ${[...tally.closes].map(([c, n]) => `${c}×${n}`).join(', ')}`);
  console.log(`  server alive: ${alive}; error-level log records: ${errorsLogged.length}${errorsLogged.length ? ` (${errorsLogged[0].msg}: ${errorsLogged[0].err?.message ?? ''})` : ''}; internal_error answers: ${internal}`);
  const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
  console.log(`  server RSS: Node process ${mib(before.mainRssBytes)} before, ${mib(after.mainRssBytes)} after; with its decoders ${mib(before.rssBytes)} (${before.processes} processes) before, ${mib(after.rssBytes)} (${after.processes}) after`);
  console.log(`  spoken turn afterwards: "${final.text}" → reply ${end.reason}`);
  failed = tally.sent < total || tally.invalid.length > 0 || !alive || errorsLogged.length > 0 || internal > 0 || final.text === '' || end.reason !== 'completed';
  console.log(failed ? 'FUZZ FAILED' : 'fuzz passed');
} finally {
  await server.stop();
  await closeSpeechEngines();
}
process.exit(failed ? 1 : 0);
