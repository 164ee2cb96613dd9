'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { fetchJson } from '../../fetch-json';
import { refetchAfterChange } from '../../refetch-after-change';

interface TokenSummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function ApiTokens() {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<string | null>(null);
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => fetchJson<{ tokens: TokenSummary[] }>('/api/tokens') });
  const create = useMutation({
    mutationFn: (name: string) =>
      fetchJson<{ token: string }>('/api/tokens', { method: 'POST', body: JSON.stringify({ name }) }),
    onSuccess: (result) => {
      setCreated(result.token);
      void refetchAfterChange(queryClient, ['tokens']);
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => fetchJson(`/api/tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => refetchAfterChange(queryClient, ['tokens']),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    create.mutate(String(new FormData(form).get('name') ?? ''), { onSuccess: () => form.reset() });
  }

  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-lg font-semibold">Personal API tokens</h2>
      <p className="mt-1 text-sm text-slate-600">
        For programs that talk to Parley without a browser: send <code>Authorization: Bearer &lt;token&gt;</code> to{' '}
        <code>/ws</code> and the JSON API.
      </p>
      <form onSubmit={submit} className="mt-4 flex gap-2">
        <input
          name="name"
          required
          maxLength={100}
          placeholder="Token name, e.g. my laptop"
          aria-label="Token name"
          className="flex-1 rounded-md border border-slate-300 px-3 py-2"
        />
        <button type="submit" disabled={create.isPending} className="rounded-md bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500">
          Create token
        </button>
      </form>
      {create.error && <p role="alert" className="mt-2 text-sm text-red-700">{create.error.message}</p>}
      {created && (
        <div className="mt-4 rounded-md bg-amber-50 p-3 text-sm">
          <p className="font-medium">Copy your new token now: it will not be shown again.</p>
          <code data-testid="new-token" className="mt-1 block break-all">{created}</code>
        </div>
      )}
      <ul className="mt-6 divide-y divide-slate-100" aria-label="Your API tokens">
        {tokens.isPending && <li className="py-2 text-sm text-slate-500">Loading…</li>}
        {tokens.error && <li className="py-2 text-sm text-red-700">{tokens.error.message}</li>}
        {tokens.data?.tokens.length === 0 && <li className="py-2 text-sm text-slate-500">No tokens yet.</li>}
        {tokens.data?.tokens.map((token) => (
          <li key={token.id} className="flex items-center gap-4 py-2 text-sm">
            <span className="font-medium">{token.name}</span>
            <code className="text-slate-500">{token.prefix}…</code>
            <span className="text-slate-500">
              {token.lastUsedAt ? `last used ${new Date(token.lastUsedAt).toLocaleString()}` : 'never used'}
            </span>
            <button
              type="button"
              onClick={() => revoke.mutate(token.id)}
              className="ml-auto rounded-md border border-red-200 px-3 py-1 text-red-700 hover:bg-red-50"
            >
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
