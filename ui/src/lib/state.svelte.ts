// The app's shared state: who is signed in, the organizations, the sync in progress and connectivity.
// Screens read from it and bump nothing but `app.page`; data changes arrive through `handleEvent`.
import { listen } from '@tauri-apps/api/event';
import { APP_EVENT, commands, type AppEvent, type AppStateView, type DesktopSettings, type OrgView } from './api';
import { errorCode, errorMessage } from './errors';

export type Page = 'overview' | 'settings' | 'members' | 'invitations' | 'workspaces' | 'teams' | 'roles' | 'diagnostics';

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
    orgs: [] as OrgView[],
    orgsFetchedAt: null as string | null,
    orgsError: null as string | null,
    page: 'overview' as Page,
    sync: { running: false, stage: '', done: 0, total: 0, error: null } as SyncState,
    /** Set while the app believes it is offline: the time the data shown was fetched. */
    offline: null as { asOf: string | null } | null,
    /** Bumped whenever the data of the active organization changed: screens reload on it. */
    dataVersion: 0,
    quickSwitcherOpen: false,
    notice: null as string | null,
    /** The sign-in screen was opened from the main window to add another account. */
    addingAccount: false,
    /** This computer's preferences of the app, once read (kept in step by `settings_changed`). */
    desktopSettings: null as DesktopSettings | null,
  };
}

export const app = $state(initial());

/** Back to the state of a fresh start (after signing out, and between tests). */
export function resetApp(): void {
  Object.assign(app, initial());
}

export function activeOrg(): OrgView | null {
  return app.orgs.find((o) => o.active) ?? null;
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

export async function loadOrganizations(): Promise<void> {
  try {
    const list = await commands.listOrganizations();
    app.orgs = list.items;
    app.orgsFetchedAt = list.fetched_at;
    app.orgsError = null;
    const offline = app.state?.online === false || (!!list.last_error && /offline/i.test(list.last_error));
    if (offline && !app.offline) {
      app.offline = { asOf: list.fetched_at };
    }
  } catch (e) {
    app.orgsError = errorMessage(e);
  }
}

/** Syncs in the background: the screens keep showing the cache meanwhile and reload when it is done. */
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
      app.offline = { asOf: app.orgsFetchedAt };
    } else {
      app.sync.error = errorMessage(e);
    }
  } finally {
    app.sync.running = false;
  }
  await loadOrganizations();
  app.dataVersion++;
}

export async function switchOrganization(id: string): Promise<void> {
  const target = app.orgs.find((o) => o.id === id);
  if (!target || target.active) return;
  // Marked at once so the switcher and the screens follow the click without waiting for the reply: the
  // screens read the new organization's cache by its id as soon as it is marked (they need no reload
  // after the reply, which would only read the same rows twice).
  app.orgs = app.orgs.map((o) => ({ ...o, active: o.id === id }));
  try {
    await commands.switchOrganization(id);
  } catch (e) {
    app.notice = errorMessage(e);
    await loadOrganizations();
    app.dataVersion++;
  }
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
  app.orgsFetchedAt = null;
  app.orgsError = null;
  app.offline = null;
  app.sync.error = null;
  await loadAppState();
  if (signedIn()) {
    await loadOrganizations();
    app.dataVersion++;
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
      app.sync.running = true;
      app.sync.stage = ev.stage;
      app.sync.done = ev.done;
      app.sync.total = ev.total;
      break;
    case 'sync_finished':
      app.sync.running = false;
      await loadOrganizations();
      app.dataVersion++;
      break;
    case 'data_changed':
      if (ev.account_id !== account) break;
      if (ev.org_id === null || ev.org_id === activeOrg()?.id) {
        if (ev.org_id === null) await loadOrganizations();
        app.dataVersion++;
      } else {
        await loadOrganizations();
      }
      break;
    case 'active_org_changed':
      if (ev.account_id !== account) break;
      if (activeOrg()?.id !== ev.org_id) {
        app.orgs = app.orgs.map((o) => ({ ...o, active: o.id === ev.org_id }));
        app.dataVersion++;
      }
      break;
    case 'session_changed':
      await loadAppState();
      if (signedIn()) await loadOrganizations();
      break;
    case 'connectivity':
      app.offline = ev.online ? null : { asOf: ev.as_of ?? app.orgsFetchedAt };
      break;
    case 'notice':
      app.notice = ev.message;
      break;
    case 'settings_changed':
      app.desktopSettings = ev.settings;
      break;
    case 'notification':
      // Shown natively by the app; the window has nothing to add.
      break;
  }
}

export function listenToEvents(): Promise<() => void> {
  return listen<AppEvent>(APP_EVENT, (e) => void handleEvent(e.payload));
}
