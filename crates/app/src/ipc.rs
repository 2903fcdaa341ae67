//! The IPC contract, declared once: [`ipc_commands!`] lists every command the window may call, with
//! its arguments, its result and its body. Everything else is generated from that list:
//!
//! - the [`App`](crate::App) method of each command (by [`app_methods!`], below), which the tests and
//!   the tray call;
//! - the Tauri adapters and the handler list in `src-tauri` (`zenml_pro_app::ipc_commands!` with the
//!   shell's own callback);
//! - `ui/src/lib/bindings/commands.ts` (the typed wrappers and the `Commands` map the UI's test fake is
//!   typed by), by [`crate::bindings`] with the `ts` feature;
//! - [`COMMANDS`], the names, for checks.
//!
//! To add a command: add one row here (its body may call into the module that does the work), then
//! regenerate the TypeScript (`UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`).
//!
//! A row is `/// docs` + `async fn name(&self, arg: Type, ...) -> Result { body }`, where the body
//! evaluates to `IpcResult<Result>`. Types are written with `$crate::` paths, so that the shell can
//! name them. `Option<_>` arguments that come last may be left out by the UI (they default to `null`).

/// Calls `$callback! { rows }` with every command of the app (see the module docs).
#[macro_export]
macro_rules! ipc_commands {
    ($callback:ident) => {
        // The rows of `ipc_service_accounts`, `ipc_offboard`, `ipc_review` and `ipc_people` (People, a
        // person, Home) are appended to these.
        $crate::ipc_service_accounts_commands! { $callback {
            // ----- this computer -----

            /// The desktop settings of this computer.
            async fn desktop_settings(&self) -> $crate::DesktopSettings {
                Ok(self.settings())
            }

            /// Saves and applies the settings (start at login writes the autostart entry); resolves to
            /// them as saved.
            async fn update_desktop_settings(&self, settings: $crate::DesktopSettings) -> $crate::DesktopSettings {
                self.apply_settings(settings)
            }

            // ----- updates (changes arrive as `update_status` events) -----

            /// Whether this build has an update server (`configured: false`: show no update
            /// controls), and where updates are.
            async fn update_status(&self) -> $crate::UpdateStatusView {
                Ok(self.update_status_now())
            }

            /// Checks the update server now; resolves to the outcome (up to date, a version on
            /// offer, or failed with a message).
            async fn check_for_updates(&self) -> $crate::UpdateStatusView {
                self.check_updates_by_hand().await
            }

            /// Downloads, verifies and installs the update on offer, then restarts the app (progress
            /// arrives as `update_status` events); resolves only when it did not install (failed,
            /// with a message).
            async fn install_update(&self) -> $crate::UpdateStatusView {
                self.install_offered_update().await
            }

            /// "Later": hides the update banner for the version on offer, in this run.
            async fn dismiss_update(&self) -> $crate::UpdateStatusView {
                self.dismiss_offered_update()
            }

            // ----- session -----

            /// Everything the UI needs at start.
            async fn app_state(&self) -> $crate::views::AppStateView {
                $crate::session::app_state(self).await
            }

            async fn login_with_key(&self, url: String, key: String) -> $crate::views::Account {
                $crate::session::login_with_key(self, url, key).await
            }

            async fn login_with_password(&self, url: String, username: String, password: String) -> $crate::views::Account {
                $crate::session::login_with_password(self, url, username, password).await
            }

            /// Starts a browser sign-in; the app opens the verification page itself.
            async fn begin_device_login(&self, url: String) -> $crate::views::DeviceLoginView {
                $crate::session::begin_device_login(self, url).await
            }

            /// Waits until the browser sign-in is approved; rejects with code `cancelled` after
            /// `cancelDeviceLogin`.
            async fn complete_device_login(&self) -> $crate::views::Account {
                $crate::session::complete_device_login(self).await
            }

            async fn cancel_device_login(&self) -> () {
                $crate::session::cancel_device_login(self)
            }

            /// Starts the demo server inside the app, signs in to it and runs a first sync.
            async fn start_demo(&self) -> $crate::views::Account {
                $crate::demo::start_demo(self).await
            }

            /// Stops the demo server (its data stays readable, as when offline).
            async fn stop_demo(&self) -> () {
                $crate::demo::stop_demo(self).await
            }

            async fn logout(&self, account_id: String, purge: bool) -> () {
                $crate::session::logout(self, account_id, purge).await
            }

            async fn switch_account(&self, account_id: String) -> $crate::views::Account {
                $crate::session::switch_account(self, account_id)
            }

            /// Syncs the active account; progress arrives as `sync_progress` events.
            async fn sync_now(&self) -> $crate::views::SyncReportView {
                let account = self.account()?;
                self.shared.sync(&account.id, &$crate::refresh::CancellationToken::new()).await
            }

            /// Tells the app the first organization list is on screen (it logs the time since start,
            /// once).
            async fn ui_painted(&self) -> () {
                $crate::session::ui_painted(self)
            }

            // ----- diagnostics -----

            /// The doctor's report on the active account's server (only reads), and where the log
            /// files are.
            async fn diagnostics(&self) -> $crate::views::DiagnosticsView {
                $crate::links::diagnostics(self).await
            }

            /// Opens the folder of the log files in the file manager; resolves to its path.
            async fn open_log_folder(&self) -> String {
                $crate::links::open_log_folder(self)
            }

            /// Opens the organization's billing page of the dashboard in the browser; resolves to the
            /// URL.
            async fn open_billing(&self, org: Option<String>) -> String {
                $crate::links::open_billing(self, org)
            }

            // ----- reads (from the cache; `org` null = the active organization) -----

            async fn list_organizations(&self) -> $crate::views::List<$crate::views::Organization> {
                $crate::reads::list_organizations(self)
            }

            /// `org` is an id or a name.
            async fn switch_organization(&self, org: String) -> $crate::views::Organization {
                $crate::reads::switch_organization(self, org).await
            }

            /// One organization's overview page (with its member and workspace counts).
            async fn organization_overview(&self, org: Option<String>) -> $crate::views::OverviewView {
                $crate::reads::organization_overview(self, org)
            }

            /// What the signed-in user may do in the organization, as far as the app knows (the
            /// server still decides): cheap, for greying controls.
            async fn my_access(&self, org: Option<String>) -> $crate::views::AccessView {
                let (account, org_id) = self.account_and_org(org.as_deref())?;
                let my_roles = self.core().my_roles(&account.id, org_id)?;
                Ok($crate::views::AccessView::new(org_id, my_roles))
            }

            async fn list_members(&self, org: Option<String>, query: $crate::views::MemberQueryView) -> $crate::views::MemberPageView {
                $crate::reads::list_members(self, org, query)
            }

            async fn list_invitations(&self, org: Option<String>, only_pending: bool) -> $crate::views::List<$crate::views::Invitation> {
                $crate::reads::list_invitations(self, org, only_pending)
            }

            async fn list_workspaces(&self, org: Option<String>) -> $crate::views::List<$crate::views::Workspace> {
                $crate::reads::list_workspaces(self, org)
            }

            async fn list_teams(&self, org: Option<String>) -> $crate::views::List<$crate::views::Team> {
                $crate::reads::list_teams(self, org)
            }

            async fn list_roles(&self, org: Option<String>) -> $crate::views::List<$crate::views::Role> {
                $crate::reads::list_roles(self, org)
            }

            /// The `zenml-pro-desktop://org/<id>` link that opens this organization in the app (to paste
            /// in a chat or a runbook).
            async fn organization_link(&self, org: Option<String>) -> String {
                let (_, org_id) = self.account_and_org(org.as_deref())?;
                Ok(format!("{}://org/{org_id}", $crate::deeplink::SCHEME))
            }

            // ----- writes (each followed by a `data_changed` event naming what changed) -----

            /// `role` is an organization role's id (or name). One outcome per email.
            async fn invite(&self, org: Option<String>, emails: Vec<String>, role: String) -> Vec<$crate::views::InviteOutcomeView> {
                $crate::writes::invite(self, org, emails, role, Vec::new(), Vec::new()).await
            }

            /// As `invite`, and each invitation is given the workspace roles and joins the teams (by
            /// id or name) once sent; each outcome says which took.
            async fn invite_with(&self, org: Option<String>, emails: Vec<String>, role: String, workspace_roles: Vec<$crate::views::WorkspaceRoleSpecView>, teams: Vec<String>) -> Vec<$crate::views::InviteOutcomeView> {
                $crate::writes::invite(self, org, emails, role, workspace_roles, teams).await
            }

            /// `invitation` is an invitation id or email.
            async fn revoke_invitation(&self, org: Option<String>, invitation: String) -> $crate::views::Invitation {
                $crate::writes::revoke_invitation(self, org, invitation).await
            }

            /// Revokes and sends again, keeping every role and team (a `notice` names any that did
            /// not take).
            async fn resend_invitation(&self, org: Option<String>, invitation: String) -> $crate::views::Invitation {
                $crate::writes::resend_invitation(self, org, invitation).await
            }

            /// `member` is a user id, email or name; `role` an organization role's id (or name).
            async fn set_member_role(&self, org: Option<String>, member: String, role: String) -> $crate::views::Member {
                $crate::writes::set_member_role(self, org, member, role).await
            }

            async fn remove_member(&self, org: Option<String>, member: String) -> () {
                $crate::writes::remove_member(self, org, member).await
            }

            /// null leaves a field unchanged.
            async fn update_organization(&self, org: Option<String>, name: Option<String>, description: Option<String>) -> $crate::views::Organization {
                $crate::writes::update_organization(self, org, name, description).await
            }

            // ----- teams (writes announce `teams` and `members`; a team's members are read live) -----

            /// A new team with initial members (emails of members or pending invitations); one
            /// outcome per member.
            async fn create_team(&self, org: Option<String>, name: String, description: Option<String>, members: Vec<String>) -> $crate::views::TeamCreatedView {
                $crate::teams::create_team(self, org, name, description, members).await
            }

            /// `team` is an id or a name; null leaves a field unchanged.
            async fn update_team(&self, org: Option<String>, team: String, name: Option<String>, description: Option<String>) -> $crate::views::Team {
                $crate::teams::update_team(self, org, team, name, description).await
            }

            /// Deletes a team: its members lose the roles it gave them.
            async fn delete_team(&self, org: Option<String>, team: String) -> () {
                $crate::teams::delete_team(self, org, team).await
            }

            /// A team's members as the server lists them now.
            async fn team_members(&self, org: Option<String>, team: String) -> $crate::views::TeamMembersView {
                $crate::teams::team_members(self, org, team).await
            }

            /// Adds members or pending invitations (by email); one outcome per email.
            async fn add_to_team(&self, org: Option<String>, team: String, emails: Vec<String>) -> Vec<$crate::views::TeamChangeView> {
                $crate::teams::change_team_members(self, org, team, emails, true).await
            }

            async fn remove_from_team(&self, org: Option<String>, team: String, emails: Vec<String>) -> Vec<$crate::views::TeamChangeView> {
                $crate::teams::change_team_members(self, org, team, emails, false).await
            }

            /// Gives the team an organization role (its members hold it through the team).
            async fn set_team_role(&self, org: Option<String>, team: String, role: String) -> () {
                $crate::teams::set_team_role(self, org, team, role).await
            }

            // ----- workspaces and scoped roles -----

            /// `state`: `available` or `deactivated`. Resolves once the server took it; the workspace
            /// is followed in the background (each poll a `workspaces` change, a notification where
            /// it lands).
            async fn set_workspace_state(&self, org: Option<String>, workspace: String, state: String) -> $crate::views::Workspace {
                $crate::workspaces::set_workspace_state(self, org, workspace, state).await
            }

            /// Renames or re-describes a workspace (null leaves a field unchanged).
            async fn update_workspace(&self, org: Option<String>, workspace: String, name: Option<String>, description: Option<String>) -> $crate::views::Workspace {
                $crate::workspaces::update_workspace(self, org, workspace, name, description).await
            }

            /// Who holds which role on a workspace, read from the server.
            async fn workspace_access(&self, org: Option<String>, workspace: String) -> $crate::views::WorkspaceAccessView {
                $crate::teams::workspace_access(self, org, workspace).await
            }

            /// Gives `who` (a member's or a pending invitation's email, or a team) a workspace role.
            async fn grant_workspace_role(&self, org: Option<String>, workspace: String, who: String, role: String) -> $crate::views::AccessEntryView {
                $crate::teams::change_workspace_role(self, org, workspace, who, role, true).await
            }

            async fn revoke_workspace_role(&self, org: Option<String>, workspace: String, who: String, role: String) -> $crate::views::AccessEntryView {
                $crate::teams::change_workspace_role(self, org, workspace, who, role, false).await
            }

            /// What a member or pending invitation (by email) holds: organization roles, teams, and
            /// workspace roles directly or through a team (read from the server), as `account` (a
            /// person's page: any signed-in account) or the active one.
            async fn member_access(&self, org: Option<String>, member: String, account: Option<String>) -> $crate::views::MemberAccessView {
                $crate::teams::member_access(self, org, member, account).await
            }

            /// Who holds a role (id or name), and where; read from the server.
            async fn role_holders(&self, org: Option<String>, role: String) -> $crate::views::RoleHoldersView {
                $crate::teams::role_holders(self, org, role).await
            }

            /// Opens the organization's (or a workspace's) dashboard page in the browser; resolves to
            /// the URL.
            async fn open_in_dashboard(&self, org: Option<String>, workspace: Option<String>) -> String {
                $crate::links::open_in_dashboard(self, org, workspace)
            }
        } }
    };
}

