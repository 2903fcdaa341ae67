// The one door between the UI and the Rust side. Every command goes through `invoke`; the webview makes
// no HTTP calls of its own. The types below are stand-ins until the generated bindings
// (`./bindings`) are committed; then this module re-exports those and the stand-ins go.
import { invoke } from '@tauri-apps/api/core';

export type ErrorCode =
  | 'offline'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'plan_limit'
  | 'invalid_input'
  | 'keyring_unavailable'
  | 'server'
  | 'cancelled'
  | 'internal';

export interface FieldError {
  field: string;
  message: string;
}
export interface IpcError {
  code: ErrorCode;
  message: string;
  fields: FieldError[];
}

export interface AccountView {
  id: string;
  base_url: string;
  email: string | null;
  name: string | null;
  signed_in: boolean;
  active: boolean;
  auth_method: string;
}
export interface AppStateView {
  accounts: AccountView[];
  active_account: string | null;
  demo: boolean;
  cache_notice: string | null;
  version: string;
  default_api_url: string;
}
export interface DeviceLoginView {
  verification_url: string;
  user_code: string;
  expires_in: number;
}
export interface SyncFailure {
  organization: string;
  message: string;
}
export interface SyncReport {
  organizations: number;
  synced: number;
  failed: SyncFailure[];
  removed: number;
  duration_ms: number;
}
/** What every cached read carries: when it was fetched and whether the last refresh failed. */
export interface Freshness {
  fetched_at: string | null;
  stale: boolean;
  last_error: string | null;
}
export interface Listing<T> extends Freshness {
  items: T[];
}
export interface OrgView {
  id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  created: string | null;
  updated: string | null;
  plan: string | null;
  trial_expiry: string | null;
  has_active_subscription: boolean | null;
  owner_name: string | null;
  owner_email: string | null;
  active: boolean;
}
export interface OverviewView extends Freshness {
  org: OrgView;
  my_roles: string[];
  can_manage: boolean;
  can_see_billing: boolean;
  dashboard_url: string | null;
  billing_url: string | null;
  member_count: number;
  workspace_count: number;
}
export type MemberKind = 'user' | 'service_account' | 'team' | 'invitation';
export interface MemberRoleView {
  role_id: string;
  name: string;
  via_team: string | null;
}
export interface MemberView {
  key: string;
  kind: MemberKind;
  id: string;
  name: string | null;
  email: string | null;
  roles: MemberRoleView[];
}
export interface MemberQuery {
  search: string | null;
  role: string | null;
  kind: MemberKind | null;
  offset: number;
  limit: number;
}
export interface MemberPageView extends Freshness {
  rows: MemberView[];
  total: number;
}
export interface InvitationView {
  id: string;
  email: string;
  status: string;
  role_id: string | null;
  role_name: string | null;
  inviter: string | null;
  created: string | null;
  expires: string | null;
}
export type WorkspaceStatus = 'not_initialized' | 'pending' | 'available' | 'failed' | 'deactivated' | 'deleted';
export interface WorkspaceView {
  id: string;
  name: string;
  display_name: string | null;
  status: WorkspaceStatus;
  desired_state: string | null;
  version: string | null;
  server_url: string | null;
  dashboard_url: string | null;
}
export interface TeamView {
  id: string;
  name: string;
  description: string | null;
  member_count: number;
}
export interface RoleView {
  id: string;
  name: string;
  description: string | null;
  level: string;
  system_managed: boolean;
}
export interface InviteOutcome {
  email: string;
  ok: boolean;
  invitation: InvitationView | null;
  error: IpcError | null;
}

export type AppEvent =
  | { kind: 'sync_progress'; stage: string; done: number; total: number; organization: string | null }
  | { kind: 'sync_finished'; report: SyncReport }
  | { kind: 'data_changed'; account_id: string; org_id: string | null }
  | { kind: 'active_org_changed'; account_id: string; org_id: string }
  | { kind: 'session_changed' }
  | { kind: 'connectivity'; online: boolean; as_of: string | null };

export const APP_EVENT = 'app-event';

export const commands = {
  appState: () => invoke<AppStateView>('app_state'),
  loginWithKey: (url: string, key: string) => invoke<AccountView>('login_with_key', { url, key }),
  loginWithPassword: (url: string, username: string, password: string) =>
    invoke<AccountView>('login_with_password', { url, username, password }),
  beginDeviceLogin: (url: string) => invoke<DeviceLoginView>('begin_device_login', { url }),
  completeDeviceLogin: () => invoke<AccountView>('complete_device_login'),
  cancelDeviceLogin: () => invoke<void>('cancel_device_login'),
  startDemo: () => invoke<AccountView>('start_demo'),
  logout: (accountId: string, purge: boolean) => invoke<void>('logout', { accountId, purge }),
  switchAccount: (accountId: string) => invoke<void>('switch_account', { accountId }),
  syncNow: () => invoke<SyncReport>('sync_now'),
  listOrganizations: () => invoke<Listing<OrgView>>('list_organizations'),
  switchOrganization: (org: string) => invoke<OrgView>('switch_organization', { org }),
  organizationOverview: (org: string | null) => invoke<OverviewView>('organization_overview', { org }),
  listMembers: (org: string, query: MemberQuery) => invoke<MemberPageView>('list_members', { org, query }),
  listInvitations: (org: string, onlyPending: boolean) =>
    invoke<Listing<InvitationView>>('list_invitations', { org, onlyPending }),
  listWorkspaces: (org: string) => invoke<Listing<WorkspaceView>>('list_workspaces', { org }),
  listTeams: (org: string) => invoke<Listing<TeamView>>('list_teams', { org }),
  listRoles: (org: string) => invoke<Listing<RoleView>>('list_roles', { org }),
  invite: (org: string, emails: string[], role: string) =>
    invoke<InviteOutcome[]>('invite', { org, emails, role }),
  revokeInvitation: (org: string, invitation: string) => invoke<void>('revoke_invitation', { org, invitation }),
  resendInvitation: (org: string, invitation: string) =>
    invoke<InvitationView>('resend_invitation', { org, invitation }),
  setMemberRole: (org: string, member: string, role: string) =>
    invoke<MemberView>('set_member_role', { org, member, role }),
  removeMember: (org: string, member: string) => invoke<void>('remove_member', { org, member }),
  updateOrganization: (org: string, name: string, description: string) =>
    invoke<OrgView>('update_organization', { org, name, description }),
  openInDashboard: (org: string, workspace: string | null) => invoke<void>('open_in_dashboard', { org, workspace }),
};
