//! Scoped roles: give a user (by email), a team (by name) or a pending invitation (by email) a
//! workspace role, take it back, and read who holds what on a workspace or who holds a role.
//!
//! Every write goes through the write pipeline (`pipeline::grants`) and is checked before any request:
//! a valid email that names exactly one member or pending invitation, a team the cache knows, a
//! workspace the cache knows, and a role of the workspace level (an organization or project role is
//! `invalid_input`). What the holder holds is then read from the server right before acting. The
//! server's 403 decides whether the user may. Role assignments are read live from the server (they are
//! not a cached list), so a grant or revoke leaves nothing stale behind.

use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{Assignee, Holder, Role, RoleAssignment, RoleLevel, TeamMember, Workspace};

use crate::cache::Entity;
use crate::error::{CoreError, FieldMessage, Result};
use crate::pipeline::grants::{GrantRole, Named, RevokeGrant};
use crate::service::Core;
use crate::validate::check_email;

/// Who a scoped role goes to, resolved from the cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grantee {
    /// `user`, `team` or `invitation`.
    pub kind: &'static str,
    pub id: Uuid,
    /// The email, or the team's name.
    pub label: String,
}

impl Grantee {
    pub(crate) fn assignee(&self) -> Assignee {
        match self.kind {
            "team" => Assignee::Team(self.id),
            "invitation" => Assignee::Invitation(self.id),
            _ => Assignee::User(self.id),
        }
    }
}

/// One role held somewhere, as the access and role listings show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccessEntry {
    pub role_id: Uuid,
    /// The role's name (from the server, else the cached roles, else its id).
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<RoleLevel>,
    /// `None`: the organization.
    pub workspace_id: Option<Uuid>,
    /// The workspace's name when the cache knows it.
    pub workspace: Option<String>,
    /// `user`, `team` or `invitation`.
    pub kind: &'static str,
    pub holder_id: Uuid,
    /// An email (user, invitation) or a team's name.
    pub holder: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

fn bad(field: &str, message: String) -> CoreError {
    CoreError::invalid(message.clone(), vec![FieldMessage { field: field.into(), message }])
}

impl Core {
    /// A role of the organization by id or name (any level), from the cache.
    pub fn find_role(&self, account_id: &str, org_id: Uuid, id_or_name: &str) -> Result<Role> {
        let needle = id_or_name.trim();
        if let Ok(id) = Uuid::parse_str(needle) {
            if let Some(role) = self.with_cache(|c| c.role_by_id(account_id, org_id, id))? {
                return Ok(role);
            }
        }
        let hidden = self.with_cache(|c| c.sync_state(account_id, Some(org_id), Entity::Roles))?;
        if hidden.is_some_and(|s| s.read.hidden) {
            return Err(bad("role", "the roles of this organization are not visible to your role".into()));
        }
        if let Some(role) = self.with_cache(|c| c.roles_named(account_id, org_id, needle))?.into_iter().next()
        {
            return Ok(role);
        }
        let names: Vec<String> = self.roles(account_id, org_id)?.value.into_iter().map(|r| r.name).collect();
        Err(bad("role", format!("no role {needle:?} in this organization; roles: {}", names.join(", "))))
    }

    /// A workspace-level role by id or name; an organization or project role is `invalid_input`.
    pub fn workspace_role(&self, account_id: &str, org_id: Uuid, id_or_name: &str) -> Result<Role> {
        let role = self.find_role(account_id, org_id, id_or_name)?;
        match role.level {
            Some(RoleLevel::Workspace) | None => Ok(role),
            Some(level) => {
                let names: Vec<String> = self
                    .roles(account_id, org_id)?
                    .value
                    .into_iter()
                    .filter(|r| r.level == Some(RoleLevel::Workspace))
                    .map(|r| r.name)
                    .collect();
                Err(bad(
                    "role",
                    format!(
                        "{} is a {}-level role, not a workspace role; choose one of: {}",
                        role.name,
                        level.as_str(),
                        names.join(", ")
                    ),
                ))
            }
        }
    }

    /// Who `who` names: an email names its one user member, else its one pending invitation (exact
    /// after ASCII case folding only, never the first of several: see `resolve`); anything without an
    /// `@` is a team, by id or its unique name.
    pub fn find_grantee(&self, account_id: &str, org_id: Uuid, who: &str) -> Result<Grantee> {
        let needle = who.trim();
        if needle.contains('@') {
            check_email(needle).map_err(|m| bad("email", format!("{needle}: {m}")))?;
            return match self.member_or_invitation(account_id, org_id, needle)? {
                Some((TeamMember::User(id), label)) => Ok(Grantee { kind: "user", id, label }),
                Some((TeamMember::Invitation(id), label)) => Ok(Grantee { kind: "invitation", id, label }),
                None => {
                    Err(bad("who", format!("{needle} is neither a member nor invited to this organization")))
                }
            };
        }
        // A team: by id or its unique name, as every team command resolves one.
        let t = self.find_team(account_id, org_id, needle)?;
        Ok(Grantee { kind: "team", id: t.id, label: t.name })
    }

