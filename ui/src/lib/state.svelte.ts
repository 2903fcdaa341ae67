// The app's shared state: who is signed in, the organizations, the sync in progress and connectivity.
// Screens read from it and bump nothing but `app.page`; data changes arrive through `handleEvent`.
//
// One read per change: a write does not reload anything itself. The Rust side announces every change
// with a `data_changed` event naming the entities it touched; `handleEvent` bumps the counter of each
// (`app.changes`), and each screen's resource (`orgResource`) reads again only when a counter of an
// entity it shows moved. A sync announces all entities, so whatever is on screen is read once.
import { ENTITIES } from './bindings/entities';
import { listen } from '@tauri-apps/api/event';
import { offboardProgress } from './offboard';
import {
  APP_EVENT,
  commands,
  type AppEvent,
  type AppStateView,
  type DesktopSettings,
  type UpdateStatusView,
  type Entity,
  type Freshness,
  type Organization,
} from './api';
import { errorCode, errorMessage } from './errors';

export type Page =
  | 'home'
  | 'people'
  | 'person'
  | 'access-review'
  | 'activity'
  | 'overview'
  | 'settings'
  | 'members'
  | 'invitations'
  | 'workspaces'
  | 'teams'
  | 'roles'
  | 'diagnostics';

/** The pages across organizations (shown with or without an active organization), first in the
 *  navigation; `person` is reached from People. */
export const CROSS_PAGES: { id: Page; label: string; shortcut: string }[] = [
  { id: 'home', label: 'Home', shortcut: 'H' },
  { id: 'people', label: 'People', shortcut: 'P' },
  { id: 'access-review', label: 'Access review', shortcut: 'R' },
  { id: 'activity', label: 'Activity', shortcut: 'L' },
];

export function isCrossPage(page: Page): boolean {
  return page === 'home' || page === 'people' || page === 'person' || page === 'access-review' || page === 'activity';
}

export const PAGES: { id: Page; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'settings', label: 'Settings' },
  { id: 'members', label: 'Members' },
  { id: 'invitations', label: 'Invitations' },
  { id: 'workspaces', label: 'Workspaces' },
  { id: 'teams', label: 'Teams' },
  { id: 'roles', label: 'Roles' },
  { id: 'diagnostics', label: 'Diagnostics' },
];

export { ENTITIES };

interface SyncState {
  running: boolean;
  stage: string;
  done: number;
  total: number;
  error: string | null;
}

function initial() {
  return {
    loaded: false,
    state: null as AppStateView | null,
    startError: null as string | null,
    orgs: [] as Organization[],
    /** How fresh the organization list is, once read. */
    orgsFreshness: null as Freshness | null,
    orgsError: null as string | null,
    /** Home first: the organizations at a glance, before choosing one. */
    page: 'home' as Page,
    /** The email of the person the person page shows. */
    personEmail: null as string | null,
    /** What the Members page searches for when it opens next (set by a person's page). */
    memberSearch: null as string | null,
    /** Bumped on every `data_changed` of any account and organization: the pages across organizations
     *  (Home, People, a person) read again. */
    crossChanges: 0,
    sync: { running: false, stage: '', done: 0, total: 0, error: null } as SyncState,
    /** Set while the app believes it is offline: the time the data shown was fetched. */
    offline: null as { asOf: string | null } | null,
    /** Per entity, bumped when the active organization's data of that kind changed: the resources that
     *  show it read again (see `orgResource`). */
    changes: Object.fromEntries(ENTITIES.map((e) => [e, 0])) as Record<Entity, number>,
    /** Bumped when the session changed (sign-in, sign-out, another account): what depends on who is
     *  signed in reads again. */
    sessionVersion: 0,
    quickSwitcherOpen: false,
    notice: null as string | null,
    /** The sign-in screen was opened from the main window to add another account. */
    addingAccount: false,
    /** This computer's preferences of the app, once read (kept in step by `settings_changed`). */
    desktopSettings: null as DesktopSettings | null,
    /** Where in-app updates are, once read (kept in step by `update_status`); see `lib/updates`. */
    update: null as UpdateStatusView | null,
  };
}

