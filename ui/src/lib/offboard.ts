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

const ACTION_WORDS = {
  remove_member: 'remove member',
  revoke_invitation: 'revoke invitation',
  invite: 'invite',
  revoke_role: 'revoke role',
  leave_team: 'leave team',
} as const;

/**
 * "remove member demo@zenml-pro.example", "revoke role a@b.example (Workspace Developer on research)",
 * as `zpro offboard` says it.
 */
export function stepWords(action: keyof typeof ACTION_WORDS | null, label: string | null, on: string | null = null): string {
  if (!action) return 'everything here';
  const who = label ? `${ACTION_WORDS[action]} ${label}` : ACTION_WORDS[action];
  return on ? `${who} (${on})` : who;
}

/** A planned step as the dialog lists it: "Revoke Workspace Developer on research", "Leave team platform". */
export function stepLine(s: { action: keyof typeof ACTION_WORDS; on: string | null }): string {
  switch (s.action) {
    case 'remove_member':
      return 'Remove the membership';
    case 'revoke_invitation':
      return 'Revoke the pending invitation';
    case 'revoke_role':
      return `Revoke ${s.on ?? 'a workspace role'}`;
    case 'leave_team':
      return `Leave ${s.on ?? 'a team'}`;
    default:
      return ACTION_WORDS[s.action];
  }
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
