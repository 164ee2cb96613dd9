/**
 * Configuration comes from environment variables only, validated once at start-up.
 * A bad value stops the server with one message naming the variable and the form expected.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { defaultMaxSessions } from './capacity';
import { LOG_LEVELS, type LogLevel } from './log';

const port = z.coerce
  .number({ error: 'must be a TCP port number, e.g. 3000' })
  .int('must be a whole number, e.g. 3000')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const count = (example: number, what: string) =>
  z.coerce
    .number({ error: `must be a number of ${what}, e.g. ${example}` })
    .int(`must be a whole number, e.g. ${example}`)
    .min(1, 'must be at least 1');

/** Which proxies may say who the client is: `hops` nearest ones, or those at `addresses`. */
export type TrustProxy = { hops: number } | { addresses: string[] };

/** proxy-addr's names for the usual private ranges; each stands for its IPv4 and IPv6 ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const TRUST_PROXY_FORM =
  'must be the number of proxies in front of Parley (e.g. 1) or a comma-separated list of their addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1)';

/** Why `entry` is not a proxy address or range, or undefined when it is one. */
function badProxyEntry(entry: string): string | undefined {
  if (entry === '') return 'it has an empty entry';
  if (NAMED_RANGES.has(entry)) return undefined;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = net.isIP(address);
  const prefix = slash === -1 ? undefined : entry.slice(slash + 1);
  // A /0 range would trust every address, and so believe whatever any client writes.
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 6 ? 128 : 32));
  if (family === 0 || !prefixOk || !compiles(entry)) return `${JSON.stringify(entry)} is not an IP address or CIDR range`;
  return undefined;
}

/** The last word is proxy-addr's, which server/http/client-address.ts compiles TRUST_PROXY with. */
function compiles(entry: string): boolean {
  try {
    proxyAddr.compile([entry]);
    return true;
  } catch {
    return false;
  }
}

/** A whole number in [min, max] of `unit`, e.g. milliseconds. */
const bounded = (unit: string, min: number, max: number, example: number) =>
  z.coerce
    .number({ error: `must be a number of ${unit}, e.g. ${example}` })
    .int(`must be a whole number of ${unit}, e.g. ${example}`)
    .min(min, `must be between ${min} and ${max} ${unit}`)
    .max(max, `must be between ${min} and ${max} ${unit}`);

const trustProxy = z.string().transform((value, ctx): TrustProxy => {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed))) return { hops: Number(trimmed) };
  const addresses = trimmed.split(',').map((entry) => entry.trim());
  const problem = addresses.map(badProxyEntry).find((p) => p !== undefined);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: `${TRUST_PROXY_FORM}; ${problem}` });
    return z.NEVER;
  }
  return { addresses };
});

/** An http(s) base URL of an OpenAI-style API, e.g. http://localhost:11434/v1. */
const httpBaseUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be the http(s) URL of the server's API, e.g. ${example}` }).transform((url) => url.replace(/\/+$/, ''));

const modelName = (example: string) => z.string().trim().min(1, `must be a model name, e.g. ${example}`);

export const OPENAI_API = 'https://api.openai.com/v1';
export const DEEPGRAM_LISTEN = 'wss://api.deepgram.com/v1/listen';

const UDP_PORTS_FORM = 'must be a range of UDP ports, low-high, e.g. 40000-40199 (each call holds one port)';
const udpPorts = z.string().transform((value, ctx): [number, number] => {
  const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(value);
  const [low, high] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || low < 1024 || high > 65535 || low >= high) {
    ctx.addIssue({ code: 'custom', message: `${UDP_PORTS_FORM}; ports 1024-65535, the first below the last` });
    return z.NEVER;
  }
  return [low, high];
});

const ICE_SERVERS_FORM = 'must be a comma-separated list of stun:, turn: or turns: URLs, e.g. stun:stun.example.com:3478,turn:turn.example.com:3478';
const iceServerUrls = z.string().transform((value, ctx): string[] => {
  const urls = value.split(',').map((url) => url.trim());
  const bad = urls.find((url) => !/^(stun|turns?):[^\s,:/?#]+(:\d{1,5})?(\?transport=(udp|tcp))?$/.test(url));
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `${ICE_SERVERS_FORM}; ${JSON.stringify(bad)} is not one` });
    return z.NEVER;
  }
  return urls;
});

const environmentSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], {
      error: 'must be one of development, production, test',
    })
    .default('production'),
  PORT: port.default(3000),
  HOST: z.string().min(1, 'must be a host name or address, e.g. 0.0.0.0').default('0.0.0.0'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be the http(s) URL people open, e.g. https://parley.example.com' })
    .optional(),
  DATA_DIR: z.string().min(1, 'must be a directory path, e.g. ./data').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a PostgreSQL URL, e.g. postgres://user:password@host:5432/parley')
    .optional(),
  STT_PROVIDER: z
    .enum(['pocketsphinx', 'openai', 'deepgram'], {
      error: 'must be pocketsphinx (the embedded recogniser), openai (any /v1/audio/transcriptions server) or deepgram',
    })
    .default('pocketsphinx'),
  STT_BASE_URL: z.string().optional(),
  STT_MODEL: z.string().optional(),
  STT_API_KEY: z.string().optional(),
  STT_PARTIALS: z
    .enum(['pocketsphinx', 'none'], { error: 'must be pocketsphinx (partial transcripts from the embedded recogniser) or none' })
    .default('none'),
  AGENT_PROVIDER: z
    .enum(['builtin', 'openai'], { error: 'must be builtin (the embedded agent) or openai (any Chat Completions server)' })
    .default('builtin'),
  AGENT_BASE_URL: httpBaseUrl('http://localhost:11434/v1').default(OPENAI_API),
  AGENT_MODEL: modelName('llama3.2 (Ollama) or gpt-4o-mini (OpenAI)').optional(),
  AGENT_API_KEY: z.string().optional(),
  AGENT_SYSTEM_PROMPT: z.string().trim().max(4000, 'must be at most 4000 characters').optional(),
  TTS_PROVIDER: z
    .enum(['flite', 'openai'], { error: 'must be flite (the embedded voice) or openai (any /v1/audio/speech server)' })
    .default('flite'),
  TTS_BASE_URL: httpBaseUrl('http://localhost:8880/v1 (Kokoro)').default(OPENAI_API),
  TTS_MODEL: modelName('tts-1 (OpenAI) or kokoro').default('tts-1'),
  TTS_VOICE: z.string().trim().min(1, 'must be a voice name the server knows, e.g. alloy (OpenAI) or af_heart (Kokoro)').default('alloy'),
  TTS_API_KEY: z.string().optional(),
  FLITE_VOICE: z.enum(['kal16', 'slt', 'rms', 'awb'], { error: 'must be one of kal16, slt, rms, awb' }).default('kal16'),
  STT_MAX_CONCURRENT: count(8, 'utterances recognised at once on this server (each embedded recogniser is a ~100 MB process)').default(8),
  MAX_SESSIONS: count(6, 'voice sessions open at once on this server').optional(),
  STT_MAX_PER_PERSON: count(2, 'utterances one person may have recognised at once').default(2),
  AGENT_CONTEXT_TURNS: count(40, 'turns').default(40),
  AGENT_CONTEXT_CHARS: count(12000, 'characters').default(12_000),
  RECORDING_RETENTION_DAYS: count(30, 'days a kept recording is kept (unset: until deleted)').max(36_500, 'must be at most 36500 (100 years); leave it unset to keep recordings until deleted').optional(),
  VAD: z
    .enum(['silero', 'webrtc'], { error: 'must be silero (Silero v5, the default) or webrtc (the WebRTC VAD: lighter, more false starts on noise)' })
    .default('silero'),
  ENDPOINT_START_SPEECH_MS: bounded('milliseconds', 20, 1000, 60).default(60),
  ENDPOINT_COMPLETE_SILENCE_MS: bounded('milliseconds', 60, 5000, 200).default(200),
  ENDPOINT_INCOMPLETE_SILENCE_MS: bounded('milliseconds', 60, 10_000, 700).default(700),
  ENDPOINT_PRE_ROLL_MS: bounded('milliseconds', 0, 1000, 200).default(200),
  BARGE_IN_MIN_SPEECH_MS: bounded('milliseconds', 0, 3000, 120).default(120),
  BARGE_IN_MIN_WORDS: bounded('words', 0, 20, 0).default(0),
  BARGE_IN_ECHO_MARGIN_DB: bounded('dB', 0, 90, 12).default(12),
  AUTH_RATE_LIMIT: z.coerce
    .number({ error: 'must be a number of attempts per minute, e.g. 10' })
    .int('must be a whole number, e.g. 10')
    .min(1, 'must be at least 1')
    .default(10),
  AUTH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters, e.g. the output of `openssl rand -base64 32`')
    .optional(),
  TRUST_PROXY: trustProxy.optional(),
  RTC_ENABLED: z.enum(['true', 'false'], { error: 'must be true (WebRTC audio is offered) or false (the WebSocket audio path only)' }).default('true'),
  RTC_UDP_PORTS: udpPorts.optional(),
  RTC_ANNOUNCED_ADDRESS: z
    .string()
    .refine((value) => net.isIPv4(value), 'must be the IPv4 address clients reach this server at, e.g. 203.0.113.7 (a container host or NAT address)')
    .optional(),
  RTC_ICE_SERVERS: iceServerUrls.optional(),
  RTC_TURN_USERNAME: z.string().optional(),
  RTC_TURN_CREDENTIAL: z.string().optional(),
  BACKPRESSURE_HOLD_BYTES: count(65536, 'bytes unsent on a client socket above which agent audio is held back').default(64 * 1024),
  BACKPRESSURE_DROP_BYTES: count(1048576, 'bytes unsent on a client socket above which a reply\'s audio is dropped').default(1024 * 1024),
  BACKPRESSURE_DROP_AFTER_MS: count(5000, 'milliseconds agent audio may be held back before the reply is dropped').default(5_000),
  TLS: z.enum(['self-signed'], { error: 'must be self-signed (a certificate generated once and kept in DATA_DIR), or unset; for your own certificate set TLS_CERT and TLS_KEY instead' }).optional(),
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters, e.g. the output of `openssl rand -hex 32`')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it is sent in an Authorization header), e.g. the output of `openssl rand -hex 32`')
    .optional(),
});

