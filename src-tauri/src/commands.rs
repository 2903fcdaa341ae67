//! The Tauri commands: each one a one-line adapter to the [`App`] method of the same name. Arguments
//! arrive camelCased from the webview (`onlyPending` → `only_pending`); the typed wrappers are in
//! `ui/src/lib/bindings/commands.ts`.

use tauri::State;
use zenml_pro_app::views::*;
use zenml_pro_app::{App, DesktopSettings, IpcError};

type R<T> = Result<T, IpcError>;

#[tauri::command]
pub async fn desktop_settings(app: State<'_, App>) -> R<DesktopSettings> {
    app.desktop_settings().await
}

#[tauri::command]
pub async fn update_desktop_settings(app: State<'_, App>, settings: DesktopSettings) -> R<DesktopSettings> {
    app.update_desktop_settings(settings).await
}

#[tauri::command]
pub async fn app_state(app: State<'_, App>) -> R<AppStateView> {
    app.app_state().await
}

#[tauri::command]
pub async fn login_with_key(app: State<'_, App>, url: String, key: String) -> R<AccountView> {
    app.login_with_key(url, key).await
}

#[tauri::command]
pub async fn login_with_password(
    app: State<'_, App>,
    url: String,
    username: String,
    password: String,
) -> R<AccountView> {
    app.login_with_password(url, username, password).await
}

#[tauri::command]
pub async fn begin_device_login(app: State<'_, App>, url: String) -> R<DeviceLoginView> {
    app.begin_device_login(url).await
}

#[tauri::command]
pub async fn complete_device_login(app: State<'_, App>) -> R<AccountView> {
    app.complete_device_login().await
}

#[tauri::command]
pub async fn cancel_device_login(app: State<'_, App>) -> R<()> {
    app.cancel_device_login().await
}

#[tauri::command]
pub async fn start_demo(app: State<'_, App>) -> R<AccountView> {
    app.start_demo().await
}

#[tauri::command]
pub async fn stop_demo(app: State<'_, App>) -> R<()> {
    app.stop_demo().await
}

#[tauri::command]
pub async fn logout(app: State<'_, App>, account_id: String, purge: bool) -> R<()> {
    app.logout(account_id, purge).await
}

#[tauri::command]
pub async fn switch_account(app: State<'_, App>, account_id: String) -> R<AccountView> {
    app.switch_account(account_id).await
}

#[tauri::command]
pub async fn sync_now(app: State<'_, App>) -> R<SyncReportView> {
    app.sync_now().await
}

#[tauri::command]
pub async fn ui_painted(app: State<'_, App>) -> R<()> {
    app.ui_painted().await
}

#[tauri::command]
pub async fn list_organizations(app: State<'_, App>) -> R<OrgListView> {
    app.list_organizations().await
}

#[tauri::command]
pub async fn switch_organization(app: State<'_, App>, org: String) -> R<OrgView> {
    app.switch_organization(org).await
}

#[tauri::command]
pub async fn organization_overview(app: State<'_, App>, org: Option<String>) -> R<OverviewView> {
    app.organization_overview(org).await
}

#[tauri::command]
pub async fn list_members(
    app: State<'_, App>,
    org: Option<String>,
    query: MemberQueryView,
) -> R<MemberPageView> {
    app.list_members(org, query).await
}

#[tauri::command]
pub async fn list_invitations(
    app: State<'_, App>,
    org: Option<String>,
    only_pending: bool,
) -> R<InvitationListView> {
    app.list_invitations(org, only_pending).await
}

#[tauri::command]
pub async fn list_workspaces(app: State<'_, App>, org: Option<String>) -> R<WorkspaceListView> {
    app.list_workspaces(org).await
}

#[tauri::command]
pub async fn list_teams(app: State<'_, App>, org: Option<String>) -> R<TeamListView> {
    app.list_teams(org).await
}

#[tauri::command]
pub async fn list_roles(app: State<'_, App>, org: Option<String>) -> R<RoleListView> {
    app.list_roles(org).await
}

#[tauri::command]
pub async fn invite(
    app: State<'_, App>,
    org: Option<String>,
    emails: Vec<String>,
    role: String,
) -> R<Vec<InviteOutcomeView>> {
    app.invite(org, emails, role).await
}

#[tauri::command]
pub async fn revoke_invitation(
    app: State<'_, App>,
    org: Option<String>,
    invitation: String,
) -> R<InvitationView> {
    app.revoke_invitation(org, invitation).await
}

#[tauri::command]
pub async fn resend_invitation(
    app: State<'_, App>,
    org: Option<String>,
    invitation: String,
) -> R<InvitationView> {
    app.resend_invitation(org, invitation).await
}

#[tauri::command]
pub async fn set_member_role(
    app: State<'_, App>,
    org: Option<String>,
    member: String,
    role: String,
) -> R<MemberView> {
    app.set_member_role(org, member, role).await
}

#[tauri::command]
pub async fn remove_member(app: State<'_, App>, org: Option<String>, member: String) -> R<()> {
    app.remove_member(org, member).await
}

#[tauri::command]
pub async fn update_organization(
    app: State<'_, App>,
    org: Option<String>,
    name: Option<String>,
    description: Option<String>,
) -> R<OrgView> {
    app.update_organization(org, name, description).await
}

#[tauri::command]
pub async fn open_in_dashboard(
    app: State<'_, App>,
    org: Option<String>,
    workspace: Option<String>,
) -> R<String> {
    app.open_in_dashboard(org, workspace).await
}

#[tauri::command]
pub async fn diagnostics(app: State<'_, App>) -> R<DiagnosticsView> {
    app.diagnostics().await
}

#[tauri::command]
pub async fn open_log_folder(app: State<'_, App>) -> R<String> {
    app.open_log_folder().await
}

#[tauri::command]
pub async fn open_billing(app: State<'_, App>, org: Option<String>) -> R<String> {
    app.open_billing(org).await
}
