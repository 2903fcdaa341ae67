//! The activity log's vocabulary: the closed set of kinds of change, and what a change replaced.

use serde::{Deserialize, Serialize};

/// What a logged change was: a closed set (an offboarding's steps are removals and revocations).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumCount,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ActivityKind {
    Invite,
    Revoke,
    Resend,
    RoleChange,
    MemberRemoval,
    OrgRename,
    OrgDescription,
    TeamCreate,
    TeamRename,
    TeamDescription,
    TeamDelete,
    TeamMemberAdd,
    TeamMemberRemove,
    TeamRole,
    WorkspaceState,
    WorkspaceRename,
    WorkspaceDescription,
    GrantAdd,
    GrantRevoke,
    ServiceAccountCreate,
    /// A service account activated or deactivated (the detail says which).
    ServiceAccountActive,
    ServiceAccountDelete,
    ApiKeyCreate,
    ApiKeyRotate,
    /// A service account's key activated or deactivated (the detail says which).
    ApiKeyActive,
    ApiKeyDelete,
}

impl ActivityKind {
    /// Every kind, in the order declared.
    pub const ALL: [ActivityKind; <ActivityKind as strum::EnumCount>::COUNT] =
        match <ActivityKind as strum::VariantArray>::VARIANTS.first_chunk() {
            Some(all) => *all,
            None => unreachable!(),
        };

    /// Its stored and wire name (`"role_change"`, …).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The kind of a stored or typed name; `None` for a name this build does not know.
    pub fn parse(s: &str) -> Option<ActivityKind> {
        let s = s.trim().replace('-', "_").to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether [`crate::Core::undo`] can reverse a successful entry of this kind.
    pub fn reversible(self) -> bool {
        matches!(
            self,
            Self::RoleChange
                | Self::Invite
                | Self::Revoke
                | Self::MemberRemoval
                | Self::OrgRename
                | Self::TeamRename
                | Self::WorkspaceRename
                | Self::ServiceAccountActive
                | Self::ApiKeyActive
        )
    }
}

/// A role that was held before a change: an organization role, or a workspace role with its workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorRole {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
}

/// A team something belonged to before a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorTeam {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What a change replaced: what an undo puts back. Every field is optional (an absent one was not
/// known, or not touched).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replaced {
    /// The roles held before (a member's direct organization roles; a revoked invitation's every role).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<PriorRole>,
    /// The teams of a revoked invitation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<PriorTeam>,
    /// The name before a rename.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description before a change of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The state before a workspace state change, or before a service account or key was activated
    /// or deactivated (`activated`, `deactivated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

impl Replaced {
    pub fn is_empty(&self) -> bool {
        self == &Replaced::default()
    }
}
