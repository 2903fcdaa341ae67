// Where the `offboard_progress` events go: the offboarding dialog listens while it is open (one step's
// result per event, as each completes).
import type { AppEvent, IpcError } from './api';

export type OffboardProgress = Extract<AppEvent, { kind: 'offboard_progress' }>;

const listeners = new Set<(ev: OffboardProgress) => void>();

/** Calls `f` with every progress event until the returned function is called. */
export function onOffboardProgress(f: (ev: OffboardProgress) => void): () => void {
  listeners.add(f);
  return () => void listeners.delete(f);
}

export function offboardProgress(ev: OffboardProgress): void {
  for (const f of listeners) f(ev);
}

/** "1 step", "2 steps". */
export function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

const ACTION_WORDS = { remove_member: 'remove member', revoke_invitation: 'revoke invitation', invite: 'invite' } as const;

/** "remove member demo@zenml-pro.example", as `zpro offboard` says it. */
export function stepWords(action: keyof typeof ACTION_WORDS | null, label: string | null): string {
  if (!action) return 'everything here';
  return label ? `${ACTION_WORDS[action]} ${label}` : ACTION_WORDS[action];
}

/** The override checkboxes, in the words the dialog shows them. */
export const OVERRIDE_LABELS = {
  remove_self: "Also remove my own account's access where it is the person's",
  last_admin: "Also remove an organization's last Organization Admin",
} as const;

/**
 * Which override a failed step stopped for, if any: core refuses removing the acting account's own
 * user or an organization's last Organization Admin with a `conflict` whose field `override` names it
 * (`remove_self`, `last_admin`).
 */
export function neededOverride(error: IpcError | null): keyof typeof OVERRIDE_LABELS | null {
  if (!error || error.code !== 'conflict') return null;
  const wanted = error.fields.find((f) => f.field === 'override')?.message;
  return wanted === 'remove_self' || wanted === 'last_admin' ? wanted : null;
}
