//! The organization admin pages read live from the server (not cached lists): a team's members, who
//! holds what on a workspace, who holds a role; and what a team change came to (the service accounts are
//! in [`super::service_accounts`]).

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::api::{Role, TeamMemberRow, Workspace};
use zenml_pro_core::{model, AccessEntry, TeamCreated, TeamMemberOutcome, TeamMembers};

use super::*;
use crate::error::IpcError;

/// One member of a team: a user, or a pending invitation.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamMemberView {
    /// `user:<id>` or `invitation:<id>`.
    pub key: String,
    /// A pending invitation rather than a user.
    pub pending: bool,
    /// The name (else the email) as the members list shows it.
    pub name: String,
    pub email: Option<String>,
}

impl TeamMemberView {
    fn new(row: &TeamMemberRow) -> Option<Self> {
        if let Some(u) = &row.user {
            return Some(Self {
                key: format!("user:{}", u.id),
                pending: false,
                name: model::user_label(u),
                email: u.email.clone(),
            });
        }
        row.invitation.as_ref().map(|i| Self {
            key: format!("invitation:{}", i.id),
            pending: true,
            name: i.email.clone(),
            email: Some(i.email.clone()),
        })
    }
}

/// A team's page: the team and its members as the server lists them now.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamMembersView {
    pub team: zenml_pro_core::records::Team,
    pub members: Vec<TeamMemberView>,
    /// Rows that could not be read and were left out.
    pub skipped: u32,
}

impl From<&TeamMembers> for TeamMembersView {
    fn from(t: &TeamMembers) -> Self {
        let mut members: Vec<TeamMemberView> = t.members.iter().filter_map(TeamMemberView::new).collect();
        members.sort_by_key(|m| (m.pending, m.name.to_lowercase()));
        Self { team: zenml_pro_core::records::Team::new(&t.team), members, skipped: to_u32(t.skipped) }
    }
}

/// What one email of a team change came to.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamChangeView {
    pub email: String,
    /// Done, or already so.
    pub ok: bool,
    /// It was already so (already in the team, or not in it).
    pub unchanged: bool,
    pub error: Option<IpcError>,
}

impl From<&TeamMemberOutcome> for TeamChangeView {
    fn from(o: &TeamMemberOutcome) -> Self {
        Self {
            email: o.email.clone(),
            ok: o.ok,
            unchanged: o.unchanged,
            error: o.error.clone().map(IpcError::from),
        }
    }
}

/// A team created, and what happened to each initial member.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct TeamCreatedView {
    pub team: zenml_pro_core::records::Team,
    pub members: Vec<TeamChangeView>,
}

impl From<&TeamCreated> for TeamCreatedView {
    fn from(t: &TeamCreated) -> Self {
        Self {
            team: zenml_pro_core::records::Team::new(&t.team),
            members: t.members.iter().map(TeamChangeView::from).collect(),
        }
    }
}

/// One role held somewhere: on the organization or on a workspace, by a user, a team or an invitation.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccessEntryView {
    pub role_id: String,
    pub role: String,
    /// `organization`, `workspace` or `project`; null when the server did not say.
    pub level: Option<String>,
    /// null: the organization.
    pub workspace_id: Option<String>,
    pub workspace: Option<String>,
    /// `user`, `team` or `invitation`.
    pub kind: String,
    pub holder_id: String,
    /// An email (a user, an invitation) or a team's name.
    pub holder: String,
    /// A user's name, when the server gave one.
    pub name: Option<String>,
}

impl From<&AccessEntry> for AccessEntryView {
    fn from(e: &AccessEntry) -> Self {
        Self {
            role_id: e.role_id.to_string(),
            role: e.role.clone(),
            level: e.level.map(|l| l.as_str().to_owned()),
            workspace_id: e.workspace_id.map(|w| w.to_string()),
            workspace: e.workspace.clone(),
            kind: e.kind.to_owned(),
            holder_id: e.holder_id.to_string(),
            holder: e.holder.clone(),
            name: e.name.clone(),
        }
    }
}

fn sorted(entries: &[AccessEntry]) -> Vec<AccessEntryView> {
    let mut v: Vec<AccessEntryView> = entries.iter().map(AccessEntryView::from).collect();
    v.sort_by(|a, b| {
        (a.workspace.as_deref(), a.role.as_str(), a.kind.as_str(), a.holder.to_lowercase()).cmp(&(
            b.workspace.as_deref(),
            b.role.as_str(),
            b.kind.as_str(),
            b.holder.to_lowercase(),
        ))
    });
    v
}

/// A workspace's access page: who holds which role on it, read from the server.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WorkspaceAccessView {
    pub workspace: zenml_pro_core::records::Workspace,
    pub entries: Vec<AccessEntryView>,
}

impl WorkspaceAccessView {
    pub fn new(w: &Workspace, dashboard_url: String, entries: &[AccessEntry]) -> Self {
        Self {
            workspace: zenml_pro_core::records::Workspace::new(w, dashboard_url),
            entries: sorted(entries),
        }
    }
}

/// Who holds a role, and where.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RoleHoldersView {
    pub role: zenml_pro_core::records::Role,
    pub holders: Vec<AccessEntryView>,
}

impl RoleHoldersView {
    pub fn new(role: &Role, entries: &[AccessEntry]) -> Self {
        Self { role: zenml_pro_core::records::Role::new(role), holders: sorted(entries) }
    }
}

/// A workspace role a member holds, and the team it comes through (null: held directly).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct HeldRoleView {
    pub workspace_id: Option<String>,
    pub workspace: Option<String>,
    pub role_id: String,
    pub role: String,
    pub via_team: Option<String>,
}

/// Everything one member (or pending invitation) holds in the organization.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MemberAccessView {
    /// The email.
    pub who: String,
    /// `user` or `invitation`.
    pub kind: String,
    pub org_roles: Vec<zenml_pro_core::records::HeldRole>,
    pub teams: Vec<String>,
    pub workspace_roles: Vec<HeldRoleView>,
}

impl From<&zenml_pro_core::MemberAccess> for MemberAccessView {
    fn from(a: &zenml_pro_core::MemberAccess) -> Self {
        Self {
            who: a.grantee.label.clone(),
            kind: a.grantee.kind.to_owned(),
            org_roles: a.org_roles.iter().map(zenml_pro_core::records::HeldRole::new).collect(),
            teams: a.teams.clone(),
            workspace_roles: a
                .workspace_roles
                .iter()
                .map(|h| HeldRoleView {
                    workspace_id: h.entry.workspace_id.map(|w| w.to_string()),
                    workspace: h.entry.workspace.clone(),
                    role_id: h.entry.role_id.to_string(),
                    role: h.entry.role.clone(),
                    via_team: h.via_team.clone(),
                })
                .collect(),
        }
    }
}
