/**
 * Route handler plumbing: who is asking (session cookie or API token), JSON errors with a
 * code and a message that says what to do, and zod-validated bodies and query strings.
 */
import type { z } from 'zod';
import { identify, type Identity } from '../auth/identify';
import { log } from '../log';
import { getRuntime, type Runtime } from '../runtime';

export function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

type Handler<C> = (request: Request, context: C & { identity: Identity; runtime: Runtime }) => Promise<Response>;

/** Wraps a route handler: 401 unless a session or API token says who is asking. */
export function withIdentity<C extends object>(handler: Handler<C>) {
  return async (request: Request, context: C): Promise<Response> => {
    const runtime = getRuntime();
    const identity = await identify(runtime, request.headers);
    if (!identity) return jsonError(401, 'unauthenticated', 'Sign in, or send Authorization: Bearer <personal API token>.');
    // Cookies ride along on cross-site requests: changes made with one must come from our pages.
    if (identity.via === 'session' && !['GET', 'HEAD'].includes(request.method)) {
      if (request.headers.get('origin') !== new URL(runtime.config.publicUrl).origin) {
        return jsonError(403, 'cross_origin', 'This change must come from Parley\'s own pages.');
      }
    }
    try {
      return await handler(request, { ...context, identity, runtime });
    } catch (error) {
      log.error({ component: 'api', err: error, method: request.method, path: new URL(request.url).pathname, userId: identity.userId }, 'a route handler failed');
      return jsonError(500, 'internal_error', 'The server failed to answer; try again.');
    }
  };
}

/** Parses a JSON body with a schema; on failure, the Response to send back. */
export async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return { ok: false, response: jsonError(400, 'invalid_json', 'The request body must be JSON.') };
  }
  return validate(body, schema, 'invalid_body');
}

/**
 * Parses the query string with a schema; on failure, the Response to send back. An empty
 * parameter (`?q=`, as forms send) counts as absent.
 */
export function readQuery<T>(request: Request, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; response: Response } {
  const params = [...new URL(request.url).searchParams].filter(([, value]) => value !== '');
  return validate(Object.fromEntries(params), schema, 'invalid_query');
}

function validate<T>(input: unknown, schema: z.ZodType<T>, code: string): { ok: true; value: T } | { ok: false; response: Response } {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    return { ok: false, response: jsonError(400, code, field ? `${field}: ${issue.message}` : issue.message) };
  }
  return { ok: true, value: parsed.data };
}
