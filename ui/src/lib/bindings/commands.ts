// Generated from the command table in crates/app/src/ipc.rs. Do not edit: change the table and run
// `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.
// One wrapper per command, with the argument names Tauri expects (camelCase); every function
// rejects with an `IpcError` ({ code, message, fields }).
import { invoke } from "@tauri-apps/api/core";

import type {
  AccessEntryView,
  AccessReviewView,
  AccessView,
  Account,
  ActivityPageView,
  ActivityQueryView,
  ApiKeyView,
  AppStateView,
  DesktopSettings,
  DeviceLoginView,
  DiagnosticsView,
  ExportChoiceView,
  ExportOutcomeView,
  HomeView,
  Invitation,
  InviteOutcomeView,
  List,
  Member,
  MemberAccessView,
  MemberPageView,
  MemberQueryView,
  NewApiKeyView,
  OffboardPlanView,
  OffboardReportView,
  Organization,
  OverridesView,
  OverviewView,
  PeoplePageView,
  PeopleQueryView,
  PersonView,
  ReviewQueryView,
  Role,
  RoleHoldersView,
  ServiceAccountView,
  ServiceAccountsView,
  StepRefView,
  SyncReportView,
  Team,
  TeamChangeView,
  TeamCreatedView,
  TeamMembersView,
  UndoOutcomeView,
  UndoPreviewView,
  UpdateStatusView,
  Workspace,
  WorkspaceAccessView,
  WorkspaceRoleSpecView,
} from "./index";

/** The name of the one event the app emits; its payload is an `AppEvent`. */
export const APP_EVENT = "app-event";

