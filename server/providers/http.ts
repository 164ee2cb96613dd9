/**
 * One HTTP request to an external model, as every HTTP provider makes it: time limits for
 * connecting (until the response's status line), for the first byte of the body and in total;
 * the caller's signal (barge-in) closing the connection at once; a few retries with backoff
 * only before anything came back (connection refused, 429, 502/503/504: safe to send again,
 * nothing was said yet), all within the same limits, so a failing server never sees a storm.
 */
import { loggableUrl, ProviderError, ProviderTimeout, redact } from './errors';

export interface RequestLimits {
  /** Until the response's status and headers. */
  connectMs: number;
  /** Until the first byte of the body, from the start of the request (retries included). */
  firstByteMs: number;
  /** The whole request, from the start to the body's last byte. */
  totalMs: number;
}

/** Who is asked, in the words and variables the person's messages and the log use. */
export interface Service {
  /** "the language model server", "the speech recognition server" … */
  description: string;
  /** For log lines: [agent], [stt], [tts]. */
  logTag: string;
  /** Variables to check when the server refuses: AGENT_API_KEY, AGENT_BASE_URL, AGENT_MODEL. */
  keyVariable: string;
  urlVariable: string;
  modelVariable?: string;
  /** Masked wherever it could appear in a log line. */
  apiKey?: string;
}

export interface ProviderRequest {
  service: Service;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Made again for each attempt (a stream body can be sent only once). */
  body?: () => string | FormData;
  limits: RequestLimits;
  /** Aborted on barge-in: the connection is closed at once and the request ends quietly. */
  signal: AbortSignal;
  /** Further attempts after the first, only before any response came back; default 2. */
  retries?: number;
}

export interface ProviderResponse {
  response: Response;
  /** The body piece by piece, under the first-byte and total limits; closes the request when done. */
  chunks(): AsyncGenerator<Uint8Array>;
  /** The whole body (bounded by `maxBytes`), under the same limits. */
  bytes(maxBytes: number): Promise<Uint8Array>;
  /** Ends the request now (closes the connection) and clears its timers. */
  close(): void;
}

/** Statuses worth asking again: the server is busy or briefly away, and has done nothing. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const BACKOFF_MS = [250, 1000];

/** The person stopped it (barge-in): callers end quietly on this. */
export class RequestAborted extends Error {
  override readonly name = 'RequestAborted';
}