export const app = $state(initial());

/** Back to the state of a fresh start (after signing out, and between tests). */
export function resetApp(): void {
  Object.assign(app, initial());
}

export function activeOrg(): Organization | null {
  return app.orgs.find((o) => o.active) ?? null;
}

/** Tells the resources showing any of `entities` of the active organization to read again. */
export function invalidate(entities: readonly Entity[]): void {
  for (const e of entities) app.changes[e]++;
}

export function signedIn(): boolean {
  const s = app.state;
  if (!s || !s.active_account) return false;
  return s.accounts.some((a) => a.id === s.active_account && a.signed_in);
}

export function activeAccount() {
  const s = app.state;
  return s?.accounts.find((a) => a.id === s.active_account) ?? null;
}

export async function loadAppState(): Promise<void> {
  try {
    app.state = await commands.appState();
    app.startError = null;
  } catch (e) {
    app.startError = errorMessage(e);
  } finally {
    app.loaded = true;
  }
}

// The organization chosen last in this window (by a click or an `active_org_changed`), counted so that a
// list read before the choice does not put back the organization active before it.
let orgChoices = 0;
let chosenOrg: string | null = null;

function markActive(id: string): void {
  orgChoices++;
  chosenOrg = id;
  // In place: only the flags that change are written, so only the two organizations whose flag moved
  // update (their buttons in the switcher), not every organization's.
  for (const o of app.orgs) {
    const active = o.id === id;
    if (o.active !== active) o.active = active;
  }
}

/** When a list was fetched from the server; null when it was not yet (or is not known). */
export function fetchedAt(freshness: Freshness | null | undefined): string | null {
  return freshness?.fetched_at ?? null;
}

export async function loadOrganizations(): Promise<void> {
  const choicesBefore = orgChoices;
  try {
    const list = await commands.listOrganizations();
    const chosen = orgChoices !== choicesBefore ? chosenOrg : null;
    app.orgs =
      chosen && list.items.some((o) => o.id === chosen)
        ? list.items.map((o) => ({ ...o, active: o.id === chosen }))
        : list.items;
    app.orgsFreshness = list.freshness;
    app.orgsError = null;
    const offline = app.state?.online === false || list.freshness.error_code === 'offline';
    if (offline && !app.offline) {
      app.offline = { asOf: fetchedAt(list.freshness) };
    }
  } catch (e) {
    app.orgsError = errorMessage(e);
  }
}

/** Syncs in the background: the screens keep showing the cache meanwhile. When it is done the app
 *  announces the new data (`data_changed`, every entity) and that event reloads what is on screen. */
export async function syncNow(): Promise<void> {
  if (app.sync.running) return;
  app.sync = { running: true, stage: 'starting', done: 0, total: 0, error: null };
  try {
    const report = await commands.syncNow();
    app.offline = null;
    if (report.failed.length > 0) {
      app.sync.error = `${report.failed.length} of ${report.organizations} organizations could not be refreshed.`;
    }
  } catch (e) {
    if (errorCode(e) === 'offline') {
      app.offline = { asOf: fetchedAt(app.orgsFreshness) };
    } else {
      app.sync.error = errorMessage(e);
    }
  } finally {
    app.sync.running = false;
  }
}

export async function switchOrganization(id: string): Promise<void> {
  // Choosing an organization from a page across organizations opens it.
  if (isCrossPage(app.page)) app.page = 'overview';
  const target = app.orgs.find((o) => o.id === id);
  if (!target || target.active) return;
  // Marked at once so the switcher and the screens follow the click without waiting for the reply: the
  // screens read the new organization's cache by its id as soon as it is marked (they need no reload
  // after the reply, which would only read the same rows twice).
  markActive(id);
  try {
    await commands.switchOrganization(id);
  } catch (e) {
    app.notice = errorMessage(e);
    // Back to the organization that is really active; the screens follow its id.
    await loadOrganizations();
  }
}

/**
 * Opens an organization of any signed-in account on `page` (its overview by default): what a card of
 * Home and an organization of a person's page do. The app switches the account first when it is not
 * the active one; the window then reads that account's organizations again.
 */
