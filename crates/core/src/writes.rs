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
use zenml_cloud_api::{Invitation, MemberRole, Organization, Role, RoleLevel};

use crate::cache::Entity;
use crate::error::{CoreError, FieldMessage, Result};
pub use crate::pipeline::members::Removal;
use crate::pipeline::members::{RemoveMember, RemoveTarget, RevokeInvitation, SetRole, UpdateOrg};
use crate::service::Core;

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

    /// The organization role an invitation is sent with, and whether it was checked against the
    /// cached roles: as [`Core::org_role`], except when the organization's roles are not visible to
    /// the caller (a role that may invite but not list roles). Then a role id (UUID) is sent as given,
    /// unchecked (the server decides), named as the cache last knew it if it did; a name cannot be
    /// turned into an id, and is refused before any request.
    pub(crate) fn invite_role(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_name: &str,
    ) -> Result<(Role, bool)> {
        let hidden = self.with_cache(|c| c.sync_state(account_id, Some(org_id), Entity::Roles))?;
        if !hidden.is_some_and(|s| s.read.hidden) {
            return Ok((self.org_role(account_id, org_id, id_or_name)?, true));
        }
        let Ok(id) = Uuid::parse_str(id_or_name.trim()) else {
            return Err(CoreError::invalid(
                format!(
                    "the roles of this organization are not visible to your role, so {id_or_name:?} cannot \
                     be found; give the role's id instead (the server checks it), or ask an Organization Admin"
                ),
                vec![FieldMessage { field: "role".into(), message: "roles not visible".into() }],
            ));
        };
        let cached = self.with_cache(|c| c.role_by_id(account_id, org_id, id))?;
        let role = cached.unwrap_or_else(|| Role {
            id,
            name: id.to_string(),
            level: None,
            description: None,
            organization_id: Some(org_id),
            system_managed: None,
        });
        Ok((role, false))
    }

    /// Revokes an invitation (by id or email), once the server says it is still pending. Through the
    /// write pipeline (`pipeline`), so journaled.
    pub async fn revoke_invitation(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_email: &str,
    ) -> Result<Invitation> {
        self.run(account_id, org_id, &RevokeInvitation { id_or_email }).await
    }

    /// Makes `role` (by id or by name, see [`Core::org_role`]) the member's one direct organization
    /// role: the roles they hold on the server now are read first, the new one assigned, then every
    /// other direct organization role revoked, so a failure never leaves the member without a role.
    /// Roles held through a team stay, and the answer names them. Journaled.
    pub async fn set_member_role(
        &self,
        account_id: &str,
        org_id: Uuid,
        who: &str,
        role: &str,
    ) -> Result<Vec<MemberRole>> {
        self.run(account_id, org_id, &SetRole { who, role }).await
    }

    /// Removes a member from the organization (all their organization roles), once the server says
    /// they still are one: a member already gone is [`Removal::AlreadyGone`], not a failure. Journaled.
    pub async fn remove_member(&self, account_id: &str, org_id: Uuid, who: &str) -> Result<Removal> {
        self.run(account_id, org_id, &RemoveMember { target: RemoveTarget::Named(who.to_owned()) }).await
    }

    /// Renames the organization and/or changes its description. Journaled.
    pub async fn update_organization(
        &self,
        account_id: &str,
        org_id: Uuid,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Organization> {
        self.run(account_id, org_id, &UpdateOrg { name, description }).await
    }
}
