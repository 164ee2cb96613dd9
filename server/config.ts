/**
 * Configuration comes from environment variables only, validated once at start-up.
 * A bad value stops the server with one message naming the variable and the form expected.
 */
import path from 'node:path';
import { z } from 'zod';

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
  STT_PROVIDER: z.enum(['pocketsphinx'], { error: 'must be pocketsphinx (the embedded recogniser)' }).default('pocketsphinx'),
  AGENT_PROVIDER: z.enum(['builtin'], { error: 'must be builtin (the embedded agent)' }).default('builtin'),
  TTS_PROVIDER: z.enum(['flite'], { error: 'must be flite (the embedded voice)' }).default('flite'),
  FLITE_VOICE: z.enum(['kal16', 'slt', 'rms', 'awb'], { error: 'must be one of kal16, slt, rms, awb' }).default('kal16'),
  STT_MAX_CONCURRENT: count(8, 'utterances recognised at once on this server (each embedded recogniser is a ~100 MB process)').default(8),
  STT_MAX_PER_PERSON: count(2, 'utterances one person may have recognised at once').default(2),
  AGENT_CONTEXT_TURNS: count(40, 'turns').default(40),
  AGENT_CONTEXT_CHARS: count(12000, 'characters').default(12_000),
  AUTH_RATE_LIMIT: z.coerce
    .number({ error: 'must be a number of attempts per minute, e.g. 10' })
    .int('must be a whole number, e.g. 10')
    .min(1, 'must be at least 1')
    .default(10),
  AUTH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters, e.g. the output of `openssl rand -base64 32`')
    .optional(),
});

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
  providers: {
    stt: 'pocketsphinx';
    agent: 'builtin';
    tts: 'flite';
    fliteVoice: 'kal16' | 'slt' | 'rms' | 'awb';
  };
  /** Recognisers shared fairly between people: at most this many at once, this many per person. */
  recognition: { maxConcurrent: number; maxPerPerson: number };
  /** The agent is given at most this many of the newest turns and characters of them. */
  agentContext: { maxTurns: number; maxChars: number };
  /** The folder holding package.json, drizzle/ and the Next app. */
  appRoot: string;
};

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env, appRoot = process.cwd()): Config {
  const parsed = environmentSchema.safeParse(
    // Treat empty variables as unset: `FOO= npm start` should not mean "FOO is the empty string".
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '?');
      return `  ${variable}=${JSON.stringify(env[variable] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const v = parsed.data;
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    publicUrl: (v.PUBLIC_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(appRoot, v.DATA_DIR),
    databaseUrl: v.DATABASE_URL,
    authSecret: v.AUTH_SECRET,
    authRateLimit: v.AUTH_RATE_LIMIT,
    providers: { stt: v.STT_PROVIDER, agent: v.AGENT_PROVIDER, tts: v.TTS_PROVIDER, fliteVoice: v.FLITE_VOICE },
    recognition: { maxConcurrent: v.STT_MAX_CONCURRENT, maxPerPerson: v.STT_MAX_PER_PERSON },
    agentContext: { maxTurns: v.AGENT_CONTEXT_TURNS, maxChars: v.AGENT_CONTEXT_CHARS },
    appRoot,
  };
}
