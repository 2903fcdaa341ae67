import { describe, expect, it } from 'vitest';
import type { ErrorCode } from './api';
import { errorDetail, errorMessage, fieldError } from './errors';

const CODES: ErrorCode[] = [
  'offline',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'plan_limit',
  'invalid_input',
  'keyring_unavailable',
  'server',
  'cancelled',
  'internal',
];

describe('errorMessage', () => {
  it.each(CODES)('has its own plain-words message for %s', (code) => {
    const msg = errorMessage({ code, message: '{"detail":"raw"}', fields: [] });
    expect(msg).toMatch(/^[A-Z]/);
    expect(msg).not.toContain('{');
    expect(msg).not.toContain('raw');
  });

  it('gives every code a different message', () => {
    const all = CODES.map((code) => errorMessage({ code, message: '', fields: [] }));
    expect(new Set(all).size).toBe(CODES.length);
  });

  it('names the role problem and being offline in words', () => {
    expect(errorMessage({ code: 'forbidden', message: '', fields: [] })).toMatch(/^Your role does not allow this/);
    expect(errorMessage({ code: 'offline', message: '', fields: [] })).toMatch(/^You are offline/);
  });

  it('never shows raw JSON or an unknown shape', () => {
    for (const thrown of [new Error('{"x":1}'), '{"code":"weird"}', { code: 'nope', message: 'x' }, null, undefined, 42]) {
      expect(errorMessage(thrown)).toBe(errorMessage({ code: 'internal', message: '', fields: [] }));
    }
  });

  it('shows the server message as detail where it helps, with field errors', () => {
    const err = { code: 'invalid_input' as const, message: 'bad name', fields: [{ field: 'name', message: 'too long' }] };
    expect(errorDetail(err)).toBe('bad name — name: too long');
    expect(fieldError(err, 'name')).toBe('too long');
    expect(errorDetail({ code: 'offline', message: 'connect error', fields: [] })).toBeNull();
  });
});
