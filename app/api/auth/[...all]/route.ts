import { getRuntime } from '@/server/runtime';

// better-auth serves sign-up, sign-in, sign-out and the session under /api/auth/*.
export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return getRuntime().auth.handler(request);
}

export function POST(request: Request) {
  return getRuntime().auth.handler(request);
}
