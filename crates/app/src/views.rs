//! The IPC view models: what commands return, in shapes the UI can render directly. Dates are RFC 3339
//! strings, ids are strings; none of them can hold a token or key (they are built only from cached,
//! secret-free records).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zenml_pro_core::api::{Invitation, MemberRole, MemberRow, Organization, Role, Team, User, Workspace};
use zenml_pro_core::{AccountRecord, AuthMethod, MemberKind, SyncReport};

use crate::error::IpcError;

/// An RFC 3339 timestamp in UTC, to the second.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn iso_opt(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(iso)
}

/// Everything the UI needs at start.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AppStateView {
    pub accounts: Vec<AccountView>,
    /// Id of the account commands act on.
    pub active_account: Option<String>,
    /// Demo mode: the app was started with `--demo`, or the in-app demo server is running.
    pub demo: bool,
    /// Something to tell the user once (the offline cache was rebuilt).
    pub cache_notice: Option<String>,
    pub version: String,
    /// The API URL the sign-in screen proposes (`ZENML_PRO_API_URL`).
    pub default_api_url: String,
    /// Whether the last sync reached the server (`true` before any sync).
    pub online: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethodView {
    Device,
    Key,
    Password,
}

impl From<AuthMethod> for AuthMethodView {
    fn from(m: AuthMethod) -> Self {
        match m {
            AuthMethod::Device => Self::Device,
            AuthMethod::Key => Self::Key,
            AuthMethod::Password => Self::Password,
        }
    }
}

/// One user on one server.
#[derive(Clone, Debug, Serialize, TS)]
pub struct AccountView {
    pub id: String,
    pub base_url: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub signed_in: bool,
    pub active: bool,
    pub auth_method: AuthMethodView,
}

impl AccountView {
    pub fn new(a: &AccountRecord, active: bool) -> Self {
        Self {
            id: a.id.clone(),
            base_url: a.base_url.clone(),
            email: a.user_email.clone(),
            name: a.user_name.clone(),
            signed_in: a.signed_in,
            active,
            auth_method: a.auth_method.into(),
        }
    }
}

/// A browser sign-in in progress: show `user_code`; the verification page is already opened.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DeviceLoginView {
    pub verification_url: String,
    pub user_code: String,
    /// Seconds until the code expires.
    pub expires_in: u32,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct OrgView {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Null when the server did not say (or said it in a shape this app cannot read).
    pub created: Option<String>,
    pub updated: Option<String>,
    /// `free`, `trial`, `pro`, `enterprise` (or `other`); null when the role may not see billing.
    pub plan: Option<String>,
    pub trial_expiry: Option<String>,
    pub has_active_subscription: Option<bool>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    /// The account's active organization.
    pub active: bool,
}

fn user_name(u: &User) -> Option<String> {
    u.name.clone().or_else(|| u.username.clone())
}

impl OrgView {
    pub fn new(o: &Organization, active: bool) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            description: o.description.clone(),
            created: iso_opt(o.created),
            updated: iso_opt(o.updated),
            plan: o.plan.map(|p| p.as_str().to_owned()),
            trial_expiry: iso_opt(o.trial_expiry),
            has_active_subscription: o.has_active_subscription,
            owner_name: o.owner.as_ref().and_then(user_name),
            owner_email: o.owner.as_ref().and_then(|u| u.email.clone()),
            active,
        }
    }
}

/// The organizations of the active account.
#[derive(Clone, Debug, Serialize, TS)]
pub struct OrgListView {
    pub items: Vec<OrgView>,
    /// When the list was last fetched; null before the first sync.
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
}

