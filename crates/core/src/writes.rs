//! Writes: revoke an invitation (inviting and resending are in `invites`), change a role, remove a
//! member, rename or re-describe the organization. Each one checks its input before any request (an email's syntax, a role that exists),
//! and on success updates the cache at once. With no network the write fails with `offline` and
//! nothing changes.
//!
//! Whether the user may do it is the server's to say: no write is refused because of the role names
//! in the cache (a custom role may allow what a built-in one does not), and a 403 comes back as a
//! `forbidden` error in plain words. The cached roles only tell the window which controls to grey out
//! ([`known_to_lack`]).

use uuid::Uuid;
use zenml_cloud_api::{
    Assignee, Invitation, InvitationStatus, MemberRole, Organization, OrganizationUpdate, Role, RoleLevel,
    RoleScope,
};

use crate::cache::Entity;
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::service::Core;
use crate::validate::check_org_name;

/// Organization roles that may manage members, invitations and settings.
pub const MANAGING_ROLES: [&str; 2] = ["Organization Admin", "Organization Manager"];

/// The built-in organization roles (their rights are documented; custom roles' are not).
pub const BUILT_IN_ORG_ROLES: [&str; 5] = [
    "Organization Admin",
    "Organization Manager",
    "Organization Viewer",
    "Billing Admin",
    "Organization Member",
];

/// Whether roles held are *known* to lack the right to manage members, invitations and settings: only
/// when every one of them is a built-in role without it. No roles at all (the member list may be hidden
/// from the user), or any custom role, is not known: the server decides.
pub fn known_to_lack(held: &[String]) -> bool {
    !held.is_empty()
        && held
            .iter()
            .all(|r| BUILT_IN_ORG_ROLES.contains(&r.as_str()) && !MANAGING_ROLES.contains(&r.as_str()))
}

impl Core {
    /// An organization-level role of the organization by id or by name: a role id (UUID) first, then
    /// the role whose name equals it (case-insensitive), or `invalid_input` naming the roles there are.
    /// Only the matching rows are read from the cache (the roles are indexed by id and by name).
    pub fn org_role(&self, account_id: &str, org_id: Uuid, id_or_name: &str) -> Result<Role> {
        let hidden = self.with_cache(|c| c.sync_state(account_id, Some(org_id), Entity::Roles))?;
        if hidden.is_some_and(|s| s.read.hidden) {
            return Err(CoreError::invalid(
                format!(
                    "the roles of this organization are not visible to your role, so {id_or_name:?} cannot \
                     be checked or sent; ask an Organization Admin"
                ),
                vec![FieldMessage { field: "role".into(), message: "roles not visible".into() }],
            ));
        }
        // A role the server listed without a level that sync could not classify may be one too.
        let org_level = |r: &Role| r.level.is_none_or(|l| l == RoleLevel::Organization);
        let needle = id_or_name.trim();
        if let Ok(id) = Uuid::parse_str(needle) {
            if let Some(role) = self.with_cache(|c| c.role_by_id(account_id, org_id, id))? {
                if org_level(&role) {
                    return Ok(role);
                }
            }
        }
        let named = self.with_cache(|c| c.roles_named(account_id, org_id, needle))?;
        if let Some(role) = named.into_iter().find(org_level) {
            return Ok(role);
        }
        // Only a failed lookup reads the whole (small) list, to name the roles there are.
        let roles = self.roles(account_id, org_id)?.value;
        let names: Vec<&str> = roles.iter().filter(|r| org_level(r)).map(|r| r.name.as_str()).collect();
        Err(CoreError::invalid(
            format!("{id_or_name:?} is not an organization role here; choose one of: {}", names.join(", ")),
            vec![FieldMessage { field: "role".into(), message: "unknown organization role".into() }],
        ))
    }

    /// Finds a cached invitation by id or email (the newest one for an email). Only the matching rows
    /// are read (the invitations are indexed by id and by email).
    pub fn find_invitation(&self, account_id: &str, org_id: Uuid, id_or_email: &str) -> Result<Invitation> {
        let needle = id_or_email.trim();
        let mut found = self.with_cache(|c| c.invitations_matching(account_id, org_id, needle))?;
        found.sort_by_key(|i| std::cmp::Reverse(i.created));
        found
            .into_iter()
            .next()
            .ok_or_else(|| CoreError::not_found(format!("no invitation {needle:?} in this organization")))
    }

    /// Revokes an invitation (by id or email). Logged in the activity log.
    pub async fn revoke_invitation(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_email: &str,
    ) -> Result<Invitation> {
        let draft = self.draft_revoke(account_id, org_id, id_or_email);
        self.logged(draft, self.revoke_invitation_now(account_id, org_id, id_or_email)).await
    }

