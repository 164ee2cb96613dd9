'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PersonSettingsView } from '@/lib/person-settings';
import { fetchJson } from '../../fetch-json';
import { refetchAfterChange } from '../../refetch-after-change';

/** "Keep the audio of my conversations" (off unless turned on), what is kept, and deleting it. */
export function RecordingSettings() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => fetchJson<PersonSettingsView>('/api/settings') });
  const [confirming, setConfirming] = useState(false);
  const [deleted, setDeleted] = useState<number | null>(null);
  /** The box as just ticked, until the server has it (then its answer shows). */
  const [ticked, setTicked] = useState<boolean | null>(null);
  const toggle = useMutation({
    // The other settings as they are stored: this only changes whether audio is kept.
    mutationFn: ({ current, keepAudio }: { current: PersonSettingsView; keepAudio: boolean }) =>
      fetchJson<PersonSettingsView>('/api/settings', {
        method: 'PUT',
        body: JSON.stringify({ systemPrompt: current.systemPrompt, voice: current.voice, keepAudio }),
      }),
    onSuccess: (result) => queryClient.setQueryData(['settings'], result),
    onSettled: () => setTicked(null),
  });
  const remove = useMutation({
    mutationFn: () => fetchJson<{ deleted: number }>('/api/settings/recordings', { method: 'DELETE' }),
    onSuccess: async (result) => {
      setDeleted(result.deleted);
      setConfirming(false);
      await refetchAfterChange(queryClient, ['settings'], ['conversation']);
    },
  });

  const data = settings.data;
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <h2 className="text-lg font-semibold">Recordings</h2>
      <p className="mt-1 text-sm text-slate-600">
        Transcripts are always kept. The audio is kept only if you ask: what you said and what Parley said, to play back from History and
        to export with the conversation.
      </p>
      {settings.error && <p role="alert" className="mt-4 text-sm text-red-700">{settings.error.message}</p>}
      {data && (
        <div className="mt-4 space-y-3">
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              name="keepAudio"
              checked={ticked ?? data.keepAudio}
              disabled={toggle.isPending}
              onChange={(e) => {
                setTicked(e.target.checked);
                toggle.mutate({ current: data, keepAudio: e.target.checked });
              }}
            />
            <span className="text-sm font-medium">Keep the audio of my conversations</span>
          </label>
          <p className="text-xs text-slate-500">
            {data.keepAudio ? 'On from your next conversation.' : 'Off: nothing you say is kept as audio.'}{' '}
            {data.recordings.retentionDays === null
              ? 'Recordings are kept until you delete them or their conversation.'
              : `Recordings are deleted after ${data.recordings.retentionDays} days.`}
          </p>
          {toggle.error && <p role="alert" className="text-sm text-red-700">{toggle.error.message}</p>}
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <span data-testid="recordings-kept">
              {data.recordings.count === 0 ? 'No recordings kept.' : `${data.recordings.count} recordings kept (${formatBytes(data.recordings.bytes)}).`}
            </span>
            {data.recordings.count > 0 && !confirming && (
              <button type="button" onClick={() => setConfirming(true)} className="rounded-md border border-red-300 px-3 py-1.5 text-red-700 hover:bg-red-50">
                Delete my recordings
              </button>
            )}
            {confirming && (
              <>
                <span>Delete every recording? Transcripts stay.</span>
                <button type="button" disabled={remove.isPending} onClick={() => remove.mutate()} className="rounded-md bg-red-600 px-3 py-1.5 text-white hover:bg-red-500">
                  Delete them
                </button>
                <button type="button" onClick={() => setConfirming(false)} className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-100">
                  Cancel
                </button>
              </>
            )}
            {deleted !== null && <span role="status" className="text-green-700">Deleted {deleted} recordings.</span>}
            {remove.error && <span role="alert" className="text-red-700">{remove.error.message}</span>}
          </div>
        </div>
      )}
    </section>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
