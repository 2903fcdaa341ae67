import { describe, expect, it } from 'vitest';
import { parseEmails, validateOrgName } from './validation';
import { relativeTime } from './format';

describe('validateOrgName', () => {
  it('accepts letters, digits, spaces, - and _ up to 50 characters', () => {
    expect(validateOrgName('Acme ML_team-2')).toBeNull();
    expect(validateOrgName('x'.repeat(50))).toBeNull();
  });
  it('rejects empty, too long and other characters', () => {
    expect(validateOrgName('   ')).toBe('Enter a name.');
    expect(validateOrgName('x'.repeat(51))).toMatch(/at most 50/);
    expect(validateOrgName('a.b')).toMatch(/only letters/);
    expect(validateOrgName('<img src=x>')).toMatch(/only letters/);
  });
});

describe('parseEmails', () => {
  it('splits on commas, semicolons, whitespace and newlines and marks invalid and repeated ones', () => {
    const r = parseEmails(' a@x.io,b@y.org;\n\tnope  A@X.io ');
    expect(r.map((e) => [e.email, e.valid, e.duplicate])).toEqual([
      ['a@x.io', true, false],
      ['b@y.org', true, false],
      ['nope', false, false],
      ['A@X.io', true, true],
    ]);
  });
});

describe('relativeTime', () => {
  it('says how long ago in words', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(relativeTime(null, now)).toBe('never');
    expect(relativeTime('2025-01-01T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2025-01-01T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2024-12-30T12:00:00Z', now)).toBe('2 days ago');
  });
});
