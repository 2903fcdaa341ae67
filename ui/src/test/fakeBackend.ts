// A fake Rust side for the UI tests: answers every command of the IPC contract (`CommandHandlers`, so a
// missing or misshapen answer is a type error) from demo data held in memory, records each call,
// announces its writes and syncs with `data_changed` naming what changed as the app does, and lets a
// test emit `app-event`s, make a command fail with a code, hide a
// list from the user's role or leave rows of it out, and make the server unreachable for Diagnostics.
import { ENTITIES } from '../lib/bindings/entities';
import { vi } from 'vitest';
import type { CommandHandlers, CommandName } from '../lib/bindings/commands';
import type {
  Account,
  AppEvent,
  AppStateView,
  DesktopSettings,
  UpdateState,
  UpdateStatusView,
  DiagnosticCheckView,
  DiagnosticsView,
  Entity,
  ErrorCode,
  Freshness,
  HeldRole,
  Invitation,
  Member,
  Organization,
  AccessEntryView,
  Role,
  ServiceAccountsView,
  TeamMemberView,
  Team,
  Workspace,
} from '../lib/api';

import * as cross from './fakeCross';
import { FakeOffboard } from './fakeOffboard';
import { FakeReview } from './fakeReview';
import { FakeServiceAccounts, TOKENS_OUTLIVE } from './fakeServiceAccounts';

const T0 = '2025-01-10T09:00:00Z';
const FETCHED = new Date(Date.now() - 5 * 60_000).toISOString();

