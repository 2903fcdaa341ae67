// The shared formatters give what `toLocaleString` with the same options gives, and numbers keep their
// thousands separators.
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, plural, relativeTime } from './format';

describe('format', () => {
  it('formats like toLocaleString with the same options', () => {
    const iso = '2026-12-03T14:05:00Z';
    const d = new Date(iso);
    expect(formatDateTime(iso)).toBe(d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
    expect(formatDate(iso)).toBe(d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));
    expect(formatDateTime('not a date')).toBe('—');
    expect(formatDate(null)).toBe('—');
  });

  it('numbers, plurals and relative times', () => {
    expect(formatNumber(20105)).toBe('20,105');
    expect(formatNumber(0)).toBe('0');
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(1234, 'row')).toBe('1,234 rows');
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(relativeTime('2026-12-03T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2026-12-05T12:00:00Z', now)).toBe('in 2 days');
    expect(relativeTime(null, now)).toBe('never');
  });
});
