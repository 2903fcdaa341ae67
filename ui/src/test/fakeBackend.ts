// A fake Rust side for the UI tests: answers every command of the IPC contract from demo data held in
// memory, records each call, and lets a test emit `app-event`s, make a command fail with a code, hide a
// list from the user's role or leave rows of it out, and make the server unreachable for Diagnostics.
import { vi } from 'vitest';
import type {
  AppEvent,
  AppStateView,
  DesktopSettings,
  DiagnosticCheckView,
  DiagnosticsView,
  ErrorCode,
  InvitationView,
  MemberQueryView as MemberQuery,
  MemberView,
  OrgView,
  RoleView,
  TeamView,
  WorkspaceView,
} from '../lib/api';

const T0 = '2025-01-10T09:00:00Z';
const FETCHED = new Date(Date.now() - 5 * 60_000).toISOString();

function org(id: string, name: string, active = false): OrgView {
  return {
    id,
    name,
    display_name: `${name} Inc`,
    description: `The ${name} organization`,
    created: T0,
    updated: '2025-03-01T12:00:00Z',
    plan: 'Pro',
    trial_expiry: '2025-12-31T00:00:00Z',
    has_active_subscription: true,
    owner_name: 'Owner Person',
    owner_email: 'owner@example.com',
    active,
  };
}

const ROLES: RoleView[] = [
  { id: 'r-admin', name: 'Organization Admin', description: 'Full control of the organization', level: 'organization', system_managed: true },
  { id: 'r-manager', name: 'Organization Manager', description: 'Manages members and settings', level: 'organization', system_managed: true },
  { id: 'r-member', name: 'Organization Member', description: 'Uses the workspaces', level: 'organization', system_managed: true },
  { id: 'r-viewer', name: 'Organization Viewer', description: 'Reads only', level: 'organization', system_managed: true },
  { id: 'r-ws', name: 'Workspace Admin', description: 'Runs a workspace', level: 'workspace', system_managed: true },
];

function makeMembers(n: number): MemberView[] {
  const rows: MemberView[] = [];
  for (let i = 1; i <= n; i++) {
    const role = i % 10 === 0 ? ROLES[0] : ROLES[2];
    rows.push({
      key: `user:u${i}`,
      kind: 'user',
      id: `u${i}`,
      name: `User ${i}`,
      email: `user${i}@example.com`,
      roles: [{ role_id: role.id, name: role.name, via_team: false }],
    });
  }
  rows.push({ key: 'sa:bot', kind: 'service_account', id: 'sa1', name: 'ci-bot', email: null, roles: [] });
  rows.push({
    key: 'team:t1',
    kind: 'team',
    id: 't1',
    name: 'Platform',
    email: null,
    roles: [{ role_id: 'r-manager', name: 'Organization Manager', via_team: true }],
  });
  rows[0].roles.push({ role_id: 'r-manager', name: 'Organization Manager', via_team: true });
  return rows;
}

const STATUSES: WorkspaceView['status'][] = ['not_initialized', 'pending', 'available', 'failed', 'deactivated', 'deleted'];

const SERVER = 'http://127.0.0.1:1';

/** The checks of a reachable server: most pass, one informs, one warns. */
const CHECKS: DiagnosticCheckView[] = [
  { area: 'connection', check: 'GET /health', result: 'ok', detail: 'answered in 12 ms' },
  { area: 'clock', check: 'server time', result: 'info', detail: 'the server clock is 2 s ahead' },
  { area: 'sign-in', check: 'GET /users/me', result: 'ok', detail: 'signed in' },
  { area: 'read', check: 'GET /organizations/{id}/members', result: 'warn', detail: '1 row could not be read' },
  { area: 'last sync', check: 'last sync', result: 'ok', detail: '3 organizations, 5 minutes ago' },
];

const UNREACHABLE: DiagnosticCheckView[] = [
  { area: 'connection', check: 'GET /health', result: 'fail', detail: 'connection refused' },
];

function reportText(status: string, checks: DiagnosticCheckView[]): string {
  return [`Server: ${SERVER}`, `Status: ${status}`, ...checks.map((c) => `${c.result} ${c.area} ${c.check}: ${c.detail}`)].join('\n');
}