    async fn revoke_invitation_now(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_email: &str,
    ) -> Result<Invitation> {
        let mut invitation = self.find_invitation(account_id, org_id, id_or_email)?;
        let id = invitation.id;
        self.authed(account_id, |c, t| async move { c.revoke_invitation(&t, org_id, id).await }).await?;
        invitation.status = Some(InvitationStatus::Revoked);
        self.with_cache(|c| c.put_invitation(account_id, org_id, &invitation))?;
        Ok(invitation)
    }

    /// Changes a member's organization role (named by id or by name, see [`Core::org_role`]): assigns
    /// the new role first, then revokes the old ones, so a failure never leaves the member without a
    /// role. Logged in the activity log.
    pub async fn set_member_role(
        &self,
        account_id: &str,
        org_id: Uuid,
        who: &str,
        role: &str,
    ) -> Result<Vec<MemberRole>> {
        let draft = self.draft_role_change(account_id, org_id, who, role);
        self.logged(draft, self.set_member_role_now(account_id, org_id, who, role)).await
    }

    async fn set_member_role_now(
        &self,
        account_id: &str,
        org_id: Uuid,
        who: &str,
        role: &str,
    ) -> Result<Vec<MemberRole>> {
        let row = self.find_member(account_id, org_id, who)?;
        let user_id = row.user.as_ref().map(|u| u.id).ok_or_else(|| CoreError::not_found("not a user"))?;
        let role = self.org_role(account_id, org_id, role)?;
        let scope = RoleScope::default();
        let new_id = role.id;
        match self
            .authed(account_id, |c, t| async move {
                c.assign_role(&t, new_id, Assignee::User(user_id), scope).await
            })
            .await
        {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::Conflict => {} // already held
            Err(e) => return Err(e),
        }
        let mut roles: Vec<MemberRole> = Vec::new();
        for old in &row.roles {
            let direct_org_role = !old.via_team && old.level.is_none_or(|l| l == RoleLevel::Organization);
            if !direct_org_role || old.role_id == new_id {
                if old.role_id != new_id {
                    roles.push(old.clone());
                }
                continue;
            }
            let old_id = old.role_id;
            let revoked = self
                .authed(account_id, |c, t| async move {
                    c.revoke_role(&t, old_id, Assignee::User(user_id), scope).await
                })
                .await;
            match revoked {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => {
                    // The new role is held; keep the cache truthful about both and report it.
                    roles.push(old.clone());
                    roles.push(MemberRole {
                        role_id: new_id,
                        name: Some(role.name.clone()),
                        level: Some(RoleLevel::Organization),
                        via_team: false,
                    });
                    self.with_cache(|c| c.set_member_roles(account_id, org_id, user_id, &roles))?;
                    return Err(CoreError {
                        message: format!(
                            "{} now holds {}, but removing {} failed: {}",
                            who,
                            role.name,
                            old.label(),
                            e.message
                        ),
                        ..e
                    });
                }
            }
        }
        roles.push(MemberRole {
            role_id: new_id,
            name: Some(role.name.clone()),
            level: Some(RoleLevel::Organization),
            via_team: false,
        });
        self.with_cache(|c| c.set_member_roles(account_id, org_id, user_id, &roles))?;
        Ok(roles)
    }

    /// Removes a member from the organization (all their organization roles). Logged in the
    /// activity log.
    pub async fn remove_member(&self, account_id: &str, org_id: Uuid, who: &str) -> Result<()> {
        let draft = self.draft_removal(account_id, org_id, who);
        self.logged(draft, self.remove_member_now(account_id, org_id, who)).await
    }

    async fn remove_member_now(&self, account_id: &str, org_id: Uuid, who: &str) -> Result<()> {
        let row = self.find_member(account_id, org_id, who)?;
        let user_id = row.user.as_ref().map(|u| u.id).ok_or_else(|| CoreError::not_found("not a user"))?;
        self.authed(account_id, |c, t| async move { c.remove_member(&t, org_id, user_id).await }).await?;
        self.with_cache(|c| c.remove_member(account_id, org_id, user_id))?;
        Ok(())
    }

    /// Renames the organization and/or changes its description. Logged in the activity log.
    pub async fn update_organization(
        &self,
        account_id: &str,
        org_id: Uuid,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Organization> {
        let draft = self.draft_org_update(account_id, org_id, name.as_deref(), description.as_deref());
        self.logged(draft, self.update_organization_now(account_id, org_id, name, description)).await
    }

    async fn update_organization_now(
        &self,
        account_id: &str,
        org_id: Uuid,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Organization> {
        if let Some(n) = &name {
            check_org_name(n).map_err(|m| {
                CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
            })?;
        }
        if name.is_none() && description.is_none() {
            return Err(CoreError::invalid("nothing to change", Vec::new()));
        }
        let update =
            OrganizationUpdate { name: name.map(|n| n.trim().to_owned()), description, ..Default::default() };
        let org = self
            .authed(account_id, |c, t| {
                let update = update.clone();
                async move { c.update_organization(&t, org_id, &update).await }
            })
            .await?;
        self.with_cache(|c| c.put_organization(account_id, &org))?;
        Ok(org)
    }
}