export async function openOrganization(accountId: string, orgId: string, page: Page = 'overview'): Promise<void> {
  const sameAccount = accountId === app.state?.active_account;
  if (sameAccount && app.orgs.some((o) => o.id === orgId)) markActive(orgId);
  try {
    await commands.openOrganization(accountId, orgId);
  } catch (e) {
    app.notice = errorMessage(e);
    if (sameAccount) await loadOrganizations();
    return;
  }
  app.notice = null;
  if (!sameAccount) await reloadSession();
  app.page = page;
}

/** Shows one person's page. */
export function openPerson(email: string): void {
  app.personEmail = email;
  app.page = 'person';
}

/** The search the Members page was asked to open with, once. */
export function takeMemberSearch(): string {
  const s = app.memberSearch ?? '';
  app.memberSearch = null;
  return s;
}

/** Everything after a sign-in: account list, organizations from the cache, then a background sync. */
export async function afterSignIn(): Promise<void> {
  app.addingAccount = false;
  await reloadSession();
}

/**
 * After the active account changed (sign-in, switch, sign-out): forget the previous account's data,
 * read the accounts again and, when one is signed in, its organizations from the cache and a sync.
 */
async function reloadSession(): Promise<void> {
  app.orgs = [];
  app.orgsFreshness = null;
  app.orgsError = null;
  app.offline = null;
  app.sync.error = null;
  await loadAppState();
  app.sessionVersion++;
  if (signedIn()) {
    // The screens read the new organization's data as its id becomes the active one.
    await loadOrganizations();
    void syncNow();
  }
}

/** Makes another known account the active one; one that is signed out leads to the sign-in screen. */
export async function switchAccount(accountId: string): Promise<void> {
  if (accountId === app.state?.active_account && signedIn()) return;
  try {
    await commands.switchAccount(accountId);
  } catch (e) {
    app.notice = errorMessage(e);
    return;
  }
  app.addingAccount = false;
  app.notice = null;
  await reloadSession();
}

/** Signs an account out; `purge` also deletes what the app saved of it on this computer. Rejects with
 *  the command's error, for the caller to show. */
export async function signOut(accountId: string, purge: boolean): Promise<void> {
  await commands.logout(accountId, purge);
  app.notice = null;
  await reloadSession();
}

export async function handleEvent(ev: AppEvent): Promise<void> {
  const account = app.state?.active_account ?? null;
  switch (ev.kind) {
    case 'sync_progress':
      // A sync's last progress says it finished: nothing can leave "Syncing…" on after it.
      app.sync.running = ev.stage !== 'finished';
      app.sync.stage = ev.stage;
      app.sync.done = ev.done;
      app.sync.total = ev.total;
      break;
    case 'sync_finished':
      // The new data itself is announced by the `data_changed` event that follows.
      app.sync.running = false;
      break;
    case 'data_changed': {
      app.crossChanges++;
      if (ev.account_id !== account) break;
      // A null organization means every organization of the account.
      if (ev.org_id === null || ev.org_id === activeOrg()?.id) invalidate(ev.entities);
      if (ev.entities.includes('organizations')) await loadOrganizations();
      break;
    }
    case 'active_org_changed':
      if (ev.account_id !== account) break;
      // The screens follow the new id; they need no other reload.
      if (activeOrg()?.id !== ev.org_id) markActive(ev.org_id);
      break;
    case 'session_changed':
      await loadAppState();
      if (signedIn()) await loadOrganizations();
      app.sessionVersion++;
      break;
    case 'connectivity':
      app.offline = ev.online ? null : { asOf: ev.as_of ?? fetchedAt(app.orgsFreshness) };
      break;
    case 'notice':
      app.notice = ev.message;
      break;
    case 'settings_changed':
      app.desktopSettings = ev.settings;
      break;
    case 'update_status':
      app.update = ev.status;
      break;
    case 'notification':
      // Shown natively by the app; the window has nothing to add.
      break;
    case 'offboard_progress':
      offboardProgress(ev);
      break;
  }
}

export function listenToEvents(): Promise<() => void> {
  return listen<AppEvent>(APP_EVENT, (e) => void handleEvent(e.payload));
}