/** Every command: its arguments as the webview sends them (camelCase) and its result. */
export type Commands = {
  desktop_settings: { args: Record<string, never>; result: DesktopSettings };
  update_desktop_settings: { args: { settings: DesktopSettings }; result: DesktopSettings };
  update_status: { args: Record<string, never>; result: UpdateStatusView };
  check_for_updates: { args: Record<string, never>; result: UpdateStatusView };
  install_update: { args: Record<string, never>; result: UpdateStatusView };
  dismiss_update: { args: Record<string, never>; result: UpdateStatusView };
  app_state: { args: Record<string, never>; result: AppStateView };
  login_with_key: { args: { url: string; key: string }; result: Account };
  login_with_password: { args: { url: string; username: string; password: string }; result: Account };
  begin_device_login: { args: { url: string }; result: DeviceLoginView };
  complete_device_login: { args: Record<string, never>; result: Account };
  cancel_device_login: { args: Record<string, never>; result: void };
  start_demo: { args: Record<string, never>; result: Account };
  stop_demo: { args: Record<string, never>; result: void };
  logout: { args: { accountId: string; purge: boolean }; result: void };
  switch_account: { args: { accountId: string }; result: Account };
  sync_now: { args: Record<string, never>; result: SyncReportView };
  ui_painted: { args: Record<string, never>; result: void };
  diagnostics: { args: Record<string, never>; result: DiagnosticsView };
  open_log_folder: { args: Record<string, never>; result: string };
  open_billing: { args: { org: string | null }; result: string };
  list_organizations: { args: Record<string, never>; result: List<Organization> };
  switch_organization: { args: { org: string }; result: Organization };
  organization_overview: { args: { org: string | null }; result: OverviewView };
  my_access: { args: { org: string | null }; result: AccessView };
  list_members: { args: { org: string | null; query: MemberQueryView }; result: MemberPageView };
  list_invitations: { args: { org: string | null; onlyPending: boolean }; result: List<Invitation> };
  list_workspaces: { args: { org: string | null }; result: List<Workspace> };
  list_teams: { args: { org: string | null }; result: List<Team> };
  list_roles: { args: { org: string | null }; result: List<Role> };
  organization_link: { args: { org: string | null }; result: string };
  invite: { args: { org: string | null; emails: Array<string>; role: string }; result: Array<InviteOutcomeView> };
  invite_with: { args: { org: string | null; emails: Array<string>; role: string; workspaceRoles: Array<WorkspaceRoleSpecView>; teams: Array<string> }; result: Array<InviteOutcomeView> };
  revoke_invitation: { args: { org: string | null; invitation: string }; result: Invitation };
  resend_invitation: { args: { org: string | null; invitation: string }; result: Invitation };
  set_member_role: { args: { org: string | null; member: string; role: string }; result: Member };
  remove_member: { args: { org: string | null; member: string }; result: void };
  update_organization: { args: { org: string | null; name: string | null; description: string | null }; result: Organization };
  create_team: { args: { org: string | null; name: string; description: string | null; members: Array<string> }; result: TeamCreatedView };
  update_team: { args: { org: string | null; team: string; name: string | null; description: string | null }; result: Team };
  delete_team: { args: { org: string | null; team: string }; result: void };
  team_members: { args: { org: string | null; team: string }; result: TeamMembersView };
  add_to_team: { args: { org: string | null; team: string; emails: Array<string> }; result: Array<TeamChangeView> };
  remove_from_team: { args: { org: string | null; team: string; emails: Array<string> }; result: Array<TeamChangeView> };
  set_team_role: { args: { org: string | null; team: string; role: string }; result: void };
  set_workspace_state: { args: { org: string | null; workspace: string; state: string }; result: Workspace };
  update_workspace: { args: { org: string | null; workspace: string; name: string | null; description: string | null }; result: Workspace };
  workspace_access: { args: { org: string | null; workspace: string }; result: WorkspaceAccessView };
  grant_workspace_role: { args: { org: string | null; workspace: string; who: string; role: string }; result: AccessEntryView };
  revoke_workspace_role: { args: { org: string | null; workspace: string; who: string; role: string }; result: AccessEntryView };
  member_access: { args: { org: string | null; member: string; account: string | null }; result: MemberAccessView };
  role_holders: { args: { org: string | null; role: string }; result: RoleHoldersView };
  open_in_dashboard: { args: { org: string | null; workspace: string | null }; result: string };
  list_service_accounts: { args: { org: string | null }; result: ServiceAccountsView };
  service_account_adoption_note: { args: { username: string }; result: string };
  create_service_account: { args: { org: string | null; username: string; description: string | null }; result: ServiceAccountView };
  set_service_account_active: { args: { org: string | null; serviceAccount: string; active: boolean }; result: ServiceAccountView };
  delete_service_account: { args: { org: string | null; serviceAccount: string }; result: void };
  list_api_keys: { args: { org: string | null; serviceAccount: string }; result: Array<ApiKeyView> };
  create_api_key: { args: { org: string | null; serviceAccount: string; name: string; description: string | null; expiresInMinutes: number | null }; result: NewApiKeyView };
  rotate_api_key: { args: { org: string | null; serviceAccount: string; key: string; retainMinutes: number | null }; result: NewApiKeyView };
  set_api_key_active: { args: { org: string | null; serviceAccount: string; key: string; active: boolean }; result: ApiKeyView };
  delete_api_key: { args: { org: string | null; serviceAccount: string; key: string }; result: void };
  offboard_plan: { args: { email: string; orgs: Array<string> }; result: OffboardPlanView };
  offboard_run: { args: { email: string; steps: Array<StepRefView>; overrides: OverridesView }; result: OffboardReportView };
  cancel_offboard: { args: Record<string, never>; result: boolean };
  access_review: { args: { query: ReviewQueryView }; result: AccessReviewView };
  activity: { args: { query: ActivityQueryView }; result: ActivityPageView };
  undo_preview: { args: { entryId: number }; result: UndoPreviewView };
  undo: { args: { entryId: number; force: boolean }; result: UndoOutcomeView };
  save_export: { args: { choice: ExportChoiceView }; result: ExportOutcomeView };
  open_export_folder: { args: { path: string }; result: string };
  people: { args: { query: PeopleQueryView }; result: PeoplePageView };
  person: { args: { email: string }; result: PersonView };
  home: { args: Record<string, never>; result: HomeView };
  open_organization: { args: { accountId: string; org: string }; result: Organization };
};

export type CommandName = keyof Commands;

/** An answer to every command: what a stand-in for the Rust side (the UI's test fake) implements. */
export type CommandHandlers = {
  [K in CommandName]: (
    args: Commands[K]["args"],
  ) => Commands[K]["result"] | Promise<Commands[K]["result"]>;
};

/** The desktop settings of this computer. */
export function desktopSettings(): Promise<DesktopSettings> {
  return invoke<DesktopSettings>("desktop_settings");
}

