//! Members and invitations.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;
pub use zenml_pro_core::records::{
    Freshness, HeldRole, Invitation, InvitationRole, InvitationTeam, List, Member,
};
use zenml_pro_core::MemberKind;

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

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MemberPageView {
    pub items: Vec<Member>,
    /// How many members match the query in all.
    pub total: u32,
    pub freshness: Freshness,
}
