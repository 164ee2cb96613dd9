'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, fetchJson } from '../../../fetch-json';
import { refetchAfterChange } from '../../../refetch-after-change';
import { conversationUrl, exportUrl, LIVE_REFRESH_MS, type ConversationWithTurns, type StoredTurn } from '../api';
import { TurnRecording } from './turn-recording';
import { Problem } from '../problem';
import { formatDateTime, formatDuration, formatMs, formatTimeOfDay, plural } from '../format';
import { LatencyChart } from './latency-chart';
import { replyLatencies } from './latency-breakdown';

const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;

export function ConversationView({ id }: { id: string }) {
  const detail = useQuery({
    // The talk page reads the same key for a continued conversation: one cache entry per conversation.
    queryKey: ['conversation', id],
    queryFn: ({ signal }) => fetchJson<ConversationWithTurns>(conversationUrl(id), { signal }),
    // A conversation going on in another tab shows its turns as they are stored.
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : LIVE_REFRESH_MS),
    retry: (failures, error) => !isNotFound(error) && failures < 1,
  });

  if (detail.isPending) return <p className="text-slate-500">Loading the conversation…</p>;
  if (detail.isError && isNotFound(detail.error)) {
    return (
      <div className="space-y-3">
        <h1 className="text-2xl font-semibold">No such conversation</h1>
        <p className="text-slate-600">It was deleted.</p>
        <Link href="/conversations" className="text-indigo-600 underline">Back to History</Link>
      </div>
    );
  }
  if (!detail.data) return <Problem message={detail.error?.message ?? 'Could not load the conversation.'} onRetry={() => void detail.refetch()} />;

  const { conversation, turns } = detail.data;
  const replies = replyLatencies(turns);

  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <Title id={id} title={conversation.title} />
        <p className="text-sm text-slate-500">
          Started <time dateTime={conversation.createdAt}>{formatDateTime(conversation.createdAt)}</time> · {formatDuration(conversation.durationMs)} ·{' '}
          {plural(turns.length, 'turn')}
        </p>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <Link href={`/talk?conversation=${id}`} className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500">
            Continue this conversation
          </Link>
          <a href={exportUrl(id, 'markdown')} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100">
            Export as Markdown
          </a>
          <a href={exportUrl(id, 'json')} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100">
            Export as JSON
          </a>
          <DeleteButton id={id} turnCount={turns.length} />
        </div>
      </header>

      {detail.isRefetchError && <Problem message={`Could not refresh: ${detail.error.message}`} onRetry={() => void detail.refetch()} />}

      <ol aria-label="Transcript" className="space-y-4">
        {turns.length === 0 && <li className="text-slate-500">Nothing has been said yet.</li>}
        {turns.map((turn) => (
          <TurnBubble key={turn.id} conversationId={id} turn={turn} />
        ))}
      </ol>

      <section aria-labelledby="latency-heading" className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="latency-heading" className="mb-3 font-semibold">Latency</h2>
        {replies.length > 0 ? (
          <LatencyChart replies={replies} />
        ) : (
          <p className="text-sm text-slate-500">No reply in this conversation was measured.</p>
        )}
      </section>
    </div>
  );
}

function TurnBubble({ conversationId, turn }: { conversationId: string; turn: StoredTurn }) {
  const mine = turn.role === 'user';
  return (
    <li data-role={turn.role} data-testid="turn" className={`flex flex-col ${mine ? 'items-end' : 'items-start'}`}>
      <div className="mb-1 flex items-center gap-2 text-xs text-slate-500">
        <span className="font-medium text-slate-700">{mine ? 'You' : 'Parley'}</span>
        <time dateTime={turn.startedAt}>{formatTimeOfDay(turn.startedAt)}</time>
        {turn.interrupted && (
          <span className="rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-800" title="You spoke over it: only what you heard is kept">
            interrupted
          </span>
        )}
        {turn.audio && <TurnRecording conversationId={conversationId} turnId={turn.id} durationMs={turn.audio.durationMs} />}
      </div>
      {/* Plain text children: React escapes it, so a stored "<img onerror=…>" shows as written. */}
      <p
        data-testid="turn-text"
        className={`max-w-[80%] whitespace-pre-wrap break-words rounded-2xl px-4 py-2 ${mine ? 'bg-indigo-600 text-white' : 'border border-slate-200 bg-white'}`}
      >
        {turn.text || <em className="opacity-70">(nothing heard)</em>}
      </p>
      <TurnLatencies turn={turn} />
    </li>
  );
}