/// Generates the `App` method of every row.
macro_rules! app_methods {
    ($(
        $(#[doc = $doc:literal])*
        async fn $name:ident(&$this:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        impl $crate::App {
            $(
                $(#[doc = $doc])*
                pub async fn $name(&$this $(, $arg: $ty)*) -> $crate::IpcResult<$ret> $body
            )*
        }

        /// The name of every command, in the order of the table.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

ipc_commands!(app_methods);

/// One command as the TypeScript generator sees it.
#[cfg(feature = "ts")]
pub struct CommandSpec {
    pub name: &'static str,
    pub docs: Vec<&'static str>,
    /// Argument names (snake_case, as in Rust) and their TypeScript types.
    pub args: Vec<(&'static str, String)>,
    /// The TypeScript type of the result (`void` for none).
    pub result: String,
}

#[cfg(feature = "ts")]
macro_rules! command_specs {
    ($(
        $(#[doc = $doc:literal])*
        async fn $name:ident(&$this:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        /// Every command with its TypeScript signature, in the order of the table.
        pub fn specs(cfg: &ts_rs::Config) -> Vec<CommandSpec> {
            use ts_rs::TS;
            vec![$(
                CommandSpec {
                    name: stringify!($name),
                    docs: vec![$($doc),*],
                    args: vec![$((stringify!($arg), <$ty as TS>::name(cfg))),*],
                    result: match <$ret as TS>::name(cfg) {
                        n if n == "null" => "void".to_owned(),
                        n => n,
                    },
                }
            ),*]
        }

        /// Writes the TypeScript of every type the commands take or return (and of what those use)
        /// into `cfg`'s directory: a new command's new types need no other list.
        pub fn export_command_types(cfg: &ts_rs::Config) -> Result<(), String> {
            let mut exporter = Exporter { cfg, error: None };
            $(
                $( exporter.export::<$ty>(); )*
                exporter.export::<$ret>();
            )*
            exporter.error.map_or(Ok(()), Err)
        }
    };
}

/// Exports named types (and what they use); a wrapper (`Vec<T>`, `Option<T>`) exports what it wraps.
#[cfg(feature = "ts")]
struct Exporter<'a> {
    cfg: &'a ts_rs::Config,
    error: Option<String>,
}

#[cfg(feature = "ts")]
impl Exporter<'_> {
    fn export<T: ts_rs::TS + 'static + ?Sized>(&mut self) {
        ts_rs::TypeVisitor::visit::<T>(self);
    }
}

#[cfg(feature = "ts")]
impl ts_rs::TypeVisitor for Exporter<'_> {
    fn visit<T: ts_rs::TS + 'static + ?Sized>(&mut self) {
        if self.error.is_some() {
            return;
        }
        if T::output_path().is_some() {
            if let Err(e) = T::export_all(self.cfg) {
                self.error = Some(format!("{}: {e}", T::ident(self.cfg)));
            }
        } else {
            T::visit_generics(self);
        }
    }
}

#[cfg(feature = "ts")]
ipc_commands!(command_specs);