export async function openRequest(request: ProviderRequest): Promise<ProviderResponse> {
  const { service, limits, signal } = request;
  const controller = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  const limit = (ms: number, message: string) => {
    const timer = setTimeout(() => controller.abort(new ProviderTimeout(message)), ms);
    timers.add(timer);
    return timer;
  };
  const clear = (timer: NodeJS.Timeout | undefined) => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timers.delete(timer);
  };
  const onAbort = () => controller.abort(new RequestAborted('stopped'));
  if (signal.aborted) throw new RequestAborted('stopped');
  signal.addEventListener('abort', onAbort, { once: true });
  const close = () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    signal.removeEventListener('abort', onAbort);
    if (!controller.signal.aborted) controller.abort(new RequestAborted('closed'));
  };
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  limit(limits.totalMs, `${capitalised(service.description)} did not finish within ${seconds(limits.totalMs)}.`);
  let firstByte: NodeJS.Timeout | undefined = limit(limits.firstByteMs, `${capitalised(service.description)} sent nothing within ${seconds(limits.firstByteMs)}.`);

  /** What an error while talking to the server means, as an error of ours. */
  const explain = (error: unknown, whileReading: boolean): Error => {
    const reason: unknown = controller.signal.reason;
    if (signal.aborted) return new RequestAborted('stopped');
    if (reason instanceof ProviderTimeout) return reason;
    if (error instanceof ProviderError) return error;
    const code = networkCode(error);
    console.error(`[${service.logTag}] ${loggableUrl(request.url)}: ${redact(describe(error), [service.apiKey])}`);
    if (whileReading) return new ProviderError(`The connection to ${service.description} was lost mid-reply.`);
    if (code === 'UND_ERR_SOCKET') return new ProviderError(`${capitalised(service.description)} closed the connection without answering.`);
    return new ProviderError(`${capitalised(service.description)} could not be reached${code ? ` (${code})` : ''}: check ${service.urlVariable}.`);
  };

  const retries = request.retries ?? 2;
  let response: Response;
  for (let attempt = 0; ; attempt++) {
    const connect = limit(limits.connectMs, `${capitalised(service.description)} did not answer within ${seconds(limits.connectMs)}.`);
    let retryable: Error | null = null;
    try {
      response = await fetch(request.url, {
        method: request.method ?? 'POST',
        headers: request.headers,
        body: request.body?.(),
        signal: controller.signal,
      });
      clear(connect);
      if (response.ok) break;
      const problem = await refusal(service, request.url, response);
      if (!RETRYABLE_STATUS.has(response.status)) throw problem;
      retryable = problem;
    } catch (error) {
      clear(connect);
      const explained = explain(error, false);
      // Only a connection that never got anywhere is asked again; a time-out would double the wait.
      if (explained instanceof ProviderTimeout || explained instanceof RequestAborted || !networkCode(error)) {
        close();
        throw explained;
      }
      retryable = explained;
    }
    if (attempt >= retries) {
      close();
      throw retryable;
    }
    try {
      await pause(BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] * (0.75 + Math.random() / 2), controller.signal);
    } catch (error) {
      close();
      throw explain(error, false);
    }
  }

  async function* chunks(): AsyncGenerator<Uint8Array> {
    const body = response.body;
    if (!body) {
      close();
      return;
    }
    const reader = body.getReader();
    try {
      for (;;) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (error) {
          throw explain(error, true);
        }
        if (step.done) return;
        if (firstByte !== undefined && step.value.length > 0) {
          clear(firstByte);
          firstByte = undefined;
        }
        yield step.value;
      }
    } finally {
      close();
      reader.releaseLock();
    }
  }

  return {
    response: response!,
    chunks,
    close,
    bytes: async (maxBytes) => {
      const pieces: Uint8Array[] = [];
      let size = 0;
      for await (const piece of chunks()) {
        size += piece.length;
        if (size > maxBytes) {
          close();
          throw new ProviderError(`${capitalised(service.description)} sent more than ${maxBytes} bytes.`);
        }
        pieces.push(piece);
      }
      return Buffer.concat(pieces);
    },
  };
}

/** A refused request as a message for the person (what to check), its details for the log. */
async function refusal(service: Service, url: string, response: Response): Promise<ProviderError> {
  let detail = '';
  try {
    detail = (await response.text()).slice(0, 500);
  } catch {
    // the body is only for the log
  }
  console.error(`[${service.logTag}] ${loggableUrl(url)} answered HTTP ${response.status}: ${redact(detail, [service.apiKey]).replace(/\s+/g, ' ')}`);
  const status = response.status;
  const hint =
    status === 401 || status === 403
      ? `check ${service.keyVariable}`
      : status === 404
        ? `check ${service.urlVariable}${service.modelVariable ? ` and ${service.modelVariable}` : ''}`
        : status === 429
          ? 'it is rate-limiting Parley; try again in a moment'
          : status >= 500
            ? 'it failed; try again'
            : `check ${[service.modelVariable, service.urlVariable].filter(Boolean).join(' and ')}`;
  return new ProviderError(`${capitalised(service.description)} refused the request (HTTP ${status}): ${hint}.`);
}

/**
 * ECONNREFUSED and friends, or a socket closed before any answer (UND_ERR_SOCKET): nothing came
 * back, so the request may be sent again.
 */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code;
  return typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code === 'UND_ERR_SOCKET') ? code : undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `base` (…/v1, with or without a trailing slash) joined with an endpoint path. */
export function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The Authorization header for a key, or none. */
export function bearer(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}
