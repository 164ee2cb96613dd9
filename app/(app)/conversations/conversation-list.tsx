'use client';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { fetchJson } from '../../fetch-json';
import { LIVE_REFRESH_MS, type ConversationPage, type ConversationSummary } from './api';
import {
  conversationsApiUrl,
  hasFilters,
  historySearch,
  isBackwardsRange,
  MAX_QUERY_LENGTH,
  NO_FILTERS,
  type HistoryFilters,
} from './filters';
import { formatDateTime, formatDuration, plural } from './format';
import { Problem } from './problem';

/** How long typing pauses before the search runs. */
const SEARCH_DEBOUNCE_MS = 300;

export function ConversationList({ initialFilters, problems }: { initialFilters: HistoryFilters; problems: string[] }) {
  const [filters, setFilters] = useState(initialFilters);
  const [typed, setTyped] = useState(initialFilters.q);

  // The search runs once typing pauses; the dates apply at once.
  useEffect(() => {
    const q = typed.trim();
    const timer = setTimeout(() => setFilters((current) => (current.q === q ? current : { ...current, q })), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  // The address follows the filters (replaced, not pushed: typing is not a trail of pages).
  useEffect(() => {
    const search = historySearch(filters);
    if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}`);
  }, [filters]);

  const list = useInfiniteQuery({
    queryKey: ['conversations', filters],
    queryFn: ({ pageParam, signal }) => fetchJson<ConversationPage>(conversationsApiUrl(filters, pageParam), { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Polls only while the page is visible (react-query pauses intervals in hidden tabs).
    refetchInterval: LIVE_REFRESH_MS,
    // While a new search runs, the previous results stay on screen.
    placeholderData: keepPreviousData,
    enabled: !isBackwardsRange(filters),
  });

  const { hasNextPage, isFetchingNextPage, fetchNextPage, isFetchNextPageError } = list;
  const sentinel = useRef<HTMLDivElement>(null);
  // Infinite scroll: the next page loads as the end of the list comes near. Re-observing after
  // each page fires again at once if the end is still in view (pages shorter than the screen).
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || isFetchingNextPage || isFetchNextPageError) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void fetchNextPage({ cancelRefetch: false });
      },
      { rootMargin: '0px 0px 400px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage]);

  const conversations = list.data?.pages.flatMap((page) => page.conversations) ?? [];
  const searching = list.isPlaceholderData && list.isFetching;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-4">
        <h1 className="text-2xl font-semibold">History</h1>
        <span aria-live="polite" className="text-sm text-slate-500">
          {searching ? 'Searching…' : ''}
        </span>
      </div>

      {problems.length > 0 && (
        <ul role="status" className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}

      <form role="search" aria-label="Search conversations" onSubmit={(event) => event.preventDefault()} className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <label className="flex min-w-56 flex-1 flex-col gap-1 text-sm text-slate-600">
          Search what was said
          <input
            type="search"
            value={typed}
            maxLength={MAX_QUERY_LENGTH}
            onChange={(event) => setTyped(event.target.value)}
            placeholder="e.g. seven"
            className="rounded-md border border-slate-300 px-3 py-2 text-slate-900"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm text-slate-600">
          From
          <input
            type="date"
            value={filters.from}
            max={filters.to || undefined}
            onChange={(event) => setFilters((current) => ({ ...current, from: event.target.value }))}
            className="rounded-md border border-slate-300 px-3 py-2 text-slate-900"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm text-slate-600">
          To
          <input
            type="date"
            value={filters.to}
            min={filters.from || undefined}
            onChange={(event) => setFilters((current) => ({ ...current, to: event.target.value }))}
            className="rounded-md border border-slate-300 px-3 py-2 text-slate-900"
          />
        </label>
        {hasFilters(filters) && (
          <button
            type="button"
            onClick={() => {
              setTyped('');
              setFilters(NO_FILTERS);
            }}
            className="rounded-md border border-slate-300 px-3 py-2 text-sm hover:bg-slate-100"
          >
            Clear
          </button>
        )}
      </form>

      {isBackwardsRange(filters) ? (
        <p role="alert" className="text-sm text-amber-900">The “From” day is after the “To” day: pick a “From” day on or before it.</p>
      ) : list.isPending ? (
        <p className="text-slate-500">Loading conversations…</p>
      ) : list.isError && !list.data ? (
        <Problem message={list.error.message} onRetry={() => void list.refetch()} />
      ) : conversations.length === 0 ? (
        hasFilters(filters) ? (
          <p className="text-slate-600">Nothing matches. Try other words or days.</p>
        ) : (
          <p className="text-slate-600">
            No conversations yet — <Link href="/talk" className="text-indigo-600 underline">start talking</Link>.
          </p>
        )
      ) : (
        <>
          {list.isRefetchError && <Problem message={`Could not refresh the list: ${list.error.message}`} onRetry={() => void list.refetch()} />}
          <ul aria-label="Conversations" className={`divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white shadow-sm ${searching ? 'opacity-60' : ''}`}>
            {conversations.map((conversation) => (
              <ConversationRow key={conversation.id} conversation={conversation} />
            ))}
          </ul>
          <div ref={sentinel} />
          {isFetchNextPageError ? (
            <Problem message={list.error?.message ?? 'Could not load more.'} onRetry={() => void fetchNextPage()} />
          ) : hasNextPage ? (
            <div className="flex justify-center">
              <button
                type="button"
                onClick={() => void fetchNextPage({ cancelRefetch: false })}
                disabled={isFetchingNextPage}
                className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm hover:bg-slate-100 disabled:opacity-60"
              >
                {isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            </div>
          ) : (
            conversations.length > 10 && <p className="text-center text-sm text-slate-500">That is all of them.</p>
          )}
        </>
      )}
    </div>
  );
}

function ConversationRow({ conversation }: { conversation: ConversationSummary }) {
  return (
    <li>
      <Link href={`/conversations/${conversation.id}`} className="block px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50">
        <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
          <span className={`font-medium ${conversation.title ? '' : 'text-slate-500 italic'}`}>{conversation.title ?? 'Untitled'}</span>
          <span className="ml-auto text-sm text-slate-500">
            <time dateTime={conversation.createdAt}>{formatDateTime(conversation.createdAt)}</time>
            {' · '}
            {formatDuration(conversation.durationMs)}
            {' · '}
            {plural(conversation.turnCount, 'turn')}
          </span>
        </div>
        {/* Until renamed, the title is the first words: the preview would only repeat it. */}
        {conversation.preview && conversation.preview !== conversation.title && (
          <p className="mt-1 line-clamp-2 text-sm text-slate-600">{conversation.preview}</p>
        )}
      </Link>
    </li>
  );
}