/** Saves and applies the settings (start at login writes the autostart entry); resolves to them as saved. */
export function updateDesktopSettings(settings: DesktopSettings): Promise<DesktopSettings> {
  return invoke<DesktopSettings>("update_desktop_settings", { settings });
}

/** Whether this build has an update server (`configured: false`: show no update controls), and where updates are. */
export function updateStatus(): Promise<UpdateStatusView> {
  return invoke<UpdateStatusView>("update_status");
}

/** Checks the update server now; resolves to the outcome (up to date, a version on offer, or failed with a message). */
export function checkForUpdates(): Promise<UpdateStatusView> {
  return invoke<UpdateStatusView>("check_for_updates");
}

/** Downloads, verifies and installs the update on offer, then restarts the app (progress arrives as `update_status` events); resolves only when it did not install (failed, with a message). */
export function installUpdate(): Promise<UpdateStatusView> {
  return invoke<UpdateStatusView>("install_update");
}

/** "Later": hides the update banner for the version on offer, in this run. */
export function dismissUpdate(): Promise<UpdateStatusView> {
  return invoke<UpdateStatusView>("dismiss_update");
}

/** Everything the UI needs at start. */
export function appState(): Promise<AppStateView> {
  return invoke<AppStateView>("app_state");
}

export function loginWithKey(url: string, key: string): Promise<Account> {
  return invoke<Account>("login_with_key", { url, key });
}

export function loginWithPassword(url: string, username: string, password: string): Promise<Account> {
  return invoke<Account>("login_with_password", { url, username, password });
}

/** Starts a browser sign-in; the app opens the verification page itself. */
export function beginDeviceLogin(url: string): Promise<DeviceLoginView> {
  return invoke<DeviceLoginView>("begin_device_login", { url });
}

/** Waits until the browser sign-in is approved; rejects with code `cancelled` after `cancelDeviceLogin`. */
export function completeDeviceLogin(): Promise<Account> {
  return invoke<Account>("complete_device_login");
}

export function cancelDeviceLogin(): Promise<void> {
  return invoke<void>("cancel_device_login");
}

/** Starts the demo server inside the app, signs in to it and runs a first sync. */
export function startDemo(): Promise<Account> {
  return invoke<Account>("start_demo");
}

/** Stops the demo server (its data stays readable, as when offline). */
export function stopDemo(): Promise<void> {
  return invoke<void>("stop_demo");
}

export function logout(accountId: string, purge: boolean): Promise<void> {
  return invoke<void>("logout", { accountId, purge });
}

export function switchAccount(accountId: string): Promise<Account> {
  return invoke<Account>("switch_account", { accountId });
}

/** Syncs the active account; progress arrives as `sync_progress` events. */
export function syncNow(): Promise<SyncReportView> {
  return invoke<SyncReportView>("sync_now");
}

/** Tells the app the first organization list is on screen (it logs the time since start, once). */
export function uiPainted(): Promise<void> {
  return invoke<void>("ui_painted");
}

/** The doctor's report on the active account's server (only reads), and where the log files are. */
export function diagnostics(): Promise<DiagnosticsView> {
  return invoke<DiagnosticsView>("diagnostics");
}

/** Opens the folder of the log files in the file manager; resolves to its path. */
export function openLogFolder(): Promise<string> {
  return invoke<string>("open_log_folder");
}

/** Opens the organization's billing page of the dashboard in the browser; resolves to the URL. */
export function openBilling(org: string | null = null): Promise<string> {
  return invoke<string>("open_billing", { org });
}

export function listOrganizations(): Promise<List<Organization>> {
  return invoke<List<Organization>>("list_organizations");
}

/** `org` is an id or a name. */
export function switchOrganization(org: string): Promise<Organization> {
  return invoke<Organization>("switch_organization", { org });
}

/** One organization's overview page (with its member and workspace counts). */
export function organizationOverview(org: string | null = null): Promise<OverviewView> {
  return invoke<OverviewView>("organization_overview", { org });
}

/** What the signed-in user may do in the organization, as far as the app knows (the server still decides): cheap, for greying controls. */
export function myAccess(org: string | null = null): Promise<AccessView> {
  return invoke<AccessView>("my_access", { org });
}

