'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { authClient } from '../auth-client';
import { authErrorMessage, type AuthErrorMessage } from './auth-error';

/** Sign-in and sign-up share one form; sign-up asks for a name too. */
export function AuthForm({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<AuthErrorMessage | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    setPending(true);
    setError(null);
    const result =
      mode === 'sign-up'
        ? await authClient.signUp.email({ email, password, name: String(form.get('name') ?? '') || email.split('@')[0] })
        : await authClient.signIn.email({ email, password });
    setPending(false);
    if (result.error) {
      setError(authErrorMessage(mode, result.error));
      return;
    }
    const next = params.get('next');
    router.replace(next && isOwnPath(next) ? next : '/talk');
    router.refresh();
  }

  const title = mode === 'sign-in' ? 'Sign in to Parley' : 'Create your Parley account';
  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <h1 className="mb-6 text-2xl font-semibold">{title}</h1>
      <form onSubmit={submit} className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        {mode === 'sign-up' && (
          <Field label="Name" name="name" type="text" autoComplete="name" />
        )}
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
          minLength={mode === 'sign-up' ? 8 : undefined}
          required
        />
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error.text}
            {error.offerSignIn && (
              <>
                {' '}
                <Link className="font-medium underline" href={withNext('/sign-in', params.get('next'))}>
                  Go to sign in
                </Link>
              </>
            )}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          {pending ? 'One moment…' : mode === 'sign-in' ? 'Sign in' : 'Sign up'}
        </button>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600">
        {mode === 'sign-in' ? (
          <>
            New here? <Link className="text-indigo-600 underline" href="/sign-up">Create an account</Link>
          </>
        ) : (
          <>
            Have an account? <Link className="text-indigo-600 underline" href="/sign-in">Sign in</Link>
          </>
        )}
      </p>
    </main>
  );
}

/** A path on this site: not `//host` nor `/\host`, which browsers take for another site. */
function isOwnPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\');
}

/** Keeps where the person was going when they switch between sign-in and sign-up. */
function withNext(page: string, next: string | null): string {
  return next && isOwnPath(next) ? `${page}?next=${encodeURIComponent(next)}` : page;
}

function Field(props: { label: string; name: string; type: string; autoComplete: string; required?: boolean; minLength?: number }) {
  const { label, ...input } = props;
  return (
    <label className="block">
      <span className="mb-1 block text-sm font-medium text-slate-700">{label}</span>
      <input
        {...input}
        className="w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200"
      />
    </label>
  );
}
