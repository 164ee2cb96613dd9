/**
 * Starts the real production server (dist/server.mjs, built by `npm run build`) as a child
 * process on a free loopback port, for integration tests, e2e and benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** Everything the server printed so far, stdout and stderr. */
  output(): string;
  /** What the server wrote to stdout so far, line by line: its log, one JSON object a line. */
  stdoutLines(): string[];
  /** The stdout lines that are JSON log records, parsed. */
  logRecords(): LogRecord[];
  /** Resolves with the first log record (already written or still to come) that matches. */
  waitForLog(match: (record: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  stop(): Promise<void>;
}

/** One line of the server's log (server/log.ts). */
export interface LogRecord {
  level: number;
  msg: string;
  err?: { message?: string };
  [field: string]: unknown;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const appRoot = path.resolve(import.meta.dirname, '..', '..');

/** For benchmarks: BENCH_SERVER_X=v in this process's environment sets X=v for the server it starts. */
export function benchServerEnv(): Record<string, string> {
  const prefix = 'BENCH_SERVER_';
  return Object.fromEntries(Object.entries(process.env).flatMap(([k, v]) => (k.startsWith(prefix) && v !== undefined ? [[k.slice(prefix.length), v]] : [])));
}

export async function startServer(
  /** `port`: a given one (a restart on the same address); default a free one. */
  options: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number; port?: number } = {},
): Promise<RunningServer> {
  const bundle = path.join(appRoot, 'dist', 'server.mjs');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first.`);
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  const child = spawn(process.execPath, ['--enable-source-maps', bundle], {
    cwd: appRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://localhost:${port}`,
      // Tests sign many people up from one address.
      AUTH_RATE_LIMIT: '1000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const stdoutLines = () => stdout.split('\n').filter((line) => line !== '');
  const server: RunningServer = {
    // Built-in HTTPS (TLS, TLS_CERT) is reached over https; a PUBLIC_URL alone names a proxy in front.
    url: `${options.env?.TLS || options.env?.TLS_CERT ? 'https' : 'http'}://localhost:${port}`,
    port,
    dataDir,
    process: child,
    output: () => output,
    stdoutLines,
    logRecords: () => stdoutLines().flatMap((line) => {
      try {
        return [JSON.parse(line) as LogRecord];
      } catch {
        return [];
      }
    }),
    waitForLog: (match, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const found = server.logRecords().find(match);
          if (!found) return false;
          clearTimeout(timer);
          child.stdout!.off('data', look);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          child.stdout!.off('data', look);
          reject(new Error(`no such log record within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!look()) child.stdout!.on('data', look);
      }),
    stop: () => stopProcess(child),
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`server did not start within ${options.timeoutMs ?? 90_000} ms:\n${output}`)), options.timeoutMs ?? 90_000);
    const onData = () => {
      if (output.includes('Parley is listening')) done();
    };
    const onExit = (code: number | null) => fail(new Error(`server exited with ${code} before listening:\n${output}`));
    function done() {
      cleanup();
      resolve();
    }
    function fail(error: Error) {
      cleanup();
      child.kill('SIGKILL');
      reject(error);
    }
    function cleanup() {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
  });
  return server;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
