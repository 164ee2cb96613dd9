'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { MAX_SYSTEM_PROMPT, type PersonSettingsView } from '@/lib/person-settings';
import { fetchJson } from '../../fetch-json';

/** The person's own system prompt and voice, used from their next conversation on. */
export function VoiceSettings() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => fetchJson<PersonSettingsView>('/api/settings') });
  const [systemPrompt, setSystemPrompt] = useState('');
  const [voice, setVoice] = useState('');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!settings.data) return;
    setSystemPrompt(settings.data.systemPrompt ?? '');
    setVoice(settings.data.voice ?? '');
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (body: { systemPrompt: string | null; voice: string | null }) =>
      fetchJson<PersonSettingsView>('/api/settings', { method: 'PUT', body: JSON.stringify(body) }),
    onSuccess: (result) => {
      queryClient.setQueryData(['settings'], result);
      setSaved(true);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    save.mutate({ systemPrompt: systemPrompt.trim() || null, voice: voice || null });
  }

  const data = settings.data;
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-lg font-semibold">Your assistant</h2>
      <p className="mt-1 text-sm text-slate-600">How the agent talks to you. Changes apply from your next conversation.</p>
      {settings.isPending && <p className="mt-4 text-sm text-slate-500">Loading…</p>}
      {settings.error && <p role="alert" className="mt-4 text-sm text-red-700">{settings.error.message}</p>}
      {data && (
        <form onSubmit={submit} className="mt-4 space-y-4">
          <label className="block">
            <span className="text-sm font-medium">System prompt</span>
            <textarea
              name="systemPrompt"
              value={systemPrompt}
              onChange={(e) => {
                setSystemPrompt(e.target.value);
                setSaved(false);
              }}
              maxLength={MAX_SYSTEM_PROMPT}
              rows={5}
              disabled={!data.agentTakesPrompt}
              placeholder={data.defaults.systemPrompt ?? ''}
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm disabled:bg-slate-50"
            />
            <span className="mt-1 block text-xs text-slate-500">
              {data.agentTakesPrompt
                ? 'Leave empty for the default shown above.'
                : 'The built-in agent follows fixed rules and takes no prompt; it applies when the server uses a language model.'}
            </span>
          </label>
          <label className="block">
            <span className="text-sm font-medium">Voice</span>
            <select
              name="voice"
              value={voice}
              onChange={(e) => {
                setVoice(e.target.value);
                setSaved(false);
              }}
              className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
            >
              <option value="">Default{data.defaults.voice ? ` (${data.defaults.voice})` : ''}</option>
              {data.voices.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <div className="flex items-center gap-3">
            <button type="submit" disabled={save.isPending} className="rounded-md bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-500">
              Save
            </button>
            {saved && <span role="status" className="text-sm text-green-700">Saved. Your next conversation uses it.</span>}
            {save.error && <span role="alert" className="text-sm text-red-700">{save.error.message}</span>}
          </div>
        </form>
      )}
    </section>
  );
}
