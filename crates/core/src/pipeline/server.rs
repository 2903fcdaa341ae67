//! What a write reads from the server right before it acts: never the cache, which may be stale.

use uuid::Uuid;
use zenml_cloud_api::{
    Assignee, Holder, Invitation, InvitationFilter, MemberRole, Role, RoleFilter, RoleLevel,
};

use crate::error::{ErrorCode, Result};
use crate::service::Core;

/// The name of the role whose last holder is never removed without an override.
pub const ORG_ADMIN: &str = "Organization Admin";

fn org_level(r: &Role) -> bool {
    r.level.is_none_or(|l| l == RoleLevel::Organization)
}

fn held(role: &Role) -> MemberRole {
    MemberRole {
        role_id: role.id,
        name: Some(role.name.clone()),
        level: Some(RoleLevel::Organization),
        via_team: false,
    }
}

impl Core {
    /// The organization's organization-level roles, read from the server.
    pub(crate) async fn server_org_roles(&self, account_id: &str, org_id: Uuid) -> Result<Vec<Role>> {
        let filter = RoleFilter { level: Some(RoleLevel::Organization), name: None };
        let roles = self
            .authed(account_id, |c, t| {
                let filter = filter.clone();
                async move { c.all_roles(&t, org_id, &filter).await }
            })
            .await?;
        Ok(roles.items.into_iter().filter(org_level).collect())
    }

    /// The organization roles `who` holds directly now (not through a team), read from the server: the
    /// organization's roles, then each one's assignments to `who`. A server without that read route
    /// (404) is asked for its member list instead, and the holder's row is read from it.
    pub(crate) async fn server_direct_roles(
        &self,
        account_id: &str,
        org_id: Uuid,
        who: Assignee,
    ) -> Result<Vec<MemberRole>> {
        let roles = self.server_org_roles(account_id, org_id).await?;
        let mut out = Vec::new();
        for (i, role) in roles.iter().enumerate() {
            let role_id = role.id;
            let rows = self
                .authed(account_id, |c, t| async move { c.holder_assignments(&t, role_id, who).await })
                .await;
            match rows {
                Ok(rows) => {
                    if rows.iter().any(|a| a.org_wide()) {
                        out.push(held(role));
                    }
                }
                // The first role's 404: the server does not offer the read route.
                Err(e) if e.code == ErrorCode::NotFound && i == 0 => {
                    return self.direct_roles_from_members(account_id, org_id, who).await;
                }
                // A later role's: deleted since the list was read, so not held.
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    async fn direct_roles_from_members(
        &self,
        account_id: &str,
        org_id: Uuid,
        who: Assignee,
    ) -> Result<Vec<MemberRole>> {
        let Assignee::User(user_id) = who else { return Ok(Vec::new()) };
        let rows = self.authed(account_id, |c, t| async move { c.all_members(&t, org_id).await }).await?;
        Ok(rows
            .items
            .into_iter()
            .find(|r| r.user.as_ref().is_some_and(|u| u.id == user_id))
            .map(|r| {
                r.roles
                    .into_iter()
                    .filter(|m| !m.via_team && m.level.is_none_or(|l| l == RoleLevel::Organization))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The invitation with this id as the server has it now (`None`: it has none by that id).
    pub(crate) async fn server_invitation(
        &self,
        account_id: &str,
        org_id: Uuid,
        id: Uuid,
        email: &str,
    ) -> Result<Option<Invitation>> {
        let filter = InvitationFilter { only_pending: false, email: Some(email.trim().to_owned()) };
        let list = self
            .authed(account_id, |c, t| {
                let filter = filter.clone();
                async move { c.all_invitations(&t, org_id, &filter).await }
            })
            .await?;
        Ok(list.items.into_iter().find(|i| i.id == id))
    }

    /// The users who hold Organization Admin directly now, read from the server (`None`: the
    /// organization has no role by that name).
    pub(crate) async fn server_admins(&self, account_id: &str, org_id: Uuid) -> Result<Option<Vec<Uuid>>> {
        let roles = self.server_org_roles(account_id, org_id).await?;
        let Some(admin) = roles.iter().find(|r| r.name == ORG_ADMIN) else { return Ok(None) };
        let role_id = admin.id;
        let rows = self
            .authed(account_id, |c, t| async move { c.all_role_assignments(&t, role_id, None).await })
            .await?;
        let mut users: Vec<Uuid> = rows
            .items
            .iter()
            .filter(|a| a.org_wide())
            .filter_map(|a| match &a.holder {
                Holder::User(u) => Some(u.id),
                _ => None,
            })
            .collect();
        users.sort();
        users.dedup();
        Ok(Some(users))
    }
}