/// One organization's overview page.
#[derive(Clone, Debug, Serialize, TS)]
pub struct OverviewView {
    pub org: OrgView,
    /// The organization-level roles the signed-in user holds.
    pub my_roles: Vec<String>,
    /// False only when the cached roles are built-in ones known to lack the right to invite, change
    /// roles, remove members and edit settings (a Viewer, say): the window greys those controls out.
    /// Otherwise they are on and the server decides (a custom role may allow them).
    pub can_manage: bool,
    /// Organization Admin or Billing Admin: the server shows them plan and subscription.
    pub can_see_billing: bool,
    pub dashboard_url: String,
    pub billing_url: String,
    /// Users and service accounts; null when the member list is not visible to the user's role.
    pub member_count: Option<u32>,
    /// Null when the workspace list is not visible to the user's role.
    pub workspace_count: Option<u32>,
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MemberKindView {
    User,
    ServiceAccount,
    Team,
    Invitation,
}

impl From<MemberKindView> for MemberKind {
    fn from(k: MemberKindView) -> Self {
        match k {
            MemberKindView::User => MemberKind::User,
            MemberKindView::ServiceAccount => MemberKind::ServiceAccount,
            MemberKindView::Team => MemberKind::Team,
            MemberKindView::Invitation => MemberKind::Invitation,
        }
    }
}

/// A filtered page of members. Every field may be left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct MemberQueryView {
    /// Case-insensitive part of the name, email or username.
    #[ts(optional = nullable)]
    pub search: Option<String>,
    /// Only members holding this role (by name; directly or through a team).
    #[ts(optional = nullable)]
    pub role: Option<String>,
    #[ts(optional = nullable)]
    pub kind: Option<MemberKindView>,
    /// Rows to skip (default 0).
    #[ts(optional = nullable)]
    pub offset: Option<u32>,
    /// At most this many rows: default 100, at most 1000.
    #[ts(optional = nullable)]
    pub limit: Option<u32>,
}

/// A role a member holds.
#[derive(Clone, Debug, Serialize, TS)]
pub struct RoleChipView {
    pub role_id: String,
    pub name: String,
    /// Held through a team rather than directly.
    pub via_team: bool,
}

impl From<&MemberRole> for RoleChipView {
    fn from(r: &MemberRole) -> Self {
        Self { role_id: r.role_id.to_string(), name: r.label(), via_team: r.via_team }
    }
}

/// One row of the members list.
#[derive(Clone, Debug, Serialize, TS)]
pub struct MemberView {
    /// Unique within the list: `user:<id>`, `team:<id>` or `invitation:<id>`.
    pub key: String,
    pub kind: MemberKindView,
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub roles: Vec<RoleChipView>,
}

impl From<&MemberRow> for MemberView {
    fn from(r: &MemberRow) -> Self {
        let roles = r.roles.iter().map(RoleChipView::from).collect();
        if let Some(u) = &r.user {
            let kind = if u.is_service_account == Some(true) {
                MemberKindView::ServiceAccount
            } else {
                MemberKindView::User
            };
            let name = user_name(u).or_else(|| u.email.clone()).unwrap_or_else(|| u.id.to_string());
            return Self {
                key: format!("user:{}", u.id),
                kind,
                id: u.id.to_string(),
                name,
                email: u.email.clone(),
                roles,
            };
        }
        if let Some(t) = &r.team {
            return Self {
                key: format!("team:{}", t.id),
                kind: MemberKindView::Team,
                id: t.id.to_string(),
                name: t.name.clone(),
                email: None,
                roles,
            };
        }
        match &r.invitation {
            Some(i) => Self {
                key: format!("invitation:{}", i.id),
                kind: MemberKindView::Invitation,
                id: i.id.to_string(),
                name: i.email.clone(),
                email: Some(i.email.clone()),
                roles,
            },
            None => Self {
                key: "unknown".into(),
                kind: MemberKindView::User,
                id: String::new(),
                name: String::new(),
                email: None,
                roles,
            },
        }
    }
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct MemberPageView {
    pub rows: Vec<MemberView>,
    /// How many members match the query in all.
    pub total: u32,
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// The server refused the list to the user's role: not visible, which is not the same as empty.
    pub hidden: bool,
    /// Rows the last sync could not read and left out.
    pub skipped: u32,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    /// `pending`, `accepted`, `declined`, `revoked`, `expired` (or `other`); null when unknown.
    pub status: Option<String>,
    pub role_id: Option<String>,
    pub role_name: Option<String>,
    /// Name (else email) of who sent it.
    pub inviter: Option<String>,
    pub created: Option<String>,
    pub expires: Option<String>,
}

impl From<&Invitation> for InvitationView {
    fn from(i: &Invitation) -> Self {
        Self {
            id: i.id.to_string(),
            email: i.email.clone(),
            status: i.status.map(|s| s.as_str().to_owned()),
            role_id: i.role.as_ref().map(|r| r.id.to_string()),
            role_name: i.role.as_ref().and_then(|r| r.name.clone()),
            inviter: i.inviter.as_ref().and_then(|u| user_name(u).or_else(|| u.email.clone())),
            created: iso_opt(i.created),
            expires: iso_opt(i.expires),
        }
    }
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct WorkspaceView {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    /// `not_initialized`, `pending`, `available`, `failed`, `deactivated`, `deleted` (or `other`).
    pub status: String,
    pub desired_state: Option<String>,
    pub version: Option<String>,
    pub server_url: Option<String>,
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
            version: w.version().map(str::to_owned),
            server_url: w.server_url().map(str::to_owned),
            dashboard_url,
        }
    }
}

