/**
 * The endpoints for whoever runs Parley, answered by the custom server before Next sees the
 * request: cheap (no rendering, no session lookup), and they keep answering whatever state
 * Next is in. None needs a session and none says anything about anyone's data.
 *
 *   GET /healthz  200 while the process serves requests (liveness).
 *   GET /readyz   200 once the database answers and the speech engines are warm; 503 with the
 *                 reason otherwise (starting, a database that does not answer, shutting down).
 *   GET /metrics  Prometheus text, only with `Authorization: Bearer <METRICS_TOKEN>` (401
 *                 without); without METRICS_TOKEN it does not exist (Next's 404).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../log';

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface OperationsOptions {
  readiness(): Promise<Readiness>;
  metrics: Registry;
  /** undefined: there is no /metrics. */
  metricsToken: string | undefined;
}

/** Answers the request if it is one of ours (true), else leaves it for Next (false). */
export function createOperationsEndpoints(options: OperationsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== '/healthz' && pathname !== '/readyz' && !(pathname === '/metrics' && options.metricsToken !== undefined)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, { error: { code: 'method_not_allowed', message: `Use GET ${pathname}.` } });
      return true;
    }
    if (pathname === '/healthz') {
      send(res, 200, { status: 'ok' });
    } else if (pathname === '/readyz') {
      void options.readiness().then(
        (readiness) => send(res, readiness.ready ? 200 : 503, readiness.ready ? { status: 'ready' } : { status: 'not ready', reason: readiness.reason }),
        () => send(res, 503, { status: 'not ready', reason: 'The readiness check failed.' }),
      );
    } else if (!hasBearer(req.headers.authorization, options.metricsToken!)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      send(res, 401, { error: { code: 'unauthenticated', message: 'Send Authorization: Bearer <METRICS_TOKEN>.' } });
    } else {
      void options.metrics.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': options.metrics.contentType, 'Cache-Control': 'no-store' });
          res.end(text);
        },
        () => send(res, 500, { error: { code: 'internal_error', message: 'The metrics could not be collected; try again.' } }),
      );
    }
    return true;
  };
}

/** Compares digests, so neither the token's length nor its first wrong character shows in the time taken. */
function hasBearer(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text); // Node sends no body to HEAD
}

/** How long the database may take to answer `select 1` before Parley counts as not ready. */
const DATABASE_ANSWER_MS = 2_000;

/**
 * The readiness check: not while shutting down, not until the engines' warm-up is over (and
 * never if it failed), and only while the database answers. Each change is logged once, with
 * the error behind it, so a probe every few seconds does not flood the log.
 */
export function createReadiness(checks: {
  enginesWarm: Promise<void>;
  pingDatabase: () => Promise<void>;
  stopping: () => boolean;
  log: Logger;
}): () => Promise<Readiness> {
  let engines: 'warming up' | 'warm' | 'failed' = 'warming up';
  checks.enginesWarm.then(
    () => {
      engines = 'warm';
      checks.log.info('the speech engines are warm');
    },
    (err: unknown) => {
      engines = 'failed';
      checks.log.error({ err }, 'the speech engines failed to warm up: Parley is not ready');
    },
  );
  let last: string | undefined;
  const changed = (readiness: Readiness, err?: unknown): Readiness => {
    const now = readiness.ready ? 'ready' : readiness.reason;
    if (now !== last) {
      if (readiness.ready) checks.log.info('Parley is ready');
      else checks.log.warn({ err, reason: readiness.reason }, 'Parley is not ready');
      last = now;
    }
    return readiness;
  };
  return async () => {
    if (checks.stopping()) return changed({ ready: false, reason: 'Parley is shutting down.' });
    if (engines === 'warming up') return changed({ ready: false, reason: 'The speech engines are still warming up.' });
    if (engines === 'failed') return changed({ ready: false, reason: 'The speech engines failed to start; see the server log.' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), DATABASE_ANSWER_MS)));
    try {
      const answer = await Promise.race([checks.pingDatabase().then(() => 'answered' as const), late]);
      if (answer === 'late') return changed({ ready: false, reason: `The database did not answer within ${DATABASE_ANSWER_MS / 1000} s.` });
    } catch (err) {
      return changed({ ready: false, reason: 'The database does not answer; see the server log.' }, err);
    } finally {
      clearTimeout(timer);
    }
    return changed({ ready: true });
  };
}
