// The fake Rust side's answers for the pages across organizations (Home, People, a person), made from
// the fake's own data so that they move with it: the active account's organizations and those of the
// other accounts, the active organization's members and invitations. User 1 is in every organization
// of the active account; everyone else only in the active one.
import type {
  HomeCardView,
  HomeView,
  MembershipView,
  Organization,
  PeoplePageView,
  PeopleQueryView,
  PersonOrgView,
  PersonSummaryView,
  PersonView,
  WorkspaceCountView,
  WorkspaceKindCountView,
} from '../lib/api';
import { heldRole, type FakeBackend } from './fakeBackend';

const FETCHED = new Date(Date.now() - 5 * 60_000).toISOString();

export const NOT_CACHED = [
  'Teams: which teams a member is in is read from the server and not kept offline, so a role held through a team is marked "through a team" without the team\'s name here; "Teams and workspace roles" on an organization reads them.',
  "Workspace roles: read from the server only, with \"Teams and workspace roles\" on an organization.",
];

function accountLabel(b: FakeBackend, id: string): string {
  const a = b.state.accounts.find((x) => x.id === id);
  return a?.email ?? a?.name ?? id;
}

/** Every signed-in account's organizations, the active account's first. */
function accountOrgs(b: FakeBackend): [string, Organization[]][] {
  const active = b.state.active_account;
  const out: [string, Organization[]][] = [];
  if (active) out.push([active, b.orgs]);
  for (const [id, orgs] of b.otherOrgs) {
    if (b.state.accounts.some((a) => a.id === id && a.signed_in)) out.push([id, orgs]);
  }
  return out;
}

function workspaceCounts(b: FakeBackend): WorkspaceCountView[] {
  const counts = new Map<string, number>();
  for (const w of b.workspaces) counts.set(w.status, (counts.get(w.status) ?? 0) + 1);
  return [...counts].sort(([a], [c]) => a.localeCompare(c)).map(([status, count]) => ({ status, count }));
}

/** The workspaces per kind, ZenML's first, then Kitaru's, then the others by text (as the app orders them). */
function workspaceKinds(b: FakeBackend): WorkspaceKindCountView[] {
  const kinds = new Map<string, WorkspaceKindCountView>();
  for (const w of b.workspaces) {
    const k = kinds.get(w.workspace_type) ?? { workspace_type: w.workspace_type, label: w.type_label, count: 0 };
    k.count += 1;
    kinds.set(w.workspace_type, k);
  }
  const rank = (t: string) => (t === 'zenml' ? 0 : t === 'kitaru' ? 1 : 2);
  return [...kinds.values()].sort((x, y) => rank(x.workspace_type) - rank(y.workspace_type) || x.workspace_type.localeCompare(y.workspace_type));
}

export function home(b: FakeBackend): HomeView {
  const cards: HomeCardView[] = [];
  for (const [account, orgs] of accountOrgs(b)) {
    const isActive = account === b.state.active_account;
    for (const o of orgs) {
      const own = isActive && o.active;
      cards.push({
        account_id: account,
        account: accountLabel(b, account),
        org: structuredClone(o),
        current: own,
        member_count: own ? (b.hidden.has('list_members') ? null : b.members.filter((m) => m.kind === 'user' || m.kind === 'service_account').length) : 3,
        pending_invitations: own ? b.invitations.filter((i) => i.status === 'pending').length : 0,
        workspaces: own ? (b.hidden.has('list_workspaces') ? null : workspaceCounts(b)) : [{ status: 'available', count: 1 }],
        workspace_kinds: own
          ? b.hidden.has('list_workspaces')
            ? null
            : workspaceKinds(b)
          : [{ workspace_type: 'zenml', label: 'ZenML', count: 1 }],
        fetched_at: FETCHED,
        stale: b.staleOrgs.has(o.id),
        last_error: null,
        error_code: null,
      });
    }
  }
  cards.sort((x, y) => (x.org.display_name ?? x.org.name).localeCompare(y.org.display_name ?? y.org.name));
  return { cards, accounts: accountOrgs(b).length, fetched_at: FETCHED, stale: cards.some((c) => c.stale) };
}