/** Variables whose values are secrets: a bad one is described, never repeated, in the error. */
const SECRET_VARIABLES = new Set(['AUTH_SECRET', 'METRICS_TOKEN', 'DATABASE_URL', 'RTC_TURN_CREDENTIAL']);

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** The origin people reach the app at; sign-in only accepts requests from it. */
  publicUrl: string;
  dataDir: string;
  /** A PostgreSQL server, or undefined for the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  /** Sign-in and sign-up attempts allowed per minute from one address. */
  authRateLimit: number;
  /** undefined: a random secret is generated once and kept in dataDir. */
  authSecret: string | undefined;
  /**
   * Which proxies' X-Forwarded-For entries are believed; `{ hops: 0 }` (the default) believes
   * none, so a client's address is always the connecting one.
   */
  trustProxy: TrustProxy;
  providers: {
    stt: SttConfig;
    agent: AgentConfig;
    tts: TtsConfig;
    /** The embedded voice: the default TTS, and the one that apologises when another fails. */
    fliteVoice: 'kal16' | 'slt' | 'rms' | 'awb';
  };
  /** Recognisers shared fairly between people: at most this many at once, this many per person. */
  recognition: { maxConcurrent: number; maxPerPerson: number };
  /** Voice sessions open at once; a new one past this is refused with `server_busy` (server/capacity.ts). */
  maxSessions: number;
  /** The agent is given at most this many of the newest turns and characters of them. */
  agentContext: { maxTurns: number; maxChars: number };
  /** Kept turn audio older than this many days is deleted (at start and hourly); undefined: kept until deleted. */
  recordingRetentionDays: number | undefined;
  /** Turn-taking on audio the server cuts itself (WebRTC): its VAD, endpointing and barge-in minimum. */
  turns: {
    vad: 'silero' | 'webrtc';
    endpointing: { startSpeechMs: number; completeSilenceMs: number; incompleteSilenceMs: number; preRollMs: number };
    bargeIn: { minSpeechMs: number; minWords: number; echoMarginDb: number };
  };
  /** A client that does not read its agent audio: held back above holdBytes, dropped past dropBytes or dropAfterMs. */
  backpressure: { holdBytes: number; dropBytes: number; dropAfterMs: number };
  /**
   * HTTPS served by Parley itself: a certificate and key from PEM files, or a self-signed one
   * generated into dataDir; undefined: plain HTTP (behind a proxy that does TLS, or on localhost).
   */
  tls: TlsConfig | undefined;
  /** How much the server logs (server/log.ts); info and above never include what people said. */
  logLevel: LogLevel;
  /** GET /metrics answers only `Authorization: Bearer <metricsToken>`; undefined: there is no /metrics. */
  metricsToken: string | undefined;
  /** WebRTC audio (server/rtc/): whether offers are answered, and how ICE finds a path. */
  rtc: RtcConfig;
  /** The folder holding package.json, drizzle/ and the Next app. */
  appRoot: string;
};

