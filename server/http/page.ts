/** For server-rendered pages: the signed-in user, or a redirect to sign-in. */
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getRuntime } from '../runtime';

export async function requireUser() {
  const session = await getRuntime().auth.api.getSession({ headers: await headers() });
  if (!session) redirect('/sign-in');
  return session.user;
}