function org(id: string, name: string, active = false): Organization {
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

const ROLES: Role[] = [
  { id: 'r-admin', name: 'Organization Admin', description: 'Full control of the organization', level: 'organization', system_managed: true },
  { id: 'r-manager', name: 'Organization Manager', description: 'Manages members and settings', level: 'organization', system_managed: true },
  { id: 'r-member', name: 'Organization Member', description: 'Uses the workspaces', level: 'organization', system_managed: true },
  { id: 'r-viewer', name: 'Organization Viewer', description: 'Reads only', level: 'organization', system_managed: true },
  { id: 'r-ws', name: 'Workspace Admin', description: 'Runs a workspace', level: 'workspace', system_managed: true },
];

/** A role a member holds, labelled as the app labels it. */
export function heldRole(id: string, name: string, viaTeam = false): HeldRole {
  return { id, name, via_team: viaTeam, label: viaTeam ? `${name} (via a team)` : name };
}

/** Sets the roles a member holds: the chips (`held_roles`) and their names, each once (`roles`). */
export function holdRoles(m: Member, held: HeldRole[]): Member {
  m.held_roles = held;
  m.roles = [...new Set(held.map((r) => r.name))];
  return m;
}

/** A member row as the app gives it: `name` its own (null for an invitation), `label` how it is shown. */
export function makeMember(
  m: Pick<Member, 'key' | 'kind' | 'id' | 'email'> & { name: string | null },
  held: HeldRole[] = [],
): Member {
  const label = m.name ?? m.email ?? m.id;
  return holdRoles({ ...m, username: null, roles: [], held_roles: [], label, active: m.kind === 'user' ? true : null }, held);
}

function makeMembers(n: number): Member[] {
  const rows: Member[] = [];
  for (let i = 1; i <= n; i++) {
    const role = i % 10 === 0 ? ROLES[0] : ROLES[2];
    rows.push(
      makeMember({ key: `user:u${i}`, kind: 'user', id: `u${i}`, name: `User ${i}`, email: `user${i}@example.com` }, [
        heldRole(role.id, role.name),
      ]),
    );
  }
  rows.push(makeMember({ key: 'sa:bot', kind: 'service_account', id: 'sa1', name: 'ci-bot', email: null }));
  rows.push(
    makeMember({ key: 'team:t1', kind: 'team', id: 't1', name: 'Platform', email: null }, [
      heldRole('r-manager', 'Organization Manager', true),
    ]),
  );
  holdRoles(rows[0], [...rows[0].held_roles, heldRole('r-manager', 'Organization Manager', true)]);
  return rows;
}

/** An account as the app gives it, with its `label` (its email, else name, else server). */
function makeAccount(a: Omit<Account, 'label'>): Account {
  return { ...a, label: a.email ?? a.name ?? a.base_url };
}

/** An invitation as the app gives it: `roles` the organization role first, then the workspace roles
 *  (each "<role> on <workspace>"); `teams` by name. */
export function makeInvitation(
  i: Pick<Invitation, 'id' | 'email' | 'status' | 'role_id' | 'role_name' | 'inviter' | 'created' | 'expires'>,
  workspaceRoles: { id: string; name: string; workspaceId: string; workspace: string }[] = [],
  teams: { id: string; name: string }[] = [],
): Invitation {
  const orgRole = i.role_id
    ? [{ id: i.role_id, name: i.role_name, level: 'organization', workspace_id: null, workspace: null, label: i.role_name ?? i.role_id }]
    : [];
  return {
    ...i,
    lapsed: false,
    role: i.role_name ?? i.role_id,
    roles: [
      ...orgRole,
      ...workspaceRoles.map((w) => ({
        id: w.id,
        name: w.name,
        level: 'workspace',
        workspace_id: w.workspaceId,
        workspace: w.workspace,
        label: `${w.name} on ${w.workspace}`,
      })),
    ],
    teams: teams.map((t) => ({ id: t.id, name: t.name, label: t.name })),
  };
}

function grant(workspaceId: string, workspace: string, kind: string, holderId: string, holder: string): AccessEntryView {
  return {
    role_id: 'r-ws',
    role: 'Workspace Admin',
    level: 'workspace',
    workspace_id: workspaceId,
    workspace,
    kind,
    holder_id: holderId,
    holder,
    name: null,
  };
}

const STATUSES: Workspace['status'][] = ['not_initialized', 'pending', 'available', 'failed', 'deactivated', 'deleted'];

const SERVER = 'http://127.0.0.1:1';

const ALL_ENTITIES: Entity[] = [...ENTITIES];

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
  orgs!: Organization[];
  members!: Member[];
  invitations!: Invitation[];
  teams!: Team[];
  /** Team id → its members. */
  teamMembers!: Map<string, TeamMemberView[]>;
  workspaces!: Workspace[];
  /** Workspace role grants. */
  grants!: AccessEntryView[];
  serviceAccounts!: ServiceAccountsView;
  /** The service accounts' API keys, and every key value handed out (see `fakeServiceAccounts`). */
  sa = new FakeServiceAccounts();
  roles!: Role[];
  canManage = true;
  myRoles = ['Organization Admin'];
  failures = new Map<CommandName, { code: ErrorCode; message: string }>();
  /** The list commands (`list_members`, …) whose list the server refuses to the user's role. */
  hidden = new Set<CommandName>();
  /** Per list command, the rows the last sync could not read and left out. */
  skipped = new Map<CommandName, number>();
  /** Diagnostics finds the server unreachable. */
  unreachable = false;
  /** The last refresh of the organization list failed with this (its `last_error` and `error_code`). */
  orgListError: { code: ErrorCode | null; message: string } | null = null;
  /** Diagnostics does not answer until `releaseDiagnostics()` (a check that takes a while). */
  holdDiagnostics = false;
  private heldDiagnostics: (() => void)[] = [];
  /** Where the log files are; null when there are none. */
  logDir: string | null = '/tmp/app-logs';
  /** The organizations of the accounts that are not active (`orgs` holds the active one's). */
  otherOrgs = new Map<string, Organization[]>();
  /** Offboarding's faults and pace (see `fakeOffboard`). */
  offboard = new FakeOffboard();
  desktop!: DesktopSettings;
  /** In-app updates: not configured unless a test says so (`updatesOn`). */
  update!: UpdateStatusView;
  /** What the next checks find, in order (up to date when none is queued). */
  updateAnswers: UpdateState[] = [];
  /** Organizations (by id) whose cache is stale, on the pages across organizations. */
  staleOrgs = new Set<string>();
  /** The access review, the activity log and the saved exports. */
  review = new FakeReview();
  /** Commands that never answer until `resolveDevice()` (the device flow wait). */
  deviceResolve: (() => void) | null = null;
  deviceReject: ((e: unknown) => void) | null = null;

  constructor() {
    this.reset();
  }

  reset(signedIn = true) {
    this.state = {
      accounts: signedIn
        ? [makeAccount({ id: 'acc1', base_url: 'http://127.0.0.1:1', email: 'me@example.com', name: 'Me', signed_in: true, active: true, auth_method: 'key' })]
        : [],
      active_account: signedIn ? 'acc1' : null,
      demo: false,
      cache_notice: null,
      online: true,
      version: '0.1.0',
      default_api_url: 'https://cloud.example.com',
    };
    this.orgs = [org('o1', 'alpha', true), org('o2', 'beta'), org('o3', 'gamma')];
    this.offboard = new FakeOffboard();
    this.members = makeMembers(250);
    this.invitations = [
      makeInvitation({ id: 'i1', email: 'pending@example.com', status: 'pending', role_id: 'r-member', role_name: 'Organization Member', inviter: 'Me', created: T0, expires: '2030-01-01T00:00:00Z' }),
      makeInvitation({ id: 'i2', email: 'accepted@example.com', status: 'accepted', role_id: 'r-member', role_name: 'Organization Member', inviter: 'Me', created: T0, expires: null }),
    ];
    this.teams = [{ id: 't1', name: 'Platform', description: 'Runs the platform', member_count: 12 }];
    this.teamMembers = new Map([
      [
        't1',
        [
          { key: 'user:u1', pending: false, name: 'User 1', email: 'user1@example.com' },
          { key: 'invitation:i-new', pending: true, name: 'new@example.com', email: 'new@example.com' },
        ],
      ],
    ]);
    this.workspaces = STATUSES.map((status, i) => ({
      id: `w${i}`,
      name: `ws-${status}`,
      display_name: null,
      status,
      desired_state: null,
      state_reason: status === 'failed' ? 'The server did not start' : null,
      description: null,
      workspace_type: 'zenml',
      type_label: 'ZenML',
      version: '0.80.0',
      server_url: `https://ws${i}.example.com`,
      dashboard_url: 'http://127.0.0.1:1/ws',
    }));
    this.grants = [grant('w2', 'ws-available', 'team', 't1', 'Platform')];
    this.serviceAccounts = {
      offered: true,
      reason: null,
      items: [
        { id: 'sa1', name: 'ci-bot', description: 'Runs the pipelines', active: true, last_login: T0, key_count: 1, roles: ['Organization Member'] },
      ],
      skipped: 0,
      tokens_outlive: TOKENS_OUTLIVE,
    };
    this.sa.reset();
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
      check_updates_daily: true,
    };
    this.update = { configured: false, current_version: '', state: { state: 'idle' }, last_checked: null, dismissed: false };
    this.updateAnswers = [];
    this.failures.clear();
    this.hidden.clear();
    this.skipped.clear();
    this.unreachable = false;
    this.orgListError = null;
    this.holdDiagnostics = false;
    this.heldDiagnostics = [];
    this.logDir = '/tmp/app-logs';
    this.otherOrgs.clear();
    this.staleOrgs.clear();
    this.review.reset();
    this.deviceResolve = null;
    this.deviceReject = null;
  }

  signIn() {
    const me = makeAccount({ id: 'acc1', base_url: 'http://127.0.0.1:1', email: 'me@example.com', name: 'Me', signed_in: true, active: true, auth_method: 'key' });
    this.state.accounts = [me, ...this.state.accounts.filter((a) => a.id !== me.id).map((a) => ({ ...a, active: false }))];
    this.state.active_account = 'acc1';
  }

  /** A second account, "Other" on another server, with one organization of its own. */
  addOtherAccount(signedIn = true) {
    this.state.accounts.push(
      makeAccount({
        id: 'acc2',
        base_url: 'https://zenml.other.example',
        email: 'other@other.example',
        name: 'Other',
        signed_in: signedIn,
        active: false,
        auth_method: 'password',
      }),
    );
    this.otherOrgs.set('acc2', [org('o9', 'delta', true)]);
  }

  fail(command: CommandName, code: ErrorCode, message = 'server says no') {
    this.failures.set(command, { code, message });
  }

  /** The server refuses the list of `command` (`list_members`, …) to the user's role. */
  hide(command: CommandName) {
    this.hidden.add(command);
  }

  /** The last sync could not read `n` rows of the list of `command`. */
  skip(command: CommandName, n: number) {
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

  private active(): Organization {
    return this.orgs.find((o) => o.active)!;
  }

  /** How fresh every list is; a hidden list comes back empty. */
  private freshness(command: CommandName): Freshness {
    return {
      fetched_at: FETCHED,
      stale: false,
      last_error: null,
      error_code: null,
      hidden: this.hidden.has(command),
      skipped: this.skipped.get(command) ?? 0,
    };
  }

  private listing<T>(command: CommandName, items: T[]) {
    return { items: this.hidden.has(command) ? [] : items, freshness: this.freshness(command) };
  }

  /** Announces a change as the app does after a write or a sync. */
  private changed(org: string | null, entities: Entity[]) {
    const account = this.state.active_account;
    if (account) emit({ kind: 'data_changed', account_id: account, org_id: org, entities });
  }

  /** A role by id or by name, as the app accepts either. */
  private role(idOrName: string): Role {
    return this.roles.find((r) => r.id === idOrName || r.name === idOrName) ?? { ...ROLES[2], id: idOrName, name: idOrName };
  }

  private orgById(id: string | null): Organization {
    return this.orgs.find((o) => o.id === id || o.name === id) ?? this.active();
  }

  /** One answer per command of the contract: a command left out, or answered with the wrong shape,
   *  does not type-check. */
  readonly handlers: CommandHandlers = {
    app_state: () => structuredClone(this.state),
    start_demo: () => {
      this.signIn();
      this.state.demo = true;
      return this.state.accounts[0];
    },
    login_with_key: () => {
      this.signIn();
      this.state.demo = false;
      return this.state.accounts[0];
    },
    login_with_password: () => {
      this.signIn();
      this.state.demo = false;
      return this.state.accounts[0];
    },
    stop_demo: () => undefined,
    begin_device_login: () => ({ verification_url: 'http://127.0.0.1:1/device', user_code: 'WDJB-MJHT', expires_in: 900 }),
    complete_device_login: () =>
      new Promise<Account>((resolve, reject) => {
        this.deviceResolve = () => {
          this.signIn();
          resolve(this.state.accounts[0]);
        };
        this.deviceReject = reject;
      }),
    cancel_device_login: () => {
      this.deviceReject?.({ code: 'cancelled', message: 'cancelled', fields: [] });
    },
    logout: ({ accountId: id, purge }) => {
      // As the app does: a plain sign-out keeps the account (signed out, still active) and its
      // cache; `purge` forgets both.
      if (purge) {
        this.state.accounts = this.state.accounts.filter((a) => a.id !== id);
        this.otherOrgs.delete(id);
        if (this.state.active_account === id) {
          this.state.active_account = null;
          this.orgs = [];
        }
      } else {
        this.state.accounts = this.state.accounts.map((a) => (a.id === id ? { ...a, signed_in: false } : a));
      }
    },
    switch_account: ({ accountId: id }) => {
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
    },
    ui_painted: () => undefined,
    sync_now: () => {
      const report = { organizations: this.orgs.length, synced: this.orgs.length, failed: [], removed: 0, duration_ms: 5 };
      // As the app does: the report, then every entity of every organization announced at once.
      emit({ kind: 'sync_finished', report });
      this.changed(null, [...ALL_ENTITIES]);
      return report;
    },
    list_organizations: () => ({
      items: structuredClone(this.orgs),
      freshness: {
        ...this.freshness('list_organizations'),
        last_error: this.orgListError?.message ?? null,
        error_code: this.orgListError?.code ?? null,
      },
    }),
    switch_organization: ({ org }) => {
      const target = this.orgById(org);
      this.orgs = this.orgs.map((o) => ({ ...o, active: o.id === target.id }));
      return target;
    },
    organization_overview: ({ org }) => {
      const o = this.orgById(org);
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
        error_code: null,
      };
    },
    my_access: ({ org }) => ({
      org_id: this.orgById(org).id,
      my_roles: [...this.myRoles],
      can_manage: this.canManage,
      can_see_billing: this.canManage,
    }),
    list_members: ({ query: q }) => {
      const offset = q.offset ?? 0;
      const limit = q.limit ?? 100;
      let rows = this.hidden.has('list_members') ? [] : this.members;
      if (q.search) {
        const s = q.search.toLowerCase();
        rows = rows.filter((r) => `${r.label} ${r.email}`.toLowerCase().includes(s));
      }
      if (q.role) rows = rows.filter((r) => r.roles.includes(q.role!));
      if (q.kind) rows = rows.filter((r) => r.kind === q.kind);
      return { items: structuredClone(rows.slice(offset, offset + limit)), total: rows.length, freshness: this.freshness('list_members') };
    },
    list_invitations: ({ onlyPending }) => {
      const items = onlyPending ? this.invitations.filter((i) => i.status === 'pending') : this.invitations;
      return this.listing('list_invitations', structuredClone(items));
    },
    list_workspaces: () => this.listing('list_workspaces', structuredClone(this.workspaces)),
    list_teams: () => this.listing('list_teams', structuredClone(this.teams)),
    list_roles: () => this.listing('list_roles', structuredClone(this.roles)),
    invite_with: ({ org, emails, role, workspaceRoles, teams }) => {
      const r = this.role(role);
      const wsRoles = workspaceRoles.map((x) => {
        const role = this.role(x.role);
        const w = this.workspace(x.workspace);
        return { id: role.id, name: role.name, workspaceId: w.id, workspace: w.name };
      });
      const extra = wsRoles.map((x) => `${x.name} on ${x.workspace}`);
      const joined = teams.map((t) => this.team(t));
      const teamNames = joined.map((t) => t.name);
      const outcomes = emails.map((email) => {
        const invited = makeInvitation(
          {
            id: `i-${email}`,
            email,
            status: 'pending',
            role_id: r.id,
            role_name: r.name,
            inviter: 'Me',
            created: new Date().toISOString(),
            expires: null,
          },
          wsRoles,
          joined,
        );
        this.invitations.push(invited);
        const attached = [...extra, ...teamNames.map((t) => `team ${t}`)].map((label) => ({ label, ok: true, error: null }));
        return { email, ok: true, invitation: invited, error: null, attached };
      });
      this.changed(this.orgById(org).id, ['invitations']);
      return outcomes;
    },
    invite: ({ org, emails, role }) => this.handlers.invite_with({ org, emails, role, workspaceRoles: [], teams: [] }),
    revoke_invitation: ({ org, invitation }) => {
      const found = this.invitation(invitation);
      this.invitations = this.invitations.map((i) => (i.id === found.id ? { ...i, status: 'revoked' } : i));
      this.changed(this.orgById(org).id, ['invitations']);
      return this.invitation(invitation);
    },
    resend_invitation: ({ org, invitation }) => {
      const found = this.invitation(invitation);
      this.changed(this.orgById(org).id, ['invitations']);
      return found;
    },
    set_member_role: ({ org, member, role }) => {
      const m = this.members.find((x) => x.id === member);
      if (!m) throw { code: 'not_found', message: `no member ${member}`, fields: [] };
      const r = this.role(role);
      holdRoles(m, [heldRole(r.id, r.name)]);
      this.changed(this.orgById(org).id, ['members']);
      return structuredClone(m);
    },
    remove_member: ({ org, member }) => {
      this.members = this.members.filter((x) => x.id !== member);
      this.changed(this.orgById(org).id, ['members']);
    },
    update_organization: ({ org, name, description }) => {
      const o = this.orgById(org);
      if (name !== null) o.name = name;
      if (description !== null) o.description = description;
      o.updated = new Date().toISOString();
      this.changed(o.id, ['organization', 'organizations']);
      return structuredClone(o);
    },
    create_team: ({ org, name, description, members }) => {
      const team: Team = { id: `t-${name}`, name, description, member_count: members.length };
      this.teams.push(team);
      this.teamMembers.set(
        team.id,
        members.map((email) => ({ key: `user:${email}`, pending: false, name: email, email })),
      );
      this.changed(this.orgById(org).id, ['teams', 'members']);
      return { team: structuredClone(team), members: members.map((email) => ({ email, ok: true, unchanged: false, error: null })) };
    },
    update_team: ({ org, team, name, description }) => {
      const t = this.team(team);
      if (name !== null) t.name = name;
      if (description !== null) t.description = description;
      this.changed(this.orgById(org).id, ['teams']);
      return structuredClone(t);
    },
    delete_team: ({ org, team }) => {
      const t = this.team(team);
      this.teams = this.teams.filter((x) => x.id !== t.id);
      this.changed(this.orgById(org).id, ['teams', 'members']);
    },
    team_members: ({ team }) => {
      const t = this.team(team);
      return { team: structuredClone(t), members: structuredClone(this.teamMembers.get(t.id) ?? []), skipped: 0 };
    },
    add_to_team: ({ org, team, emails }) => {
      const t = this.team(team);
      const list = this.teamMembers.get(t.id) ?? [];
      const out = emails.map((email) => {
        const known = list.some((m) => m.email === email);
        if (!known) list.push({ key: `user:${email}`, pending: false, name: email, email });
        return { email, ok: true, unchanged: known, error: null };
      });
      this.teamMembers.set(t.id, list);
      t.member_count = list.length;
      this.changed(this.orgById(org).id, ['teams', 'members']);
      return out;
    },
    remove_from_team: ({ org, team, emails }) => {
      const t = this.team(team);
      const list = (this.teamMembers.get(t.id) ?? []).filter((m) => !emails.includes(m.email ?? ''));
      this.teamMembers.set(t.id, list);
      t.member_count = list.length;
      this.changed(this.orgById(org).id, ['teams', 'members']);
      return emails.map((email) => ({ email, ok: true, unchanged: false, error: null }));
    },
    set_team_role: ({ org }) => {
      this.changed(this.orgById(org).id, ['teams', 'members']);
    },
    set_workspace_state: ({ org, workspace, state }) => {
      const w = this.workspace(workspace);
      w.desired_state = state;
      w.status = 'pending';
      this.changed(this.orgById(org).id, ['workspaces']);
      return structuredClone(w);
    },
    update_workspace: ({ org, workspace, name, description }) => {
      const w = this.workspace(workspace);
      if (name !== null) w.name = name;
      if (description !== null) w.description = description;
      this.changed(this.orgById(org).id, ['workspaces']);
      return structuredClone(w);
    },
    workspace_access: ({ workspace }) => {
      const w = this.workspace(workspace);
      return { workspace: structuredClone(w), entries: structuredClone(this.grants.filter((g) => g.workspace_id === w.id)) };
    },
    grant_workspace_role: ({ org, workspace, who, role }) => {
      const w = this.workspace(workspace);
      const r = this.role(role);
      const team = this.teams.find((t) => t.id === who || t.name === who);
      const entry = { ...grant(w.id, w.name, team ? 'team' : 'user', team?.id ?? who, team?.name ?? who), role_id: r.id, role: r.name };
      this.grants.push(entry);
      this.changed(this.orgById(org).id, ['workspaces', 'members']);
      return structuredClone(entry);
    },
    revoke_workspace_role: ({ org, workspace, who, role }) => {
      const w = this.workspace(workspace);
      const found = this.grants.find(
        (g) => g.workspace_id === w.id && (g.holder_id === who || g.holder === who) && (g.role_id === role || g.role === role),
      );
      if (!found) throw { code: 'not_found', message: `${who} holds no ${role} on ${w.name}`, fields: [] };
      this.grants = this.grants.filter((g) => g !== found);
      this.changed(this.orgById(org).id, ['workspaces', 'members']);
      return structuredClone(found);
    },
    role_holders: ({ role }) => {
      const r = this.role(role);
      const holders = this.grants.filter((g) => g.role_id === r.id);
      return { role: structuredClone(r), holders: structuredClone(holders) };
    },
    member_access: ({ member }) => {
      const m = this.members.find((x) => x.email === member);
      if (!m) throw { code: 'invalid_input', message: `${member} is neither a member nor invited`, fields: [] };
      const teams = this.teams.filter((t) => (this.teamMembers.get(t.id) ?? []).some((x) => x.email === member));
      const held = this.grants
        .filter((g) => (g.kind === 'team' ? teams.some((t) => t.id === g.holder_id) : g.holder === member))
        .map((g) => ({
          workspace_id: g.workspace_id,
          workspace: g.workspace,
          role_id: g.role_id,
          role: g.role,
          via_team: g.kind === 'team' ? g.holder : null,
        }));
      return {
        who: member,
        kind: m.kind === 'invitation' ? 'invitation' : 'user',
        org_roles: structuredClone(m.held_roles),
        teams: teams.map((t) => t.name),
        workspace_roles: held,
      };
    },
    ...this.sa.handlers(this, (org, entities) => this.changed(org, entities)),
    open_in_dashboard: () => 'http://127.0.0.1:1/dash',
    open_billing: () => 'http://127.0.0.1:1/dash/billing',
    organization_link: ({ org }) => `zenml-pro-desktop://org/${this.orgById(org).id}`,
    diagnostics: () => {
      if (this.holdDiagnostics) {
        const report = this.diagnostics();
        return new Promise<DiagnosticsView>((resolve) => this.heldDiagnostics.push(() => resolve(report)));
      }
      return this.diagnostics();
    },
    open_log_folder: () => {
      if (!this.logDir) throw { code: 'not_found', message: 'no log folder', fields: [] };
      return this.logDir;
    },
    people: ({ query }) => cross.people(this, query),
    person: ({ email }) => cross.person(this, email),
    home: () => cross.home(this),
    offboard_plan: ({ email, orgs }) => this.offboard.plan(this, email, orgs),
    offboard_run: ({ email, steps, overrides }) => this.offboard.run(this, email, steps, overrides),
    cancel_offboard: () => this.offboard.cancel(),
    access_review: ({ query }) => this.review.review(this, query),
    activity: ({ query }) => this.review.activity(query),
    undo_preview: ({ entryId }) => {
      const preview = this.review.undoPreview(entryId);
      // The entry's organization was refreshed from the server to check it.
      this.changed(preview.entry.org_id, ['organization', 'members', 'invitations', 'teams', 'workspaces']);
      return preview;
    },
    undo: ({ entryId, force }) => {
      const outcome = this.review.undo(entryId, force);
      this.changed(outcome.undone.org_id, ['organization', 'members', 'invitations', 'teams', 'workspaces']);
      return outcome;
    },
    save_export: ({ choice }) => this.review.save(this, choice),
    open_export_folder: ({ path }) => this.review.openFolder(path),
    open_organization: ({ accountId, org }) => {
      if (accountId !== this.state.active_account) this.handlers.switch_account({ accountId });
      return this.handlers.switch_organization({ org });
    },
    desktop_settings: () => ({ ...this.desktop }),
    update_desktop_settings: ({ settings }) => {
      this.desktop = { ...settings };
      return { ...this.desktop };
    },
    update_status: () => ({ ...this.update }),
    check_for_updates: () => {
      this.requireUpdates();
      const found = this.updateAnswers.shift() ?? { state: 'up_to_date', version: this.update.current_version };
      this.setUpdate({ ...this.update, state: found, last_checked: T0, dismissed: false });
      return { ...this.update };
    },
    install_update: () => {
      this.requireUpdates();
      const s = this.update.state;
      const version = s.state === 'available' || s.state === 'failed' ? s.version : null;
      if (!version) throw { code: 'invalid_input', message: 'no update to install: check for updates first', fields: [] };
      this.setUpdate({ ...this.update, state: { state: 'downloading', version, downloaded: 0, total: null } });
      return { ...this.update };
    },
    dismiss_update: () => {
      this.requireUpdates();
      this.setUpdate({ ...this.update, dismissed: true });
      return { ...this.update };
    },
  };

  /** A build with an update server, at `version`. */
  updatesOn(version = '1.2.3') {
    this.update = { configured: true, current_version: version, state: { state: 'idle' }, last_checked: null, dismissed: false };
  }

  private requireUpdates() {
    if (!this.update.configured) throw { code: 'invalid_input', message: 'this build of the app has no update server', fields: [] };
  }

  /** Changes where updates are and announces it, as the app does. */
  setUpdate(status: UpdateStatusView) {
    this.update = status;
    emit({ kind: 'update_status', status: { ...status } });
  }

  private team(idOrName: string): Team {
    const found = this.teams.find((t) => t.id === idOrName || t.name === idOrName);
    if (!found) throw { code: 'invalid_input', message: `no team "${idOrName}" in this organization`, fields: [] };
    return found;
  }

  private workspace(idOrName: string): Workspace {
    const found = this.workspaces.find((w) => w.id === idOrName || w.name === idOrName);
    if (!found) throw { code: 'invalid_input', message: `no workspace "${idOrName}"`, fields: [] };
    return found;
  }

  private invitation(idOrEmail: string): Invitation {
    const found = this.invitations.find((i) => i.id === idOrEmail || i.email === idOrEmail);
    if (!found) throw { code: 'not_found', message: `no invitation ${idOrEmail}`, fields: [] };
    return found;
  }

  async handle(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const failure = this.failures.get(cmd as CommandName);
    if (failure) throw { ...failure, fields: [] };
    if (!Object.hasOwn(this.handlers, cmd)) throw { code: 'internal', message: `unknown command ${cmd}`, fields: [] };
    const handler = this.handlers[cmd as CommandName] as (a: unknown) => unknown;
    return handler(args);
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
export function callsOf(cmd: CommandName): Record<string, unknown>[] {
  return invoke.mock.calls.filter((c) => c[0] === cmd).map((c) => (c[1] ?? {}) as Record<string, unknown>);
}
