/**
 * What the history API accepts, as zod schemas: the list's query string, a new title, the
 * export format. Each says what was wrong and what would be right.
 */
import { z } from 'zod';
import { decodeCursor, type HistoryQuery } from '../store/history';

export const MAX_SEARCH_CHARS = 200;
export const MAX_TITLE_CHARS = 200;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A date (a whole UTC day) or a date and time with its time zone. */
const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected a date (2025-01-31, a UTC day) or a date and time with a time zone (2025-01-31T09:30:00Z, 2025-01-31T09:30:00+02:00)',
});
const isDateOnly = (value: string) => !value.includes('T');

export const historyListParams = z
  .strictObject(
    {
      q: z.string().trim().max(MAX_SEARCH_CHARS, `at most ${MAX_SEARCH_CHARS} characters`).optional(),
      from: instant.optional(),
      to: instant.optional(),
      limit: z
        .string()
        .regex(/^\d{1,3}$/, `a whole number from 1 to ${MAX_PAGE_SIZE}`)
        .transform(Number)
        .pipe(z.number().min(1, `a whole number from 1 to ${MAX_PAGE_SIZE}`).max(MAX_PAGE_SIZE, `at most ${MAX_PAGE_SIZE}`))
        .optional(),
      cursor: z
        .string()
        .max(200)
        .transform((value, context) => {
          const cursor = decodeCursor(value);
          if (!cursor) context.addIssue({ code: 'custom', message: 'not a cursor from this API; pass back nextCursor as it came, or leave it out for the first page' });
          return cursor ?? z.NEVER;
        })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.map((key) => `"${key}"`).join(', ')}; the parameters are q, from, to, limit and cursor`
          : undefined,
    },
  )
  .transform((params, context): HistoryQuery => {
    const from = params.from === undefined ? undefined : new Date(params.from);
    // `to` includes the day it names, or the millisecond.
    const before = params.to === undefined ? undefined : new Date(new Date(params.to).getTime() + (isDateOnly(params.to) ? DAY_MS : 1));
    if (from && before && from >= before) {
      context.addIssue({ code: 'custom', path: ['from'], message: `${params.from} is after to (${params.to}); swap them` });
      return z.NEVER;
    }
    return { search: params.q || undefined, from, before, limit: params.limit ?? DEFAULT_PAGE_SIZE, after: params.cursor };
  });

export const titleBody = z.strictObject({
  title: z
    .string({ error: 'expected a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_TITLE_CHARS, `at most ${MAX_TITLE_CHARS} characters`),
});

export const exportParams = z.strictObject(
  { format: z.enum(['json', 'markdown'], { error: 'expected json or markdown' }).default('json') },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'the only parameter is format (json or markdown)' : undefined) },
);
export type ExportFormat = z.output<typeof exportParams>['format'];