function membership(b: FakeBackend, account: string, o: Organization, kind: MembershipView['kind'], roles: MembershipView['roles'], status: string | null): MembershipView {
  return {
    account_id: account,
    account: accountLabel(b, account),
    org_id: o.id,
    org_name: o.name,
    kind,
    roles: structuredClone(roles),
    invitation_status: status,
    fetched_at: FETCHED,
    stale: b.staleOrgs.has(o.id),
  };
}

/** Everyone, ordered by key (the email lower-cased). */
function everyone(b: FakeBackend): PersonSummaryView[] {
  const account = b.state.active_account;
  const active = b.orgs.find((o) => o.active);
  if (!account || !active) return [];
  const people: PersonSummaryView[] = [];
  for (const m of b.members) {
    if (m.kind !== 'user' && m.kind !== 'service_account') continue;
    const memberships = [membership(b, account, active, m.kind, m.held_roles, null)];
    if (m.id === 'u1') {
      for (const o of b.orgs.filter((x) => x.id !== active.id)) memberships.push(membership(b, account, o, 'user', [], null));
    }
    people.push({ key: m.email?.toLowerCase() ?? `id:${m.id}`, email: m.email, name: m.name, username: null, memberships });
  }
  for (const i of b.invitations.filter((x) => x.status === 'pending')) {
    const roles = i.role_id ? [heldRole(i.role_id, i.role_name ?? i.role_id)] : [];
    people.push({ key: i.email.toLowerCase(), email: i.email, name: null, username: null, memberships: [membership(b, account, active, 'invitation', roles, 'pending')] });
  }
  return people.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

export function people(b: FakeBackend, q: PeopleQueryView): PeoplePageView {
  const s = q.search?.trim().toLowerCase();
  const all = everyone(b).filter((p) => !s || `${p.name ?? ''} ${p.email ?? ''} ${p.username ?? ''}`.toLowerCase().includes(s));
  const offset = q.offset ?? 0;
  const limit = q.limit ?? 50;
  return {
    people: all.slice(offset, offset + limit),
    total: all.length,
    offset,
    accounts: accountOrgs(b).length,
    organizations: accountOrgs(b).reduce((n, [, orgs]) => n + orgs.length, 0),
    fetched_at: FETCHED,
    stale: b.staleOrgs.size > 0,
    last_error: null,
  };
}

export function person(b: FakeBackend, email: string): PersonView {
  const key = email.trim().toLowerCase();
  const found = everyone(b).find((p) => p.key === key);
  if (!found) throw { code: 'not_found', message: `no one with the email ${email} in the cached organizations`, fields: [] };
  const organizations: PersonOrgView[] = found.memberships.map((m) => {
    const invitations = m.org_id === b.orgs.find((o) => o.active)?.id ? b.invitations.filter((i) => i.email.toLowerCase() === key) : [];
    return {
      account_id: m.account_id,
      account: m.account,
      org_id: m.org_id,
      org_name: m.org_name,
      kind: m.kind,
      member_id: m.kind === 'invitation' ? null : key,
      roles: structuredClone(m.roles),
      teams: m.kind === 'invitation' ? ['Platform'] : null,
      invitations: invitations.map((i) => ({
        id: i.id,
        status: i.status ?? 'pending',
        lapsed: false,
        roles: i.roles.map((r) => r.label),
        teams: i.teams.map((t) => t.label),
        inviter: i.inviter,
        created: i.created,
        expires: i.expires,
      })),
      fetched_at: m.fetched_at,
      stale: m.stale,
      last_error: null,
    };
  });
  return {
    key,
    email: found.email,
    name: found.name,
    username: found.username,
    organizations,
    fetched_at: FETCHED,
    stale: organizations.some((o) => o.stale),
    last_error: null,
    not_cached: [...NOT_CACHED],
  };
}
