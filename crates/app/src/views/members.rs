//! Members and invitations.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::api::{Invitation, MemberRole, MemberRow};
use zenml_pro_core::MemberKind;

use super::*;

/// What a member row stands for (core's type; the name the views had).
pub type MemberKindView = MemberKind;

/// A workspace role to invite with: the workspace and the role, each by id or name.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WorkspaceRoleSpecView {
    pub workspace: String,
    pub role: String,
}

/// A filtered page of members. Every field may be left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(default)]
pub struct MemberQueryView {
    /// Case-insensitive part of the name, email or username.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub search: Option<String>,
    /// Only members holding this role (by name; directly or through a team).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub role: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub kind: Option<MemberKindView>,
    /// Rows to skip (default 0).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub offset: Option<u32>,
    /// At most this many rows: default 100, at most 1000.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub limit: Option<u32>,
}

/// A role a member holds.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
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
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
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
    /// Keys, kinds and labels from core's one model (`zenml_pro_core::model`), as `zpro` shows them.
    fn from(r: &MemberRow) -> Self {
        use zenml_pro_core::model;
        Self {
            key: model::member_key(r).unwrap_or_default(),
            kind: model::member_kind(r).unwrap_or(MemberKind::Invitation),
            id: model::member_id(r).map(|id| id.to_string()).unwrap_or_default(),
            name: model::member_label(r),
            email: model::member_email(r).map(str::to_owned),
            roles: r.roles.iter().map(RoleChipView::from).collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MemberPageView {
    pub rows: Vec<MemberView>,
    /// How many members match the query in all.
    pub total: u32,
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What kind of failure `last_error` was (`offline` when the server could not be reached).
    pub error_code: Option<zenml_pro_core::ErrorCode>,
    /// The server refused the list to the user's role: not visible, which is not the same as empty.
    pub hidden: bool,
    /// Rows the last sync could not read and left out.
    pub skipped: u32,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    /// `pending`, `accepted`, `declined`, `revoked`, `expired` (or `other`); null when unknown.
    pub status: Option<String>,
    pub role_id: Option<String>,
    pub role_name: Option<String>,
    /// Every role it carries, with where it applies ("Workspace Developer on acme-prod"): its
    /// organization role first.
    pub roles: Vec<String>,
    /// The teams it joins.
    pub teams: Vec<String>,
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
            roles: zenml_pro_core::model::invitation_role_labels(i),
            teams: zenml_pro_core::model::invitation_team_labels(i),
            inviter: i.inviter.as_ref().and_then(zenml_pro_core::inviter_label).map(str::to_owned),
            created: iso_opt(i.created),
            expires: iso_opt(i.expires),
        }
    }
}