export function listMembers(org: string | null, query: MemberQueryView): Promise<MemberPageView> {
  return invoke<MemberPageView>("list_members", { org, query });
}

export function listInvitations(org: string | null, onlyPending: boolean): Promise<List<Invitation>> {
  return invoke<List<Invitation>>("list_invitations", { org, onlyPending });
}

export function listWorkspaces(org: string | null = null): Promise<List<Workspace>> {
  return invoke<List<Workspace>>("list_workspaces", { org });
}

export function listTeams(org: string | null = null): Promise<List<Team>> {
  return invoke<List<Team>>("list_teams", { org });
}

export function listRoles(org: string | null = null): Promise<List<Role>> {
  return invoke<List<Role>>("list_roles", { org });
}

/** The `zenml-pro-desktop://org/<id>` link that opens this organization in the app (to paste in a chat or a runbook). */
export function organizationLink(org: string | null = null): Promise<string> {
  return invoke<string>("organization_link", { org });
}

/** `role` is an organization role's id (or name). One outcome per email. */
export function invite(org: string | null, emails: Array<string>, role: string): Promise<Array<InviteOutcomeView>> {
  return invoke<Array<InviteOutcomeView>>("invite", { org, emails, role });
}

/** As `invite`, and each invitation is given the workspace roles and joins the teams (by id or name) once sent; each outcome says which took. */
export function inviteWith(org: string | null, emails: Array<string>, role: string, workspaceRoles: Array<WorkspaceRoleSpecView>, teams: Array<string>): Promise<Array<InviteOutcomeView>> {
  return invoke<Array<InviteOutcomeView>>("invite_with", { org, emails, role, workspaceRoles, teams });
}

/** `invitation` is an invitation id or email. */
export function revokeInvitation(org: string | null, invitation: string): Promise<Invitation> {
  return invoke<Invitation>("revoke_invitation", { org, invitation });
}

/** Revokes and sends again, keeping every role and team (a `notice` names any that did not take). */
export function resendInvitation(org: string | null, invitation: string): Promise<Invitation> {
  return invoke<Invitation>("resend_invitation", { org, invitation });
}

/** `member` is a user id, email or name; `role` an organization role's id (or name). */
export function setMemberRole(org: string | null, member: string, role: string): Promise<Member> {
  return invoke<Member>("set_member_role", { org, member, role });
}

export function removeMember(org: string | null, member: string): Promise<void> {
  return invoke<void>("remove_member", { org, member });
}

/** null leaves a field unchanged. */
export function updateOrganization(org: string | null = null, name: string | null = null, description: string | null = null): Promise<Organization> {
  return invoke<Organization>("update_organization", { org, name, description });
}

/** A new team with initial members (emails of members or pending invitations); one outcome per member. */
export function createTeam(org: string | null, name: string, description: string | null, members: Array<string>): Promise<TeamCreatedView> {
  return invoke<TeamCreatedView>("create_team", { org, name, description, members });
}

/** `team` is an id or a name; null leaves a field unchanged. */
export function updateTeam(org: string | null, team: string, name: string | null = null, description: string | null = null): Promise<Team> {
  return invoke<Team>("update_team", { org, team, name, description });
}

/** Deletes a team: its members lose the roles it gave them. */
export function deleteTeam(org: string | null, team: string): Promise<void> {
  return invoke<void>("delete_team", { org, team });
}

/** A team's members as the server lists them now. */
export function teamMembers(org: string | null, team: string): Promise<TeamMembersView> {
  return invoke<TeamMembersView>("team_members", { org, team });
}

/** Adds members or pending invitations (by email); one outcome per email. */
export function addToTeam(org: string | null, team: string, emails: Array<string>): Promise<Array<TeamChangeView>> {
  return invoke<Array<TeamChangeView>>("add_to_team", { org, team, emails });
}

export function removeFromTeam(org: string | null, team: string, emails: Array<string>): Promise<Array<TeamChangeView>> {
  return invoke<Array<TeamChangeView>>("remove_from_team", { org, team, emails });
}

/** Gives the team an organization role (its members hold it through the team). */
export function setTeamRole(org: string | null, team: string, role: string): Promise<void> {
  return invoke<void>("set_team_role", { org, team, role });
}