export interface RtcConfig {
  enabled: boolean;
  /** STUN/TURN servers; none by default (no public STUN unless configured). */
  iceServers: Array<{ urls: string[]; username?: string; credential?: string }>;
  /** UDP ports peer connections bind, inclusive; undefined: whatever the system gives. */
  udpPorts: [number, number] | undefined;
  /** An IPv4 address clients reach the server at that it cannot see itself (container, 1:1 NAT). */
  announcedAddress: string | undefined;
}

export type AgentConfig =
  | { kind: 'builtin' }
  | { kind: 'openai'; baseUrl: string; model: string; apiKey: string | undefined; systemPrompt: string | undefined };

export type SttConfig =
  | { kind: 'pocketsphinx' }
  /** `partials`: the embedded recogniser shows partial transcripts while the utterance lasts. */
  | { kind: 'openai'; baseUrl: string; model: string; apiKey: string | undefined; partials: boolean }
  | { kind: 'deepgram'; baseUrl: string; model: string; apiKey: string };

export type TlsConfig = { kind: 'files'; certFile: string; keyFile: string } | { kind: 'self-signed' };

export type TtsConfig = { kind: 'flite' } | { kind: 'openai'; baseUrl: string; model: string; voice: string; apiKey: string | undefined };

export class ConfigError extends Error {}

/** Variables whose values are never repeated in a message (keys, secrets). */
const SECRET_VARIABLE = /(_API_KEY|_SECRET)$/;

/** A variable's value as a configuration error may show it: secrets hidden, URL credentials masked. */
function shown(variable: string, value: string | undefined): string {
  if (value === undefined || value === '') return '""';
  if (SECRET_VARIABLE.test(variable) || SECRET_VARIABLES.has(variable)) return `<${value.length} characters, not shown>`;
  return JSON.stringify(value.replace(/\/\/[^/\s@]*@/, '//…@'));
}

type Environment = z.infer<typeof environmentSchema>;
type Problem = { variable: string; message: string };

/** The providers the variables choose, or what is missing or wrong about them. */
function providerConfig(v: Environment): { ok: true; value: Pick<Config['providers'], 'stt' | 'agent' | 'tts'> } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const isOpenAi = (url: string) => new URL(url).hostname === 'api.openai.com';

  let agent: AgentConfig = { kind: 'builtin' };
  if (v.AGENT_PROVIDER === 'openai') {
    if (!v.AGENT_MODEL) problems.push({ variable: 'AGENT_MODEL', message: 'is required when AGENT_PROVIDER=openai: the model name on that server, e.g. llama3.2 (Ollama) or gpt-4o-mini (OpenAI)' });
    if (!v.AGENT_API_KEY && isOpenAi(v.AGENT_BASE_URL)) problems.push({ variable: 'AGENT_API_KEY', message: `is required for OpenAI (${OPENAI_API}); or set AGENT_BASE_URL to your own server, e.g. http://localhost:11434/v1` });
    agent = { kind: 'openai', baseUrl: v.AGENT_BASE_URL, model: v.AGENT_MODEL ?? '', apiKey: v.AGENT_API_KEY, systemPrompt: v.AGENT_SYSTEM_PROMPT || undefined };
  }

  let stt: SttConfig = { kind: 'pocketsphinx' };
  if (v.STT_PROVIDER === 'openai') {
    const baseUrl = httpBaseUrl('http://localhost:8000/v1 (faster-whisper-server)').default(OPENAI_API).safeParse(v.STT_BASE_URL);
    const model = modelName('whisper-1').default('whisper-1').safeParse(v.STT_MODEL);
    if (!baseUrl.success) problems.push({ variable: 'STT_BASE_URL', message: baseUrl.error.issues[0].message });
    if (!model.success) problems.push({ variable: 'STT_MODEL', message: model.error.issues[0].message });
    if (baseUrl.success && !v.STT_API_KEY && isOpenAi(baseUrl.data)) problems.push({ variable: 'STT_API_KEY', message: `is required for OpenAI (${OPENAI_API}); or set STT_BASE_URL to your own server, e.g. http://localhost:8000/v1` });
    stt = { kind: 'openai', baseUrl: baseUrl.data ?? '', model: model.data ?? '', apiKey: v.STT_API_KEY, partials: v.STT_PARTIALS === 'pocketsphinx' };
  } else if (v.STT_PROVIDER === 'deepgram') {
    const baseUrl = z
      .url({ protocol: /^wss?$/, error: `must be the ws(s) URL of Deepgram's live API, e.g. ${DEEPGRAM_LISTEN}` })
      .default(DEEPGRAM_LISTEN)
      .safeParse(v.STT_BASE_URL);
    const model = modelName('nova-3').default('nova-3').safeParse(v.STT_MODEL);
    if (!baseUrl.success) problems.push({ variable: 'STT_BASE_URL', message: baseUrl.error.issues[0].message });
    if (!model.success) problems.push({ variable: 'STT_MODEL', message: model.error.issues[0].message });
    if (!v.STT_API_KEY) problems.push({ variable: 'STT_API_KEY', message: 'is required when STT_PROVIDER=deepgram: a Deepgram API key' });
    stt = { kind: 'deepgram', baseUrl: baseUrl.data ?? '', model: model.data ?? '', apiKey: v.STT_API_KEY ?? '' };
  }

  let tts: TtsConfig = { kind: 'flite' };
  if (v.TTS_PROVIDER === 'openai') {
    if (!v.TTS_API_KEY && isOpenAi(v.TTS_BASE_URL)) problems.push({ variable: 'TTS_API_KEY', message: `is required for OpenAI (${OPENAI_API}); or set TTS_BASE_URL to your own server, e.g. http://localhost:8880/v1` });
    tts = { kind: 'openai', baseUrl: v.TTS_BASE_URL, model: v.TTS_MODEL, voice: v.TTS_VOICE, apiKey: v.TTS_API_KEY };
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { agent, stt, tts } };
}

