// What the signed-in user may do in the active organization, read once per organization with the cheap
// `my_access` command and shared by every screen that greys controls out. It reads again when the
// active organization or the session changes, and when a `data_changed` event for that organization
// names `members` (roles may have moved) or `organization`.
import { commands, type AccessView } from './api';
import { orgResource, type Resource } from './resource.svelte';
import { activeOrg, app } from './state.svelte';

let current = $state<Resource<AccessView> | null>(null);

/** Starts keeping the store up to date; called once by the main window, inside its component. */
export function trackPermissions(): void {
  current = orgResource(
    ['members', 'organization'],
    (org) => commands.myAccess(org),
    () => app.sessionVersion,
  );
}

/** The active organization's access, once known (never a previous organization's). */
function access(): AccessView | null {
  const data = current?.data ?? null;
  return data && data.org_id === activeOrg()?.id ? data : null;
}

export const permissions: Resource<AccessView> & {
  readonly canManage: boolean;
  readonly canSeeBilling: boolean;
  readonly myRoles: string[];
} = {
  get data() {
    return access();
  },
  get error() {
    return current?.error ?? null;
  },
  get loading() {
    return current?.loading ?? false;
  },
  reload() {
    return current?.reload() ?? Promise.resolve();
  },
  /** False until known, so nothing is offered before the role is read. */
  get canManage() {
    return access()?.can_manage ?? false;
  },
  get canSeeBilling() {
    return access()?.can_see_billing ?? false;
  },
  get myRoles() {
    return access()?.my_roles ?? [];
  },
};
