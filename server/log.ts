/**
 * The server's log: one JSON object per line on stdout (pino), for whatever collects them.
 * Everything a voice session logs goes through a child carrying its conversation id
 * (`log.child({ conversationId })`). At the default level (info) nothing private is written:
 * credentials in headers are redacted, and transcript or reply text is only logged at debug.
 *
 * Next bundles route handlers apart from the custom server, so a module-level logger would
 * exist twice: like the runtime handle, the one logger lives on globalThis.
 */
import { format, stripVTControlCharacters } from 'node:util';
import pino, { type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Never written, whatever is logged: credentials wherever a request, response or object carries them. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'password',
  'token',
  'apiKey',
  'secret',
  '*.password',
  '*.token',
  '*.apiKey',
  '*.secret',
];

function createLogger(): Logger {
  return pino(
    {
      level: 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, req: pino.stdSerializers.req },
    },
    // Synchronous: the last lines before a crash are written, in order. Logs are a few lines a turn.
    pino.destination({ dest: 1, sync: true }),
  );
}

const key = Symbol.for('parley.log');
type Holder = { [key]?: Logger };

/** The process's logger; session code logs through a child of it. */
export const log: Logger = ((globalThis as Holder)[key] ??= createLogger());

/** LOG_LEVEL, once the configuration is read; children made afterwards inherit it. */
export function setLogLevel(level: LogLevel): void {
  log.level = level;
}

/**
 * What Next and libraries print with console.* goes through the log too, one JSON line each
 * (a stack trace included), so that stdout stays one JSON object per line. Only the server
 * process does this (server/main.ts), not tests.
 */
export function captureConsole(): void {
  const to = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    log[level]({ component: 'console' }, stripVTControlCharacters(format(...args)).trim());
  };
  console.debug = to('debug');
  console.log = console.info = to('info');
  console.warn = to('warn');
  console.error = to('error');
}
