//! The activity log's vocabulary: the closed set of kinds of change, and what a change replaced.

use serde::{Deserialize, Serialize};

/// What a logged change was: a closed set (an offboarding's steps are removals and revocations).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// Every kind.
    pub const ALL: [ActivityKind; 26] = [
        Self::Invite,
        Self::Revoke,
        Self::Resend,
        Self::RoleChange,
        Self::MemberRemoval,
        Self::OrgRename,
        Self::OrgDescription,
        Self::TeamCreate,
        Self::TeamRename,
        Self::TeamDescription,
        Self::TeamDelete,
        Self::TeamMemberAdd,
        Self::TeamMemberRemove,
        Self::TeamRole,
        Self::WorkspaceState,
        Self::WorkspaceRename,
        Self::WorkspaceDescription,
        Self::GrantAdd,
        Self::GrantRevoke,
        Self::ServiceAccountCreate,
        Self::ServiceAccountActive,
        Self::ServiceAccountDelete,
        Self::ApiKeyCreate,
        Self::ApiKeyRotate,
        Self::ApiKeyActive,
        Self::ApiKeyDelete,
    ];

    /// Its stored and wire name (`"role_change"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::Revoke => "revoke",
            Self::Resend => "resend",
            Self::RoleChange => "role_change",
            Self::MemberRemoval => "member_removal",
            Self::OrgRename => "org_rename",
            Self::OrgDescription => "org_description",
            Self::TeamCreate => "team_create",
            Self::TeamRename => "team_rename",
            Self::TeamDescription => "team_description",
            Self::TeamDelete => "team_delete",
            Self::TeamMemberAdd => "team_member_add",
            Self::TeamMemberRemove => "team_member_remove",
            Self::TeamRole => "team_role",
            Self::WorkspaceState => "workspace_state",
            Self::WorkspaceRename => "workspace_rename",
            Self::WorkspaceDescription => "workspace_description",
            Self::GrantAdd => "grant_add",
            Self::GrantRevoke => "grant_revoke",
            Self::ServiceAccountCreate => "service_account_create",
            Self::ServiceAccountActive => "service_account_active",
            Self::ServiceAccountDelete => "service_account_delete",
            Self::ApiKeyCreate => "api_key_create",
            Self::ApiKeyRotate => "api_key_rotate",
            Self::ApiKeyActive => "api_key_active",
            Self::ApiKeyDelete => "api_key_delete",
        }
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