#[derive(Clone, Debug, Serialize, TS)]
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

#[derive(Clone, Debug, Serialize, TS)]
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
        #[derive(Clone, Debug, Serialize, TS)]
        pub struct $name {
            pub items: Vec<$item>,
            pub fetched_at: Option<String>,
            pub stale: bool,
            pub last_error: Option<String>,
            /// The server refused the list to the user's role: not visible, not empty.
            pub hidden: bool,
            /// Rows the last sync could not read and left out.
            pub skipped: u32,
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

/// One line of the Diagnostics page.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DiagnosticCheckView {
    /// `connection`, `clock`, `schema`, `sign-in`, `read`, `last sync`.
    pub area: String,
    pub check: String,
    /// `ok`, `info`, `warn` or `fail`.
    pub result: String,
    pub detail: String,
}

/// The Diagnostics page: the doctor's report on the active account's server, and where the log is.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DiagnosticsView {
    pub server: String,
    /// `ok`, `problems` or `unreachable`.
    pub status: String,
    pub checked_at: String,
    pub checks: Vec<DiagnosticCheckView>,
    /// The report as plain text, for "Copy report": no token, key, email or name in it.
    pub text: String,
    /// The folder of the log files; null when there is none.
    pub log_dir: Option<String>,
}

impl DiagnosticsView {
    pub fn new(r: &zenml_pro_core::DoctorReport, log_dir: Option<&std::path::Path>) -> Self {
        Self {
            server: r.server.clone(),
            status: match r.status {
                zenml_pro_core::DoctorStatus::Ok => "ok",
                zenml_pro_core::DoctorStatus::Problems => "problems",
                zenml_pro_core::DoctorStatus::Unreachable => "unreachable",
            }
            .to_owned(),
            checked_at: iso(r.checked_at),
            checks: r
                .checks
                .iter()
                .map(|c| DiagnosticCheckView {
                    area: c.area.clone(),
                    check: c.check.clone(),
                    result: c.result.as_str().to_owned(),
                    detail: c.detail.clone(),
                })
                .collect(),
            text: r.to_text(),
            log_dir: log_dir.map(|d| d.display().to_string()),
        }
    }
}

/// What happened to one email of an invitation batch.
#[derive(Clone, Debug, Serialize, TS)]
pub struct InviteOutcomeView {
    pub email: String,
    pub ok: bool,
    pub invitation: Option<InvitationView>,
    pub error: Option<IpcError>,
}

/// One organization a sync could not fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SyncFailureView {
    pub organization: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SyncReportView {
    pub organizations: u32,
    pub synced: u32,
    pub failed: Vec<SyncFailureView>,
    /// Organizations dropped from the cache because the server no longer lists them.
    pub removed: u32,
    pub duration_ms: u32,
}

fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

impl From<&SyncReport> for SyncReportView {
    fn from(r: &SyncReport) -> Self {
        Self {
            organizations: count(r.organizations),
            synced: count(r.synced),
            failed: r
                .failed
                .iter()
                .map(|f| SyncFailureView {
                    organization: f.organization.clone(),
                    message: f.error.message.clone(),
                })
                .collect(),
            removed: count(r.removed),
            duration_ms: count(r.duration_ms),
        }
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    count(n)
}
