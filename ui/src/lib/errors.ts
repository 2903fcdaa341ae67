// Errors in plain words. The Rust side rejects every command with `{code, message, fields}` from a
// closed set of codes; this is the only place that turns one into text for people.
import type { ErrorCode, IpcError } from './api';

const MESSAGES: Record<ErrorCode, string> = {
  offline: 'You are offline. Showing the data saved on this computer; changes need a connection.',
  unauthorized: 'Your session has ended. Sign in again to continue.',
  forbidden: 'Your role does not allow this. Ask an Organization Admin or Organization Manager.',
  not_found: 'This item no longer exists. It may have been removed by someone else; refresh to see the current data.',
  conflict: 'This clashes with something that already exists or changed meanwhile. Refresh and try again.',
  rate_limited: 'The server is receiving too many requests. Wait a moment and try again.',
  plan_limit: "Your organization's plan does not allow this. Upgrade the plan or free up a seat.",
  invalid_input: 'Some of the values are not valid. Check the highlighted fields.',
  keyring_unavailable:
    "The system keyring is not available, so the sign-in can't be stored safely. Unlock or install a keyring service and try again.",
  server: 'The server ran into a problem. Try again in a moment.',
  cancelled: 'Cancelled.',
  internal: 'Something went wrong inside the app. Try again; if it keeps happening, restart the app.',
};

/** Codes where the server's own message adds something a person can act on. */
const DETAIL_CODES = new Set<ErrorCode>(['invalid_input', 'conflict', 'plan_limit', 'not_found', 'server', 'forbidden']);

export function isIpcError(err: unknown): err is IpcError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as { code: string }).code in MESSAGES
  );
}

export function errorCode(err: unknown): ErrorCode {
  return isIpcError(err) ? err.code : 'internal';
}

/** The plain-words message for any rejection: never raw JSON, whatever was thrown. */
export function errorMessage(err: unknown): string {
  return MESSAGES[errorCode(err)];
}

/** The server's own words, where they help (and are not just the summary again); else null. */
export function errorDetail(err: unknown): string | null {
  if (!isIpcError(err) || !DETAIL_CODES.has(err.code)) return null;
  const parts = [err.message, ...(err.fields ?? []).map((f) => `${f.field}: ${f.message}`)]
    .map((s) => (typeof s === 'string' ? s.trim() : ''))
    .filter((s) => s.length > 0);
  return parts.length ? parts.join(' — ') : null;
}

/** The message of the field error for `field`, if the server named one. */
export function fieldError(err: unknown, field: string): string | null {
  if (!isIpcError(err)) return null;
  return err.fields?.find((f) => f.field === field)?.message ?? null;
}