/** `state`: `available` or `deactivated`. Resolves once the server took it; the workspace is followed in the background (each poll a `workspaces` change, a notification where it lands). */
export function setWorkspaceState(org: string | null, workspace: string, state: string): Promise<Workspace> {
  return invoke<Workspace>("set_workspace_state", { org, workspace, state });
}

/** Renames or re-describes a workspace (null leaves a field unchanged). */
export function updateWorkspace(org: string | null, workspace: string, name: string | null = null, description: string | null = null): Promise<Workspace> {
  return invoke<Workspace>("update_workspace", { org, workspace, name, description });
}

/** Who holds which role on a workspace, read from the server. */
export function workspaceAccess(org: string | null, workspace: string): Promise<WorkspaceAccessView> {
  return invoke<WorkspaceAccessView>("workspace_access", { org, workspace });
}

/** Gives `who` (a member's or a pending invitation's email, or a team) a workspace role. */
export function grantWorkspaceRole(org: string | null, workspace: string, who: string, role: string): Promise<AccessEntryView> {
  return invoke<AccessEntryView>("grant_workspace_role", { org, workspace, who, role });
}

export function revokeWorkspaceRole(org: string | null, workspace: string, who: string, role: string): Promise<AccessEntryView> {
  return invoke<AccessEntryView>("revoke_workspace_role", { org, workspace, who, role });
}

/** What a member or pending invitation (by email) holds: organization roles, teams, and workspace roles directly or through a team (read from the server), as `account` (a person's page: any signed-in account) or the active one. */
export function memberAccess(org: string | null, member: string, account: string | null = null): Promise<MemberAccessView> {
  return invoke<MemberAccessView>("member_access", { org, member, account });
}

/** Who holds a role (id or name), and where; read from the server. */
export function roleHolders(org: string | null, role: string): Promise<RoleHoldersView> {
  return invoke<RoleHoldersView>("role_holders", { org, role });
}

/** Opens the organization's (or a workspace's) dashboard page in the browser; resolves to the URL. */
export function openInDashboard(org: string | null = null, workspace: string | null = null): Promise<string> {
  return invoke<string>("open_in_dashboard", { org, workspace });
}

/** The organization's service accounts where the server offers them, with whether each is active, its last login, its number of keys and its roles. */
export function listServiceAccounts(org: string | null = null): Promise<ServiceAccountsView> {
  return invoke<ServiceAccountsView>("list_service_accounts", { org });
}

/** What creating a service account named `username` may do beyond making it (adopting a workspace-level account of that name), to show before it is sent. */
export function serviceAccountAdoptionNote(username: string): Promise<string> {
  return invoke<string>("service_account_adoption_note", { username });
}

export function createServiceAccount(org: string | null, username: string, description: string | null = null): Promise<ServiceAccountView> {
  return invoke<ServiceAccountView>("create_service_account", { org, username, description });
}

/** Activates or deactivates a service account (tokens already issued stay valid for up to an hour). */
export function setServiceAccountActive(org: string | null, serviceAccount: string, active: boolean): Promise<ServiceAccountView> {
  return invoke<ServiceAccountView>("set_service_account_active", { org, serviceAccount, active });
}

/** Deletes a service account and its keys (tokens already issued stay valid for up to an hour). */
export function deleteServiceAccount(org: string | null, serviceAccount: string): Promise<void> {
  return invoke<void>("delete_service_account", { org, serviceAccount });
}

/** A service account's API keys, with their last use and expiry (never their values). */
export function listApiKeys(org: string | null, serviceAccount: string): Promise<Array<ApiKeyView>> {
  return invoke<Array<ApiKeyView>>("list_api_keys", { org, serviceAccount });
}

/** Creates a key; the result holds its value, shown this once and kept nowhere by the app. `expires_in_minutes` null: it does not expire. */
export function createApiKey(org: string | null, serviceAccount: string, name: string, description: string | null = null, expiresInMinutes: number | null = null): Promise<NewApiKeyView> {
  return invoke<NewApiKeyView>("create_api_key", { org, serviceAccount, name, description, expiresInMinutes });
}

/** Rotates a key (by id or name): the result holds the new value, shown this once. The old value keeps working for `retain_minutes` (null or 0: it stops at once). */
export function rotateApiKey(org: string | null, serviceAccount: string, key: string, retainMinutes: number | null = null): Promise<NewApiKeyView> {
  return invoke<NewApiKeyView>("rotate_api_key", { org, serviceAccount, key, retainMinutes });
}

