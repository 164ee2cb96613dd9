import Link from 'next/link';
import type { ReactNode } from 'react';
import { requireUser } from '@/server/http/page';
import { SignOutButton } from './sign-out-button';

// Every page in this group needs a signed-in person.
export const dynamic = 'force-dynamic';

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <nav className="mx-auto flex max-w-4xl items-center gap-6 px-4 py-3">
          <Link href="/talk" className="text-lg font-semibold text-indigo-700">Parley</Link>
          <Link href="/talk" className="text-sm text-slate-700 hover:text-slate-900">Talk</Link>
          <Link href="/conversations" className="text-sm text-slate-700 hover:text-slate-900">History</Link>
          <Link href="/settings" className="text-sm text-slate-700 hover:text-slate-900">Settings</Link>
          <span className="ml-auto text-sm text-slate-500" data-testid="signed-in-as">{user.email}</span>
          <SignOutButton />
        </nav>
      </header>
      <main className="mx-auto max-w-4xl px-4 py-8">{children}</main>
    </div>
  );
}