export class FakeBackend {
  state!: AppStateView;
  orgs!: OrgView[];
  members!: MemberView[];
  invitations!: InvitationView[];
  teams!: TeamView[];
  roles!: RoleView[];
  canManage = true;
  myRoles = ['Organization Admin'];
  failures = new Map<string, { code: ErrorCode; message: string }>();
  /** The list commands (`list_members`, …) whose list the server refuses to the user's role. */
  hidden = new Set<string>();
  /** Per list command, the rows the last sync could not read and left out. */
  skipped = new Map<string, number>();
  /** Diagnostics finds the server unreachable. */
  unreachable = false;
  /** Diagnostics does not answer until `releaseDiagnostics()` (a check that takes a while). */
  holdDiagnostics = false;
  private heldDiagnostics: (() => void)[] = [];
  /** Where the log files are; null when there are none. */
  logDir: string | null = '/tmp/app-logs';
  /** The organizations of the accounts that are not active (`orgs` holds the active one's). */
  otherOrgs = new Map<string, OrgView[]>();
  desktop!: DesktopSettings;
  /** Commands that never answer until `resolveDevice()` (the device flow wait). */
  deviceResolve: (() => void) | null = null;
  deviceReject: ((e: unknown) => void) | null = null;

  constructor() {
    this.reset();
  }

  reset(signedIn = true) {
    this.state = {
      accounts: signedIn
        ? [{ id: 'acc1', base_url: 'http://127.0.0.1:1', email: 'me@example.com', name: 'Me', signed_in: true, active: true, auth_method: 'key' }]
        : [],
      active_account: signedIn ? 'acc1' : null,
      demo: false,
      cache_notice: null,
      online: true,
      version: '0.1.0',
      default_api_url: 'https://cloud.example.com',
    };
    this.orgs = [org('o1', 'alpha', true), org('o2', 'beta'), org('o3', 'gamma')];
    this.members = makeMembers(250);
    this.invitations = [
      { id: 'i1', email: 'pending@example.com', status: 'pending', role_id: 'r-member', role_name: 'Organization Member', inviter: 'Me', created: T0, expires: '2030-01-01T00:00:00Z' },
      { id: 'i2', email: 'accepted@example.com', status: 'accepted', role_id: 'r-member', role_name: 'Organization Member', inviter: 'Me', created: T0, expires: null },
    ];
    this.teams = [{ id: 't1', name: 'Platform', description: 'Runs the platform', member_count: 12 }];
    this.roles = structuredClone(ROLES);
    this.canManage = true;
    this.myRoles = ['Organization Admin'];
    this.desktop = {
      close_to_tray: true,
      start_at_login: false,
      tray_icon: 'light',
      notify_invitation_accepted: true,
      notify_workspace_status: true,
      notify_session_expiring: true,
    };
    this.failures.clear();
    this.hidden.clear();
    this.skipped.clear();
    this.unreachable = false;
    this.holdDiagnostics = false;
    this.heldDiagnostics = [];
    this.logDir = '/tmp/app-logs';
    this.otherOrgs.clear();
    this.deviceResolve = null;
    this.deviceReject = null;
  }

  signIn() {
    const me = { id: 'acc1', base_url: 'http://127.0.0.1:1', email: 'me@example.com', name: 'Me', signed_in: true, active: true, auth_method: 'key' as const };
    this.state.accounts = [me, ...this.state.accounts.filter((a) => a.id !== me.id).map((a) => ({ ...a, active: false }))];
    this.state.active_account = 'acc1';
  }

  /** A second account, "Other" on another server, with one organization of its own. */
  addOtherAccount(signedIn = true) {
    this.state.accounts.push({
      id: 'acc2',
      base_url: 'https://zenml.other.example',
      email: 'other@other.example',
      name: 'Other',
      signed_in: signedIn,
      active: false,
      auth_method: 'password',
    });
    this.otherOrgs.set('acc2', [org('o9', 'delta', true)]);
  }

  fail(command: string, code: ErrorCode, message = 'server says no') {
    this.failures.set(command, { code, message });
  }

  /** The server refuses the list of `command` (`list_members`, …) to the user's role. */
  hide(command: string) {
    this.hidden.add(command);
  }

  /** The last sync could not read `n` rows of the list of `command`. */
  skip(command: string, n: number) {
    this.skipped.set(command, n);
  }