function TurnLatencies({ turn }: { turn: StoredTurn }) {
  const parts =
    turn.role === 'user'
      ? [['speech end → transcript', turn.sttLatencyMs]]
      : [
          ['→ reply text', turn.agentLatencyMs],
          ['→ first audio', turn.ttsLatencyMs],
          ['voice-to-voice', turn.voiceToVoiceMs],
        ];
  const measured = parts.filter((part): part is [string, number] => part[1] !== null);
  if (measured.length === 0) return null;
  return (
    <p data-testid="turn-latency" className="mt-1 text-xs tabular-nums text-slate-500">
      {measured.map(([label, ms]) => `${label} ${formatMs(ms)}`).join(' · ')}
    </p>
  );
}

/** The title, renamed in place: Enter or "Save" keeps it, Escape or "Cancel" does not. */
function Title({ id, title }: { id: string; title: string | null }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const rename = useMutation({
    mutationFn: (newTitle: string) => fetchJson(conversationUrl(id), { method: 'PATCH', body: JSON.stringify({ title: newTitle }) }),
    onSuccess: async () => {
      await refetchAfterChange(queryClient, ['conversation', id], ['conversations']);
      setEditing(false);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rename.mutate(String(new FormData(event.currentTarget).get('title') ?? '').trim());
  }

  if (!editing) {
    return (
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className={`text-2xl font-semibold ${title ? '' : 'italic text-slate-500'}`}>{title ?? 'Untitled'}</h1>
        <button
          type="button"
          onClick={() => {
            rename.reset();
            setEditing(true);
          }}
          className="text-sm text-indigo-600 hover:underline"
        >
          Rename
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="space-y-1">
      <div className="flex flex-wrap items-center gap-2">
        <input
          name="title"
          defaultValue={title ?? ''}
          aria-label="Conversation title"
          autoFocus
          required
          maxLength={200}
          onKeyDown={(event) => {
            if (event.key === 'Escape') setEditing(false);
          }}
          className="min-w-64 flex-1 rounded-md border border-slate-300 px-3 py-1.5 text-xl font-semibold"
        />
        <button type="submit" disabled={rename.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm text-white hover:bg-indigo-500 disabled:opacity-60">
          {rename.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={() => setEditing(false)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
          Cancel
        </button>
      </div>
      {rename.error && <p role="alert" className="text-sm text-red-700">{rename.error.message}</p>}
    </form>
  );
}

/** Delete, after a confirmation in a modal dialog; then back to the list. */
function DeleteButton({ id, turnCount }: { id: string; turnCount: number }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const remove = useMutation({
    mutationFn: () => fetchJson(conversationUrl(id), { method: 'DELETE' }),
    onSuccess: () => {
      // Stop polling the deleted conversation before leaving its page.
      void queryClient.cancelQueries({ queryKey: ['conversation', id] });
      queryClient.removeQueries({ queryKey: ['conversation', id] });
      void refetchAfterChange(queryClient, ['conversations']);
      router.push('/conversations');
    },
  });

  return (
    <>
      <button
        type="button"
        onClick={() => {
          remove.reset();
          dialog.current?.showModal();
        }}
        className="ml-auto rounded-md border border-red-200 bg-white px-3 py-1.5 text-red-700 hover:bg-red-50"
      >
        Delete
      </button>
      <dialog ref={dialog} aria-labelledby={`delete-${id}`} className="m-auto w-full max-w-md rounded-xl p-6 shadow-xl backdrop:bg-slate-900/40">
        <h2 id={`delete-${id}`} className="text-lg font-semibold">Delete this conversation?</h2>
        <p className="mt-2 text-sm text-slate-600">Its {plural(turnCount, 'turn')} will be gone for good. This cannot be undone.</p>
        {remove.error && <p role="alert" className="mt-2 text-sm text-red-700">{remove.error.message}</p>}
        <div className="mt-6 flex justify-end gap-2">
          <button type="button" onClick={() => dialog.current?.close()} className="rounded-md border border-slate-300 px-4 py-2 text-sm hover:bg-slate-100">
            Cancel
          </button>
          <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending} className="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-500 disabled:opacity-60">
            {remove.isPending ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      </dialog>
    </>
  );
}
