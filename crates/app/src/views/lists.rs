//! Workspaces, teams and roles, and the cached listings of them.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::api::{Role, Team, Workspace};

use super::*;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WorkspaceView {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    /// `not_initialized`, `pending`, `available`, `failed`, `deactivated`, `deleted` (or `other`).
    pub status: String,
    pub desired_state: Option<String>,
    /// Why the workspace is in its status, when the server says (a failure's cause, say).
    pub state_reason: Option<String>,
    pub description: Option<String>,
    /// `zenml`, `kitaru`, or a type this build does not know, as the server wrote it.
    pub workspace_type: String,
    /// How its type is named: `ZenML`, `Kitaru`, or the unknown type's text.
    pub type_label: String,
    /// The ZenML server's version.
    pub version: Option<String>,
    /// The URL of whichever server it has (a Kitaru workspace's Kitaru server first).
    pub server_url: Option<String>,
    /// Its page on its kind's dashboard.
    pub dashboard_url: String,
}

impl WorkspaceView {
    pub fn new(w: &Workspace, dashboard_url: String) -> Self {
        Self {
            id: w.id.to_string(),
            name: w.name.clone(),
            display_name: w.display_name.clone(),
            status: w.status.as_str().to_owned(),
            desired_state: w.desired_state.map(|s| s.as_str().to_owned()),
            state_reason: w.state_reason.clone().filter(|r| !r.trim().is_empty()),
            description: w.description.clone(),
            workspace_type: w.kind().as_str().to_owned(),
            type_label: w.kind().label().to_owned(),
            version: w.version().map(str::to_owned),
            server_url: w.server_url().map(str::to_owned),
            dashboard_url,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub member_count: Option<u32>,
}

impl From<&Team> for TeamView {
    fn from(t: &Team) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            description: t.description.clone(),
            member_count: t.member_count.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RoleView {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// `organization`, `workspace` or `project` (or `other`); `unknown` when the server did not say.
    pub level: String,
    pub system_managed: bool,
}

impl From<&Role> for RoleView {
    fn from(r: &Role) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name.clone(),
            description: r.description.clone(),
            level: r.level.map_or("unknown", |l| l.as_str()).to_owned(),
            system_managed: r.system_managed.unwrap_or(false),
        }
    }
}

/// Cached listings with their age. One concrete type per item type (the generated TypeScript stays
/// plain).
macro_rules! listing {
    ($(#[$m:meta])* $name:ident, $item:ty) => {
        $(#[$m])*
        #[derive(Clone, Debug, Serialize)]
        #[cfg_attr(feature = "ts", derive(TS))]
        pub struct $name {
            pub items: Vec<$item>,
            pub fetched_at: Option<String>,
            pub stale: bool,
            pub last_error: Option<String>,
            /// What kind of failure `last_error` was (`offline` when the server could not be reached).
            pub error_code: Option<zenml_pro_core::ErrorCode>,
            /// The server refused the list to the user's role: not visible, not empty.
            pub hidden: bool,
            /// Rows the last sync could not read and left out.
            pub skipped: u32,
        }

        impl $name {
            /// A cached list with its age and state, each item made into its view by `item`.
            pub fn new<T>(c: zenml_pro_core::Cached<Vec<T>>, item: impl FnMut(&T) -> $item) -> Self {
                Self {
                    items: c.value.iter().map(item).collect(),
                    fetched_at: Some(super::iso(c.fetched_at)),
                    stale: c.stale,
                    last_error: c.last_error,
                    error_code: c.last_error_code,
                    hidden: c.hidden,
                    skipped: u32::try_from(c.skipped).unwrap_or(u32::MAX),
                }
            }
        }
    };
}

listing!(
    /// An organization's invitations.
    InvitationListView,
    InvitationView
);
listing!(
    /// An organization's workspaces.
    WorkspaceListView,
    WorkspaceView
);
listing!(
    /// An organization's teams.
    TeamListView,
    TeamView
);
listing!(
    /// An organization's roles.
    RoleListView,
    RoleView
);