    /// Gives `who` (a member's email, a pending invitation's email, or a team's name) a workspace role
    /// on a workspace. What `who` holds there is read from the server first: already holding it is not
    /// an error, and nothing is sent. Journaled.
    pub async fn grant_workspace_role(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
        who: &str,
        role: &str,
    ) -> Result<AccessEntry> {
        self.run(account_id, org_id, &GrantRole(Named { workspace, who, role })).await
    }

    /// Takes a workspace role on a workspace back from `who` (see [`Core::grant_workspace_role`]). Not
    /// holding it on the server now is `not_found`, and says so. Journaled.
    pub async fn revoke_workspace_role(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
        who: &str,
        role: &str,
    ) -> Result<AccessEntry> {
        self.run(account_id, org_id, &RevokeGrant(Named { workspace, who, role })).await
    }

    /// Who holds which role on a workspace (read from the server), by holder then role.
    pub async fn workspace_access(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
    ) -> Result<Vec<AccessEntry>> {
        let ws = self.find_workspace(account_id, org_id, workspace)?;
        let id = ws.id;
        let listing =
            self.authed(account_id, |c, t| async move { c.all_workspace_assignments(&t, id).await }).await?;
        if listing.notes.skipped > 0 {
            tracing::warn!(
                skipped = listing.notes.skipped,
                "assignment rows that could not be read were skipped"
            );
        }
        self.entries(account_id, org_id, listing.items)
    }

    /// Who holds a role (any level), and where: the organization or which workspace.
    pub async fn role_holders(
        &self,
        account_id: &str,
        org_id: Uuid,
        role: &str,
    ) -> Result<(Role, Vec<AccessEntry>)> {
        let role = self.find_role(account_id, org_id, role)?;
        let id = role.id;
        let listing =
            self.authed(account_id, |c, t| async move { c.all_role_assignments(&t, id, None).await }).await?;
        if listing.notes.skipped > 0 {
            tracing::warn!(
                skipped = listing.notes.skipped,
                "assignment rows that could not be read were skipped"
            );
        }
        Ok((role, self.entries(account_id, org_id, listing.items)?))
    }

    fn entries(&self, account_id: &str, org_id: Uuid, rows: Vec<RoleAssignment>) -> Result<Vec<AccessEntry>> {
        let roles = self.roles(account_id, org_id)?.value;
        let workspaces = self.workspaces(account_id, org_id)?.value;
        let mut out: Vec<AccessEntry> = rows
            .into_iter()
            .map(|a| {
                let cached = roles.iter().find(|r| r.id == a.role_id);
                let (kind, holder_id, holder, name) = match &a.holder {
                    Holder::User(u) => {
                        ("user", u.id, u.email.clone().unwrap_or_else(|| u.id.to_string()), u.name.clone())
                    }
                    Holder::Team(t) => ("team", t.id, t.name.clone(), None),
                    Holder::Invitation(i) => ("invitation", i.id, i.email.clone(), None),
                };
                AccessEntry {
                    role_id: a.role_id,
                    role: a
                        .role_name
                        .or_else(|| cached.map(|r| r.name.clone()))
                        .unwrap_or_else(|| a.role_id.to_string()),
                    level: a.level.or_else(|| cached.and_then(|r| r.level)),
                    workspace_id: a.workspace_id,
                    workspace: a
                        .workspace_id
                        .and_then(|w| workspaces.iter().find(|x| x.id == w))
                        .map(|w| w.name.clone()),
                    kind,
                    holder_id,
                    holder,
                    name,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.workspace.as_deref(), a.holder.to_lowercase(), &a.role).cmp(&(
                b.workspace.as_deref(),
                b.holder.to_lowercase(),
                &b.role,
            ))
        });
        Ok(out)
    }
}

pub(crate) fn entry_for(ws: &Workspace, grantee: &Grantee, role: &Role) -> AccessEntry {
    AccessEntry {
        role_id: role.id,
        role: role.name.clone(),
        level: role.level,
        workspace_id: Some(ws.id),
        workspace: Some(ws.name.clone()),
        kind: grantee.kind,
        holder_id: grantee.id,
        holder: grantee.label.clone(),
        name: None,
    }
}