/** The ICE servers the variables name; TURN needs its credentials. */
function rtcConfig(v: Environment): { ok: true; value: RtcConfig } | { ok: false; problems: Problem[] } {
  const urls = v.RTC_ICE_SERVERS ?? [];
  const turn = urls.filter((url) => url.startsWith('turn'));
  const stun = urls.filter((url) => url.startsWith('stun'));
  const problems: Problem[] = [];
  if (turn.length > 0 && (!v.RTC_TURN_USERNAME || !v.RTC_TURN_CREDENTIAL)) {
    problems.push({ variable: v.RTC_TURN_USERNAME ? 'RTC_TURN_CREDENTIAL' : 'RTC_TURN_USERNAME', message: 'is required when RTC_ICE_SERVERS names a turn: server: set RTC_TURN_USERNAME and RTC_TURN_CREDENTIAL' });
  }
  if (problems.length > 0) return { ok: false, problems };
  const iceServers: RtcConfig['iceServers'] = [];
  if (stun.length > 0) iceServers.push({ urls: stun });
  if (turn.length > 0) iceServers.push({ urls: turn, username: v.RTC_TURN_USERNAME, credential: v.RTC_TURN_CREDENTIAL });
  return { ok: true, value: { enabled: v.RTC_ENABLED === 'true', iceServers, udpPorts: v.RTC_UDP_PORTS, announcedAddress: v.RTC_ANNOUNCED_ADDRESS } };
}

/** Checks between variables: the backpressure bounds' order, and HTTPS. */
function crossChecks(v: Environment, appRoot: string): { tls: TlsConfig | undefined; problems: Problem[] } {
  const problems: Problem[] = [];
  if (v.BACKPRESSURE_DROP_BYTES <= v.BACKPRESSURE_HOLD_BYTES) {
    problems.push({ variable: 'BACKPRESSURE_DROP_BYTES', message: `must be more than BACKPRESSURE_HOLD_BYTES (${v.BACKPRESSURE_HOLD_BYTES}): audio is held back above the one and dropped above the other` });
  }
  let tls: TlsConfig | undefined;
  const files = v.TLS_CERT !== undefined || v.TLS_KEY !== undefined;
  if (v.TLS === 'self-signed' && files) {
    problems.push({ variable: 'TLS', message: 'is self-signed, but TLS_CERT/TLS_KEY name a certificate too: set either TLS=self-signed or TLS_CERT and TLS_KEY, not both' });
  } else if (files) {
    for (const [variable, other, value] of [['TLS_CERT', 'TLS_KEY', v.TLS_CERT], ['TLS_KEY', 'TLS_CERT', v.TLS_KEY]] as const) {
      if (value === undefined) problems.push({ variable, message: `is required with ${other}: the path of the PEM ${variable === 'TLS_CERT' ? 'certificate (chain)' : 'private key'}, e.g. /etc/parley/${variable === 'TLS_CERT' ? 'fullchain.pem' : 'privkey.pem'}` });
      else if (!readableFile(path.resolve(appRoot, value))) problems.push({ variable, message: `must be the path of a readable PEM file; ${path.resolve(appRoot, value)} cannot be read` });
    }
    if (v.TLS_CERT !== undefined && v.TLS_KEY !== undefined) tls = { kind: 'files', certFile: path.resolve(appRoot, v.TLS_CERT), keyFile: path.resolve(appRoot, v.TLS_KEY) };
  } else if (v.TLS === 'self-signed') {
    tls = { kind: 'self-signed' };
  }
  if ((tls || problems.some((p) => p.variable.startsWith('TLS'))) && v.PUBLIC_URL !== undefined && new URL(v.PUBLIC_URL).protocol !== 'https:') {
    problems.push({ variable: 'PUBLIC_URL', message: `must be an https URL when Parley serves HTTPS itself (TLS, TLS_CERT), e.g. ${v.PUBLIC_URL.replace(/^http:/, 'https:')}` });
  }
  return { tls, problems };
}

function readableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env, appRoot = process.cwd()): Config {
  const parsed = environmentSchema.safeParse(
    // Treat empty variables as unset: `FOO= npm start` should not mean "FOO is the empty string".
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  );
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '?'), message: issue.message }));
  const chosen = parsed.success ? providerConfig(parsed.data) : undefined;
  if (parsed.success && parsed.data.ENDPOINT_INCOMPLETE_SILENCE_MS < parsed.data.ENDPOINT_COMPLETE_SILENCE_MS) {
    problems.push({ variable: 'ENDPOINT_INCOMPLETE_SILENCE_MS', message: `must be at least ENDPOINT_COMPLETE_SILENCE_MS (${parsed.data.ENDPOINT_COMPLETE_SILENCE_MS}): words that end mid-phrase wait longer than a complete request` });
  }
  if (chosen && !chosen.ok) problems.push(...chosen.problems);
  const rtc = parsed.success ? rtcConfig(parsed.data) : undefined;
  if (rtc && !rtc.ok) problems.push(...rtc.problems);
  const checked = parsed.success ? crossChecks(parsed.data, appRoot) : undefined;
  if (checked) problems.push(...checked.problems);
  if (!parsed.success || !chosen?.ok || !rtc?.ok || problems.length > 0) {
    const lines = problems.map(({ variable, message }) => `  ${variable}=${shown(variable, env[variable])}: ${message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    publicUrl: (v.PUBLIC_URL ?? `${checked?.tls ? 'https' : 'http'}://localhost:${v.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(appRoot, v.DATA_DIR),
    databaseUrl: v.DATABASE_URL,
    authSecret: v.AUTH_SECRET,
    authRateLimit: v.AUTH_RATE_LIMIT,
    trustProxy: v.TRUST_PROXY ?? { hops: 0 },
    providers: { ...chosen.value, fliteVoice: v.FLITE_VOICE },
    recognition: { maxConcurrent: v.STT_MAX_CONCURRENT, maxPerPerson: v.STT_MAX_PER_PERSON },
    maxSessions: v.MAX_SESSIONS ?? defaultMaxSessions(chosen.value.stt.kind),
    agentContext: { maxTurns: v.AGENT_CONTEXT_TURNS, maxChars: v.AGENT_CONTEXT_CHARS },
    recordingRetentionDays: v.RECORDING_RETENTION_DAYS,
    turns: {
      vad: v.VAD,
      endpointing: {
        startSpeechMs: v.ENDPOINT_START_SPEECH_MS,
        completeSilenceMs: v.ENDPOINT_COMPLETE_SILENCE_MS,
        incompleteSilenceMs: v.ENDPOINT_INCOMPLETE_SILENCE_MS,
        preRollMs: v.ENDPOINT_PRE_ROLL_MS,
      },
      bargeIn: { minSpeechMs: v.BARGE_IN_MIN_SPEECH_MS, minWords: v.BARGE_IN_MIN_WORDS, echoMarginDb: v.BARGE_IN_ECHO_MARGIN_DB },
    },
    tls: checked?.tls,
    backpressure: { holdBytes: v.BACKPRESSURE_HOLD_BYTES, dropBytes: v.BACKPRESSURE_DROP_BYTES, dropAfterMs: v.BACKPRESSURE_DROP_AFTER_MS },
    logLevel: v.LOG_LEVEL,
    metricsToken: v.METRICS_TOKEN,
    rtc: rtc.value,
    appRoot,
  };
}
