//! The tray menu as a pure function of the app's state, and its typed actions.
//!
//! The shell (`src-tauri/src/tray.rs`) only turns a [`TrayMenu`] into native menu items and routes a
//! clicked item's id back through [`TrayAction::from_id`] to [`crate::App::tray_action`]; everything
//! the menu shows and does is decided here and in [`crate::App`], so it is tested without a window or
//! a tray host.
//!
//! - [`TrayState`]: what the menu depends on, read from the cache by [`crate::App::tray_state`].
//! - [`tray_menu`]: the menu for a state at a given time (the header's "synced 3 min ago" depends on
//!   it). Same inputs, same menu: the shell rebuilds it after every change of state.
//! - [`TrayAction`]: every menu item that does something, with a lossless string id (JSON), so ids
//!   are never assembled from or split on separators that an id could contain.
//! - The close-to-tray setting shown as a check item lives in [`crate::settings::DesktopSettings`].
//!
//! To add a menu item: a [`TrayAction`] variant, its item in [`tray_menu`], its arm in
//! [`crate::App::tray_action`], and a case in `tests/tray.rs`.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// What the tray menu depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct TrayState {
    /// Every known account, in the cache's order (stable, so items do not jump between rebuilds).
    pub accounts: Vec<TrayAccount>,
    /// The account the window and the commands act on.
    pub active_account: Option<String>,
    /// Whether the last sync reached the server.
    pub online: bool,
    /// Closing the window hides it to the tray (the setting shown as a check item).
    pub close_to_tray: bool,
    /// The user's local offset, for "as of 14:02".
    pub utc_offset: FixedOffset,
    /// A newer version on offer (only in builds with an update server): the menu offers to install it.
    pub update_available: Option<String>,
}

/// One account as the tray shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrayAccount {
    pub id: String,
    /// The e-mail address, else the user name, else the server's URL.
    pub label: String,
    pub signed_in: bool,
    /// The cached organizations (empty when signed out: they cannot be switched to from the tray).
    pub organizations: Vec<TrayOrg>,
    /// When the list of organizations was last fetched.
    pub synced_at: Option<DateTime<Utc>>,
}

/// One cached organization.
#[derive(Clone, Debug, PartialEq)]
pub struct TrayOrg {
    pub id: String,
    /// The display name, else the name.
    pub name: String,
    /// The account's active organization.
    pub active: bool,
    /// Its workspaces per kind (`ZenML`, `Kitaru`, an unknown type's text), ZenML's first: read for
    /// the active organization only, empty otherwise or when the list is not visible.
    pub workspaces: Vec<(String, usize)>,
}

/// What a menu item does. Its [`TrayAction::to_id`] is the native menu item's id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrayAction {
    /// Make `org_id` the active organization of `account_id` (making the account active first).
    SwitchOrg {
        account_id: String,
        org_id: String,
    },
    SyncNow,
    /// Show and focus the window.
    OpenWindow,
    /// Open the active organization in the web dashboard.
    OpenDashboard,
    /// Set whether closing the window hides it to the tray.
    SetCloseToTray {
        on: bool,
    },
    /// Download, verify and install the update on offer, then restart.
    InstallUpdate,
    Quit,
}

impl TrayAction {
    /// The menu item id: the action as JSON, so any account or organization id survives the trip.
    pub fn to_id(&self) -> String {
        serde_json::to_string(self).expect("a TrayAction always serializes")
    }

    /// The action of a menu item id; `None` for ids this module did not make.
    pub fn from_id(id: &str) -> Option<Self> {
        serde_json::from_str(id).ok()
    }
}

/// What the shell does after [`crate::App::tray_action`]: the app cannot show windows or exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrayOutcome {
    /// Done in the app; nothing more for the shell than rebuilding the menu.
    Done,
    ShowWindow,
    Quit,
}

/// A native-menu-shaped tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TrayMenu {
    pub items: Vec<TrayItem>,
}

/// One menu entry.
#[derive(Clone, Debug, PartialEq)]
pub enum TrayItem {
    /// A line of text that does nothing (header lines, account group titles).
    Text(String),
    Separator,
    Action {
        label: String,
        action: TrayAction,
        enabled: bool,
    },
    Check {
        label: String,
        action: TrayAction,
        checked: bool,
        enabled: bool,
    },
}

impl TrayMenu {
    /// Every action in the menu, in order.
    pub fn actions(&self) -> Vec<&TrayAction> {
        self.items
            .iter()
            .filter_map(|i| match i {
                TrayItem::Action { action, .. } | TrayItem::Check { action, .. } => Some(action),
                _ => None,
            })
            .collect()
    }

    /// The menu as text, one item a line: `---` for separators, `[x]`/`[ ]` for check items and
    /// `(disabled)` after a disabled item. For tests and logs.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            let line = match item {
                TrayItem::Text(t) => t.clone(),
                TrayItem::Separator => "---".to_owned(),
                TrayItem::Action { label, enabled, .. } => disabled(label.clone(), *enabled),
                TrayItem::Check { label, checked, enabled, .. } => {
                    disabled(format!("[{}] {label}", if *checked { "x" } else { " " }), *enabled)
                }
            };
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

fn disabled(line: String, enabled: bool) -> String {
    if enabled {
        line
    } else {
        format!("{line} (disabled)")
    }
}

