/**
 * better-auth refuses a sign-in or sign-up from an origin other than PUBLIC_URL's with a bare
 * "Invalid origin". That is nearly always a configuration slip (Parley opened by its address,
 * another host name, or through a proxy, while PUBLIC_URL names another): answer instead with
 * what to set. Requests without an Origin header (not from a browser) go on to better-auth.
 */
export const WRONG_ORIGIN_CODE = 'ORIGIN_IS_NOT_PUBLIC_URL';

export function wrongOriginResponse(request: Request, publicUrl: string): Response | null {
  if (request.method !== 'POST') return null;
  const origin = request.headers.get('origin');
  const expected = new URL(publicUrl).origin;
  if (origin === null || origin === expected) return null;
  const usable = /^https?:\/\/[^/\s]+$/.test(origin);
  const message = usable
    ? `Parley is set up to be used at ${expected}, but this page was opened at ${origin}. Open ${expected} instead, or, if ${origin} is the address people should use, set PUBLIC_URL=${origin} on the server and restart Parley.`
    : `Parley is set up to be used at ${expected}, but this request came from another origin (${JSON.stringify(origin.slice(0, 100))}). Open ${expected} to sign in.`;
  // The shape better-auth's own errors have, so its client shows the message as it is.
  return Response.json({ code: WRONG_ORIGIN_CODE, message }, { status: 403, headers: { 'cache-control': 'no-store' } });
}
