//! Members and invitations.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::api::{Invitation, MemberRole, MemberRow};
use zenml_pro_core::MemberKind;

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
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

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
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

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
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