/// The tray menu for `state` at `now`:
///
/// - header: the active account, its active organization, its workspaces by kind ("Workspaces: 3
///   ZenML, 2 Kitaru") when it has any, and "synced 3 min ago" /
///   "offline — as of 14:02" / "signed out";
/// - "Update to X available — install and restart" when an update is on offer;
/// - the organizations of every signed-in account, the active one checked, under a title per account
///   when there are several;
/// - "Sync now", "Open ZenML Pro Desktop", "Open <org> in dashboard";
/// - the close-to-tray setting and "Quit".
pub fn tray_menu(state: &TrayState, now: DateTime<Utc>) -> TrayMenu {
    let mut items = Vec::new();
    let active = state.active_account.as_deref().and_then(|id| state.accounts.iter().find(|a| a.id == id));
    let active_org = active.filter(|a| a.signed_in).and_then(|a| a.organizations.iter().find(|o| o.active));

    // Header.
    items.push(TrayItem::Text(active.map_or_else(|| "No account".to_owned(), |a| a.label.clone())));
    match active {
        Some(a) if a.signed_in => {
            let org = active_org.map_or_else(|| "No organization chosen".to_owned(), |o| o.name.clone());
            items.push(TrayItem::Text(org));
            if let Some(o) = active_org.filter(|o| !o.workspaces.is_empty()) {
                items.push(TrayItem::Text(workspace_kinds(&o.workspaces)));
            }
            items.push(TrayItem::Text(freshness(state, a.synced_at, now)));
        }
        _ => items.push(TrayItem::Text("signed out".to_owned())),
    }

    // An update on offer, right under the header (installed only when clicked).
    if let Some(version) = &state.update_available {
        items.push(TrayItem::Separator);
        items.push(TrayItem::Action {
            label: format!("Update to {version} available — install and restart"),
            action: TrayAction::InstallUpdate,
            enabled: true,
        });
    }

    // Organizations, grouped by account when several are signed in.
    let signed_in: Vec<&TrayAccount> = state.accounts.iter().filter(|a| a.signed_in).collect();
    if !signed_in.is_empty() {
        items.push(TrayItem::Separator);
    }
    let grouped = signed_in.len() > 1;
    for account in &signed_in {
        if grouped {
            items.push(TrayItem::Text(account.label.clone()));
        }
        if account.organizations.is_empty() {
            items.push(TrayItem::Text("No organizations yet: sync".to_owned()));
        }
        let is_active_account = Some(account.id.as_str()) == state.active_account.as_deref();
        for org in &account.organizations {
            items.push(TrayItem::Check {
                label: org.name.clone(),
                action: TrayAction::SwitchOrg { account_id: account.id.clone(), org_id: org.id.clone() },
                checked: is_active_account && org.active,
                enabled: true,
            });
        }
    }

    // Actions.
    items.push(TrayItem::Separator);
    let can_sync = active.is_some_and(|a| a.signed_in);
    items.push(TrayItem::Action {
        label: "Sync now".to_owned(),
        action: TrayAction::SyncNow,
        enabled: can_sync,
    });
    items.push(TrayItem::Action {
        label: "Open ZenML Pro Desktop".to_owned(),
        action: TrayAction::OpenWindow,
        enabled: true,
    });
    items.push(TrayItem::Action {
        label: active_org
            .map_or_else(|| "Open in dashboard".to_owned(), |o| format!("Open {} in dashboard", o.name)),
        action: TrayAction::OpenDashboard,
        enabled: active_org.is_some(),
    });
    items.push(TrayItem::Separator);
    items.push(TrayItem::Check {
        label: "Keep running in the tray when the window is closed".to_owned(),
        action: TrayAction::SetCloseToTray { on: !state.close_to_tray },
        checked: state.close_to_tray,
        enabled: true,
    });
    items.push(TrayItem::Action { label: "Quit".to_owned(), action: TrayAction::Quit, enabled: true });
    TrayMenu { items }
}

/// "Workspaces: 3 ZenML, 2 Kitaru".
fn workspace_kinds(kinds: &[(String, usize)]) -> String {
    let parts: Vec<String> = kinds.iter().map(|(label, n)| format!("{n} {label}")).collect();
    format!("Workspaces: {}", parts.join(", "))
}

/// "synced 3 min ago", "offline — as of 14:02" (with the date when not today), "not synced yet".
fn freshness(state: &TrayState, synced_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match (state.online, synced_at) {
        (false, Some(at)) => {
            let local = at.with_timezone(&state.utc_offset);
            if local.date_naive() == now.with_timezone(&state.utc_offset).date_naive() {
                format!("offline — as of {}", local.format("%H:%M"))
            } else {
                format!("offline — as of {}", local.format("%-d %b %H:%M"))
            }
        }
        (false, None) => "offline — not synced yet".to_owned(),
        (true, None) => "not synced yet".to_owned(),
        (true, Some(at)) => {
            let minutes = (now - at).num_minutes().max(0);
            match minutes {
                0 => "synced just now".to_owned(),
                1..=59 => format!("synced {minutes} min ago"),
                60..=1439 => format!("synced {} h ago", minutes / 60),
                _ => format!("synced {} d ago", minutes / 1440),
            }
        }
    }
}
