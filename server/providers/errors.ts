/**
 * Errors a provider raises for the session to report. Their messages are shown to the person
 * speaking, so they say what went wrong and what to check, and never carry a key, a URL with
 * credentials or an upstream body (those details go to the server log, redacted).
 */
export class ProviderError extends Error {
  override readonly name: string = 'ProviderError';
}

/**
 * A request to an external model ran out of time (connecting, waiting for its first byte, or
 * in total): the session reports it with the code `provider_timeout`.
 */
export class ProviderTimeout extends ProviderError {
  override readonly name = 'ProviderTimeout';
}

/** Whether `error` is a provider's time-out (by name too: the server bundle may hold two copies of the class). */
export function isProviderTimeout(error: unknown): boolean {
  return error instanceof ProviderTimeout || (error instanceof Error && error.name === 'ProviderTimeout');
}

/** `text` with every given secret, anything shaped like an API key and URL credentials masked: for log lines. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out
    .replace(/\b(sk|pk|rk|gsk|dg)[-_][A-Za-z0-9_-]{8,}/g, '[redacted]')
    .replace(/(Bearer|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]')
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//[redacted]@');
}

/** A URL as it may appear in a log line: no credentials, no query string (keys sometimes ride there). */
export function loggableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
