import { wrongOriginResponse } from '@/server/auth/origin';
import { getRuntime } from '@/server/runtime';

// better-auth serves sign-up, sign-in, sign-out and the session under /api/auth/*.
export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return getRuntime().auth.handler(request);
}

export function POST(request: Request) {
  const runtime = getRuntime();
  // From another origin than PUBLIC_URL: say what to set rather than better-auth's "Invalid origin".
  return wrongOriginResponse(request, runtime.config.publicUrl) ?? runtime.auth.handler(request);
}
