//! The desktop: its settings, the tray's state and the one handler every tray menu item goes
//! through, and `zenml-pro-desktop://` links.

use zenml_pro_core::api::WorkspaceKind;
use zenml_pro_core::AccountRecord;

use crate::app::{lock, App};
use crate::deeplink::{self, DeepLink};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::events::AppEvent;
use crate::notify::org_name;
use crate::settings::{AutostartError, DesktopSettings};
use crate::tray::{TrayAccount, TrayAction, TrayOrg, TrayOutcome, TrayState};

impl App {
    /// What the tray menu shows, read from the cache.
    pub fn tray_state(&self) -> IpcResult<TrayState> {
        let active_account = self.core().active_account()?.map(|a| a.id);
        let mut accounts = Vec::new();
        for a in self.core().accounts()? {
            let (organizations, synced_at) = if a.signed_in {
                let list = self.core().organization_list(&a.id)?;
                let orgs = list
                    .entries
                    .iter()
                    .map(|e| TrayOrg {
                        id: e.organization.id.to_string(),
                        name: org_name(&e.organization),
                        active: e.active,
                        workspaces: if e.active {
                            self.workspace_kinds(&a.id, e.organization.id)
                        } else {
                            Vec::new()
                        },
                    })
                    .collect();
                (orgs, list.fetched_at)
            } else {
                (Vec::new(), None)
            };
            let label = zenml_pro_core::account_label(&a);
            accounts.push(TrayAccount { id: a.id, label, signed_in: a.signed_in, organizations, synced_at });
        }
        Ok(TrayState {
            accounts,
            active_account,
            online: *lock(&self.shared.online),
            close_to_tray: self.close_to_tray(),
            utc_offset: *chrono::Local::now().offset(),
            update_available: self.offered_update(),
        })
    }

    /// An organization's cached workspaces per kind, as the tray names them, ZenML's first, then
    /// Kitaru's, then the others by text (cleaned for a menu). Empty when none are cached or the list
    /// cannot be read.
    fn workspace_kinds(&self, account_id: &str, org_id: uuid::Uuid) -> Vec<(String, usize)> {
        let Ok(cached) = self.core().workspaces(account_id, org_id) else { return Vec::new() };
        let mut kinds: Vec<(WorkspaceKind, usize)> = Vec::new();
        for w in &cached.value {
            let kind = w.kind();
            match kinds.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((kind, 1)),
            }
        }
        let rank = |k: &WorkspaceKind| match k {
            WorkspaceKind::Zenml => 0,
            WorkspaceKind::Kitaru => 1,
            WorkspaceKind::Other(_) => 2,
        };
        kinds.sort_by(|(a, _), (b, _)| (rank(a), a.as_str()).cmp(&(rank(b), b.as_str())));
        // A type the app does not know is the server's text: a native menu gets it without control
        // characters, and not longer than a menu line.
        let label = |k: &WorkspaceKind| k.label().chars().filter(|c| !c.is_control()).take(40).collect();
        kinds.into_iter().map(|(k, n)| (label(&k), n)).collect()
    }

    /// Whether closing the window hides it to the tray.
    pub fn close_to_tray(&self) -> bool {
        lock(&self.shared.settings).close_to_tray
    }

    /// Sets and saves whether closing the window hides it to the tray.
    pub fn set_close_to_tray(&self, on: bool) -> IpcResult<()> {
        let settings = DesktopSettings { close_to_tray: on, ..self.settings() };
        self.apply_settings(settings).map(|_| ())
    }

    /// The desktop settings as they are now.
    pub fn settings(&self) -> DesktopSettings {
        lock(&self.shared.settings).clone()
    }

    /// Saves new settings and applies them: "start at login" registers or removes the app's start at
    /// login (the [`crate::settings::Autostart`] of this system) first, so a failure there changes
    /// nothing. Tells the window and the tray.
    pub(crate) fn apply_settings(&self, new: DesktopSettings) -> IpcResult<DesktopSettings> {
        let old = self.settings();
        if new.start_at_login != old.start_at_login {
            self.autostart.set(new.start_at_login).map_err(|e| match e {
                AutostartError::Unavailable(why) => IpcError::new(ErrorCode::InvalidInput, why),
                AutostartError::Failed(why) => IpcError::internal(why),
            })?;
        }
        new.save(self.core().data_dir())
            .map_err(|e| IpcError::internal(format!("could not save the desktop settings: {e}")))?;
        *lock(&self.shared.settings) = new.clone();
        self.shared.events.emit(AppEvent::SettingsChanged { settings: new.clone() });
        Ok(new)
    }

    /// Opens a `zenml-pro-desktop://org/<id-or-name>` link: switches to that organization (switching
    /// account when another signed-in account has it) and asks for the window. A link that cannot
    /// be opened is explained in the window's notice bar; the window is shown either way.
    pub async fn open_deep_link(&self, url: &str) -> TrayOutcome {
        if let Err(e) = self.follow_link(url).await {
            tracing::warn!(code = ?e.code, error = %e, "could not open a link");
            self.shared
                .events
                .emit(AppEvent::Notice { message: format!("Could not open {url}: {}", e.message) });
        }
        TrayOutcome::ShowWindow
    }

    pub(crate) async fn follow_link(&self, url: &str) -> IpcResult<()> {
        let DeepLink::Org(wanted) = deeplink::parse(url)?;
        let core = self.core();
        let active = core.active_account()?.map(|a| a.id);
        let mut accounts: Vec<AccountRecord> = core.accounts()?.into_iter().filter(|a| a.signed_in).collect();
        accounts.sort_by_key(|a| Some(&a.id) != active.as_ref());
        if accounts.is_empty() {
            return Err(IpcError::new(
                ErrorCode::Unauthorized,
                "not signed in: sign in, then open the link again",
            ));
        }
        // Through core's resolver: an id (in any account) beats a name, then an exact name, then a name
        // or display name without regard to case; one that means different organizations is refused.
        if let Some(found) = core.find_org_across(&accounts, &wanted)? {
            let account_id = found.accounts[0].id.clone();
            let action = TrayAction::SwitchOrg { account_id, org_id: found.org_id.to_string() };
            self.tray_action(action).await?;
            return Ok(());
        }
        Err(IpcError::new(
            ErrorCode::NotFound,
            format!("no organization {wanted:?} among those this app has seen: sync, or check the link"),
        ))
    }

    /// Runs a tray menu action. The tray and the tests call this; a switch goes through the same
    /// [`App::switch_account`] and [`App::switch_organization`] the window uses (so the window is told
    /// by the same `active_org_changed` event), one tray switch at a time.
    pub async fn tray_action(&self, action: TrayAction) -> IpcResult<TrayOutcome> {
        match action {
            TrayAction::SwitchOrg { account_id, org_id } => {
                let _one_at_a_time = self.tray_switch.lock().await;
                if self.core().active_account()?.map(|a| a.id).as_deref() != Some(account_id.as_str()) {
                    self.switch_account(account_id).await?;
                }
                self.switch_organization(org_id).await?;
            }
            TrayAction::SyncNow => {
                self.sync_now().await?;
            }
            TrayAction::OpenWindow => return Ok(TrayOutcome::ShowWindow),
            TrayAction::OpenDashboard => {
                self.open_in_dashboard(None, None).await?;
            }
            TrayAction::SetCloseToTray { on } => self.set_close_to_tray(on)?,
            TrayAction::InstallUpdate => {
                self.install_update().await?;
            }
            TrayAction::Quit => return Ok(TrayOutcome::Quit),
        }
        Ok(TrayOutcome::Done)
    }
}
