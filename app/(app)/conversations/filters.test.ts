import { describe, expect, it } from 'vitest';
import { conversationsApiUrl, historySearch, isBackwardsRange, parseHistoryFilters } from './filters';

describe('parseHistoryFilters', () => {
  it('reads the search and the days from the address', () => {
    expect(parseHistoryFilters({ q: ' seven ', from: '2025-01-02', to: '2025-01-31' })).toEqual({
      filters: { q: 'seven', from: '2025-01-02', to: '2025-01-31' },
      problems: [],
    });
  });

  it('takes the first of repeated parameters', () => {
    expect(parseHistoryFilters({ q: ['one', 'two'] }).filters.q).toBe('one');
  });

  it('leaves out what is not usable and says what was wrong', () => {
    const { filters, problems } = parseHistoryFilters({ q: 'x'.repeat(201), from: 'yesterday', to: '2025-02-30' });
    expect(filters).toEqual({ q: '', from: '', to: '' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/longer than 200 characters/);
    expect(problems[1]).toMatch(/from=yesterday.*not a date like 2025-01-31/);
    expect(problems[2]).toMatch(/to=2025-02-30/);
  });
});

describe('historySearch', () => {
  it('is empty without filters and a query string with them', () => {
    expect(historySearch({ q: '', from: '', to: '' })).toBe('');
    expect(historySearch({ q: 'twelve times', from: '', to: '2025-01-31' })).toBe('?q=twelve+times&to=2025-01-31');
  });
});

describe('conversationsApiUrl', () => {
  it('sends the person’s days as instants from the start of the first to the end of the last', () => {
    const url = new URL(conversationsApiUrl({ q: 'seven', from: '2025-03-01', to: '2025-03-02' }, 'abc'), 'http://x');
    expect(url.pathname).toBe('/api/conversations');
    expect(url.searchParams.get('q')).toBe('seven');
    expect(url.searchParams.get('cursor')).toBe('abc');
    expect(url.searchParams.get('limit')).toBe('20');
    expect(new Date(url.searchParams.get('from')!).getTime()).toBe(new Date(2025, 2, 1).getTime());
    expect(new Date(url.searchParams.get('to')!).getTime()).toBe(new Date(2025, 2, 3).getTime() - 1);
  });

  it('leaves unset filters out', () => {
    expect(conversationsApiUrl({ q: '', from: '', to: '' }, null)).toBe('/api/conversations?limit=20');
  });
});

describe('isBackwardsRange', () => {
  it('is true only when both days are set and from is after to', () => {
    expect(isBackwardsRange({ q: '', from: '2025-02-01', to: '2025-01-01' })).toBe(true);
    expect(isBackwardsRange({ q: '', from: '2025-01-01', to: '2025-01-01' })).toBe(false);
    expect(isBackwardsRange({ q: '', from: '2025-02-01', to: '' })).toBe(false);
  });
});