export function setApiKeyActive(org: string | null, serviceAccount: string, key: string, active: boolean): Promise<ApiKeyView> {
  return invoke<ApiKeyView>("set_api_key_active", { org, serviceAccount, key, active });
}

export function deleteApiKey(org: string | null, serviceAccount: string, key: string): Promise<void> {
  return invoke<void>("delete_api_key", { org, serviceAccount, key });
}

/** What offboarding the person would do: every workspace and project role to revoke and every team to leave (read from the server), every membership to remove and every pending invitation to revoke (from the cache), what cannot be done and why, and what is out of the app's reach. `orgs` (ids or names) narrows it; empty: every cached organization. */
export function offboardPlan(email: string, orgs: Array<string>): Promise<OffboardPlanView> {
  return invoke<OffboardPlanView>("offboard_plan", { email, orgs });
}

/** Carries out exactly the steps the window showed and the user kept (by id, never "all"), one at a time; a step the plan no longer has is refused as a `conflict` before anything is sent. Each step's result arrives as an `offboard_progress` event, then the report (nothing is retried). One run at a time. `overrides`: what the user confirmed on purpose (removing their own account's user, an organization's last admin). */
export function offboardRun(email: string, steps: Array<StepRefView>, overrides: OverridesView): Promise<OffboardReportView> {
  return invoke<OffboardReportView>("offboard_run", { email, steps, overrides });
}

/** Stops the running offboarding before its next step (the rest is reported not attempted); false when none is running. */
export function cancelOffboard(): Promise<boolean> {
  return invoke<boolean>("cancel_offboard");
}

/** The access review of every cached organization of every signed-in account, from the cache; a group of one organization, or one not cached, is `invalid_input`. */
export function accessReview(query: ReviewQueryView): Promise<AccessReviewView> {
  return invoke<AccessReviewView>("access_review", { query });
}

/** A page of the activity log, newest first. */
export function activity(query: ActivityQueryView): Promise<ActivityPageView> {
  return invoke<ActivityPageView>("activity", { query });
}

/** What undoing a logged change would do, against its organization refreshed from the server now (nothing is sent); `conflict` when the target changed since the entry. */
export function undoPreview(entryId: number): Promise<UndoPreviewView> {
  return invoke<UndoPreviewView>("undo_preview", { entryId });
}

/** Undoes a logged change (the entry is then marked undone); refused with `conflict` or `invalid_input` when it cannot be, saying why. `force`: the user confirmed undoing an entry older than 7 days. */
export function undo(entryId: number, force: boolean): Promise<UndoOutcomeView> {
  return invoke<UndoOutcomeView>("undo", { entryId, force });
}

/** Asks where to save an export in the desktop's native save dialog (opened by the app, suggesting the Downloads folder and a name like `acme-ml-members-2026-12-03.csv`; it asks before replacing a file), then writes the export there whole. The window never sends a path. A cancelled dialog resolves with `saved` null. */
export function saveExport(choice: ExportChoiceView): Promise<ExportOutcomeView> {
  return invoke<ExportOutcomeView>("save_export", { choice });
}

/** Opens the folder of a saved export (`path`, the file) in the file manager; resolves to the folder. Only a file an export was saved to in this run is accepted, else `invalid_input`. */
export function openExportFolder(path: string): Promise<string> {
  return invoke<string>("open_export_folder", { path });
}

/** A page of people (users, service accounts, pending invitations) across every cached organization of every signed-in account, searched by name, email or username. */
export function people(query: PeopleQueryView): Promise<PeoplePageView> {
  return invoke<PeoplePageView>("people", { query });
}

/** One person's organizations, roles, invitations and when each organization was fetched; `not_found` when the cache does not know the email. */
export function person(email: string): Promise<PersonView> {
  return invoke<PersonView>("person", { email });
}

/** Every cached organization of every signed-in account, as Home's cards. */
export function home(): Promise<HomeView> {
  return invoke<HomeView>("home");
}

/** Opens an organization (id or name) of any signed-in account: switches to the account when it is not the active one, then to the organization. */
export function openOrganization(accountId: string, org: string): Promise<Organization> {
  return invoke<Organization>("open_organization", { accountId, org });
}
