/**
 * Turning one raw text frame into a typed client message, or into the `error` the contract
 * asks for. Pure, so that every class of bad input is cheap to test.
 */
import type { z } from 'zod';
import { clientMessageSchemas, type ClientMessage, type ErrorCode } from './messages';

export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string; utteranceId?: string };

export function parseClientFrame(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'The frame is not valid JSON: send one JSON object per text frame.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'invalid_json', message: 'The frame must be a JSON object with a string "type".' };
  }
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'string') {
    return { ok: false, code: 'invalid_message', message: 'The message needs a string "type", e.g. "user.audio.chunk".' };
  }
  // Own keys only: a type such as "constructor" or "__proto__" must not find Object.prototype's.
  const schema = Object.hasOwn(clientMessageSchemas, record.type)
    ? (clientMessageSchemas as Record<string, z.ZodType<ClientMessage>>)[record.type]
    : undefined;
  if (!schema) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `Unknown message type ${JSON.stringify(record.type.slice(0, 64))}; this server speaks protocol 1: ${Object.keys(clientMessageSchemas).join(', ')}.`,
    };
  }
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || 'message';
    const missing = issue.code === 'invalid_type' && record[String(issue.path[0])] === undefined;
    return {
      ok: false,
      code: 'invalid_message',
      message: `${record.type}: ${missing ? `missing field "${field}"` : issue.message}.`,
      utteranceId: typeof record.utteranceId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(record.utteranceId) ? record.utteranceId : undefined,
    };
  }
  return { ok: true, message: parsed.data };
}
