//! The writes on an organization's members, invitations and settings: a role change, a removal, a
//! revocation, a rename or new description. Each reads its target from the server before acting.

mod invitations;
mod org;
mod removal;
mod roles;

pub(crate) use invitations::{invitation_entry, RevokeInvitation};
pub(crate) use org::UpdateOrg;
pub use removal::Removal;
pub(crate) use removal::{RemoveMember, RemoveTarget};
pub(crate) use roles::{SetRole, SetRoles};

use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRole, Role, RoleLevel};

use super::Ctx;
use crate::cache::{PriorRole, PriorTeam, Replaced};
use crate::error::{CoreError, Result};
/// Roles as the journal keeps what a write replaced.
pub(crate) fn prior_roles(roles: &[MemberRole]) -> Vec<PriorRole> {
    roles
        .iter()
        .map(|r| PriorRole { id: r.role_id.to_string(), name: r.name.clone(), ..Default::default() })
        .collect()
}

/// What an invitation carried: its roles (the organization role first) and its teams.
pub(crate) fn carried(inv: &Invitation) -> Replaced {
    let mut roles: Vec<PriorRole> = inv
        .all_roles()
        .into_iter()
        .map(|r| PriorRole {
            id: r.id.to_string(),
            name: r.name,
            workspace_id: r.workspace_id.map(|w| w.to_string()),
            workspace: r.workspace_name,
        })
        .collect();
    if let Some(main) = &inv.role {
        let main_id = main.id.to_string();
        if let Some(i) = roles.iter().position(|r| r.id == main_id && r.workspace_id.is_none()) {
            let r = roles.remove(i);
            roles.insert(0, PriorRole { name: r.name.or_else(|| main.name.clone()), ..r });
        }
    }
    let teams = inv.teams.iter().map(|t| PriorTeam { id: t.id.to_string(), name: t.name.clone() }).collect();
    Replaced { roles, teams, ..Default::default() }
}

/// A member resolved once: their user id, how they are named, and the roles the cache saw them hold
/// through a team (a role change leaves those alone).
pub(crate) struct Member {
    pub user_id: Uuid,
    pub label: String,
    pub via_team: Vec<MemberRole>,
}

pub(crate) fn member(cx: Ctx<'_>, who: &str) -> Result<Member> {
    let row = cx.core.find_member(cx.account_id, cx.org_id, who)?;
    let user = row.user.as_ref().ok_or_else(|| CoreError::not_found("not a user"))?;
    Ok(Member {
        user_id: user.id,
        label: user.email.clone().or_else(|| user.name.clone()).unwrap_or_else(|| user.id.to_string()),
        via_team: row.roles.iter().filter(|r| r.via_team).cloned().collect(),
    })
}

fn new_role(role: &Role) -> MemberRole {
    MemberRole {
        role_id: role.id,
        name: Some(role.name.clone()),
        level: Some(RoleLevel::Organization),
        via_team: false,
    }
}
