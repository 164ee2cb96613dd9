/**
 * The history list's filters: what to search for and which days, kept in the page's address
 * (`/conversations?q=…&from=YYYY-MM-DD&to=YYYY-MM-DD`) so a search can be shared and reloaded.
 */
import { z } from 'zod';
import { PAGE_SIZE } from './api';

export interface HistoryFilters {
  /** Words either side said; '' for all. */
  q: string;
  /** First and last day (the person's own calendar days, YYYY-MM-DD) the conversations started on; '' for open. */
  from: string;
  to: string;
}

export const NO_FILTERS: HistoryFilters = { q: '', from: '', to: '' };
export const MAX_QUERY_LENGTH = 200;

const day = z.iso.date();
const query = z.string().max(MAX_QUERY_LENGTH);

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The filters in a page address. A value that is not usable is left out, with a sentence
 * saying what was wrong, for the page to show.
 */
export function parseHistoryFilters(searchParams: SearchParams): { filters: HistoryFilters; problems: string[] } {
  const problems: string[] = [];
  const first = (name: string) => {
    const value = searchParams[name];
    return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
  };
  const q = first('q');
  const filters = { ...NO_FILTERS };
  if (query.safeParse(q).success) filters.q = q;
  else problems.push(`The search in the address is longer than ${MAX_QUERY_LENGTH} characters, so it is not used; type a shorter one.`);
  for (const name of ['from', 'to'] as const) {
    const value = first(name);
    if (!value) continue;
    if (day.safeParse(value).success) filters[name] = value;
    else problems.push(`“${name}=${value}” in the address is not a date like 2025-01-31, so it is not used; pick the day below.`);
  }
  return { filters, problems };
}

/** The page's own query string for the filters: '' or '?q=…'. */
export function historySearch(filters: HistoryFilters): string {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  const search = params.toString();
  return search ? `?${search}` : '';
}

export function hasFilters(filters: HistoryFilters): boolean {
  return Boolean(filters.q || filters.from || filters.to);
}

/** True when both days are set and the first comes after the last (nothing can match). */
export function isBackwardsRange(filters: HistoryFilters): boolean {
  return Boolean(filters.from && filters.to && filters.from > filters.to);
}

/**
 * The API address for one page of the list. Days are the person's own: `from` is the start of
 * that day in their time zone and `to` the end of theirs, sent as instants (ISO, UTC).
 */
export function conversationsApiUrl(filters: HistoryFilters, cursor: string | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filters.q) params.set('q', filters.q);
  if (filters.from) params.set('from', startOfLocalDay(filters.from).toISOString());
  if (filters.to) params.set('to', endOfLocalDay(filters.to).toISOString());
  if (cursor) params.set('cursor', cursor);
  return `/api/conversations?${params}`;
}

function startOfLocalDay(isoDay: string): Date {
  const [year, month, date] = isoDay.split('-').map(Number);
  return new Date(year, month - 1, date);
}

/** The last millisecond of the day, so `to` includes it whether the API compares with < or ≤. */
function endOfLocalDay(isoDay: string): Date {
  const start = startOfLocalDay(isoDay);
  return new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1, 0, 0, 0, -1);
}