  /** Answers the Diagnostics checks held so far (each with the report as of its call), oldest first
   *  unless `newestFirst`. */
  releaseDiagnostics(newestFirst = false) {
    const held = this.heldDiagnostics;
    this.heldDiagnostics = [];
    (newestFirst ? held.reverse() : held).forEach((answer) => answer());
  }

  diagnostics(): DiagnosticsView {
    const checks = this.unreachable ? UNREACHABLE : CHECKS;
    const status = this.unreachable ? 'unreachable' : checks.some((c) => c.result === 'warn' || c.result === 'fail') ? 'problems' : 'ok';
    return {
      server: SERVER,
      status,
      checked_at: new Date().toISOString(),
      checks: structuredClone(checks),
      text: reportText(status, checks),
      log_dir: this.logDir,
    };
  }

  private active(): OrgView {
    return this.orgs.find((o) => o.active)!;
  }

  /** The fields every list shares; a hidden list comes back empty. */
  private listState(command: string) {
    return { fetched_at: FETCHED, stale: false, last_error: null, hidden: this.hidden.has(command), skipped: this.skipped.get(command) ?? 0 };
  }

  private listing<T>(command: string, items: T[]) {
    return { items: this.hidden.has(command) ? [] : items, ...this.listState(command) };
  }

  async handle(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const failure = this.failures.get(cmd);
    if (failure) throw { ...failure, fields: [] };
    const orgById = (id: unknown) => this.orgs.find((o) => o.id === id || o.name === id) ?? this.active();
    switch (cmd) {
      case 'app_state':
        return structuredClone(this.state);
      case 'start_demo':
      case 'login_with_key':
      case 'login_with_password':
        this.signIn();
        this.state.demo = cmd === 'start_demo';
        return this.state.accounts[0];
      case 'begin_device_login':
        return { verification_url: 'http://127.0.0.1:1/device', user_code: 'WDJB-MJHT', expires_in: 900 };
      case 'complete_device_login':
        return new Promise((resolve, reject) => {
          this.deviceResolve = () => {
            this.signIn();
            resolve(this.state.accounts[0]);
          };
          this.deviceReject = reject;
        });
      case 'cancel_device_login':
        this.deviceReject?.({ code: 'cancelled', message: 'cancelled', fields: [] });
        return null;
      case 'logout': {
        // As the app does: a plain sign-out keeps the account (signed out, still active) and its
        // cache; `purge` forgets both.
        const id = args.accountId as string;
        if (args.purge) {
          this.state.accounts = this.state.accounts.filter((a) => a.id !== id);
          this.otherOrgs.delete(id);
          if (this.state.active_account === id) {
            this.state.active_account = null;
            this.orgs = [];
          }
        } else {
          this.state.accounts = this.state.accounts.map((a) => (a.id === id ? { ...a, signed_in: false } : a));
        }
        return null;
      }
      case 'switch_account': {
        const id = args.accountId as string;
        const target = this.state.accounts.find((a) => a.id === id);
        if (!target) throw { code: 'not_found', message: `no account ${id}`, fields: [] };
        const previous = this.state.active_account;
        if (previous && previous !== id) {
          this.otherOrgs.set(previous, this.orgs);
          this.orgs = this.otherOrgs.get(id) ?? [];
          this.otherOrgs.delete(id);
        }
        this.state.active_account = id;
        this.state.accounts = this.state.accounts.map((a) => ({ ...a, active: a.id === id }));
        return { ...target, active: true };
      }
      case 'ui_painted':
        return null;
      case 'sync_now':
        return { organizations: this.orgs.length, synced: this.orgs.length, failed: [], removed: 0, duration_ms: 5 };
      case 'list_organizations':
        return { items: structuredClone(this.orgs), fetched_at: FETCHED, stale: false, last_error: null };
      case 'switch_organization': {
        const target = orgById(args.org);
        this.orgs = this.orgs.map((o) => ({ ...o, active: o.id === target.id }));
        return target;
      }
      case 'organization_overview': {
        const o = orgById(args.org);
        return {
          org: structuredClone(o),
          my_roles: this.myRoles,
          can_manage: this.canManage,
          can_see_billing: this.canManage,
          dashboard_url: 'http://127.0.0.1:1/dash',
          billing_url: 'http://127.0.0.1:1/billing',
          member_count: this.hidden.has('list_members') ? null : this.members.length,
          workspace_count: this.hidden.has('list_workspaces') ? null : STATUSES.length,
          fetched_at: FETCHED,
          stale: false,
          last_error: null,
        };
      }
      case 'list_members': {
        const q = args.query as MemberQuery;
        const offset = q.offset ?? 0;
        const limit = q.limit ?? 100;
        let rows = this.hidden.has(cmd) ? [] : this.members;
        if (q.search) {
          const s = q.search.toLowerCase();
          rows = rows.filter((r) => `${r.name} ${r.email}`.toLowerCase().includes(s));
        }
        if (q.role) rows = rows.filter((r) => r.roles.some((x) => x.name === q.role));
        if (q.kind) rows = rows.filter((r) => r.kind === q.kind);
        return { rows: rows.slice(offset, offset + limit), total: rows.length, ...this.listState(cmd) };
      }
      case 'list_invitations': {
        const items = args.onlyPending ? this.invitations.filter((i) => i.status === 'pending') : this.invitations;
        return this.listing(cmd, structuredClone(items));
      }
      case 'list_workspaces':
        return this.listing(
          cmd,
          STATUSES.map((status, i) => ({
            id: `w${i}`,
            name: `ws-${status}`,
            display_name: null,
            status,
            desired_state: null,
            version: '0.80.0',
            server_url: `https://ws${i}.example.com`,
            dashboard_url: 'http://127.0.0.1:1/ws',
          })),
        );
      case 'list_teams':
        return this.listing(cmd, structuredClone(this.teams));
      case 'list_roles':
        return this.listing(cmd, structuredClone(this.roles));
      case 'invite': {
        const emails = args.emails as string[];
        return emails.map((email) => {
          const invitation: InvitationView = {
            id: `i-${email}`,
            email,
            status: 'pending',
            role_id: 'r-member',
            role_name: args.role as string,
            inviter: 'Me',
            created: new Date().toISOString(),
            expires: null,
          };
          this.invitations.push(invitation);
          return { email, ok: true, invitation, error: null };
        });
      }
      case 'revoke_invitation':
        this.invitations = this.invitations.map((i) => (i.id === args.invitation ? { ...i, status: 'revoked' } : i));
        return this.invitations.find((i) => i.id === args.invitation);
      case 'resend_invitation':
        return this.invitations.find((i) => i.id === args.invitation);
      case 'set_member_role': {
        const m = this.members.find((x) => x.id === args.member)!;
        m.roles = [{ role_id: 'x', name: args.role as string, via_team: false }];
        return m;
      }
      case 'remove_member':
        this.members = this.members.filter((x) => x.id !== args.member);
        return null;
      case 'update_organization': {
        const o = orgById(args.org);
        o.name = args.name as string;
        o.description = args.description as string;
        return o;
      }
      case 'open_in_dashboard':
        return 'http://127.0.0.1:1/dash';
      case 'open_billing':
        return 'http://127.0.0.1:1/dash/billing';
      case 'diagnostics':
        if (this.holdDiagnostics) {
          const report = this.diagnostics();
          return new Promise((resolve) => this.heldDiagnostics.push(() => resolve(report)));
        }
        return this.diagnostics();
      case 'open_log_folder':
        if (!this.logDir) throw { code: 'not_found', message: 'no log folder', fields: [] };
        return this.logDir;
      case 'desktop_settings':
        return { ...this.desktop };
      case 'update_desktop_settings':
        this.desktop = { ...(args.settings as DesktopSettings) };
        return { ...this.desktop };
      default:
        throw { code: 'internal', message: `unknown command ${cmd}`, fields: [] };
    }
  }
}

export const backend = new FakeBackend();
export const invoke = vi.fn((cmd: string, args?: Record<string, unknown>) => backend.handle(cmd, args));

let handler: ((e: { payload: AppEvent }) => void) | null = null;
export const listen = vi.fn(async (_name: string, h: (e: { payload: AppEvent }) => void) => {
  handler = h;
  return () => {
    handler = null;
  };
});

/** Delivers an `app-event` as the Rust side would. */
export function emit(ev: AppEvent) {
  handler?.({ payload: ev });
}

/** The arguments of every call of one command, in order. */
export function callsOf(cmd: string): Record<string, unknown>[] {
  return invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => (c[1] ?? {}) as Record<string, unknown>);
}
