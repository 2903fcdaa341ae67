//! What one member (or pending invitation) holds in an organization: their organization roles (from
//! the cached member row, directly or through a team), the teams they are in, and every workspace role
//! they hold there, directly or through one of those teams. Teams' members and workspaces' assignments
//! are read live from the server, a few at a time.

use futures::stream::{self, StreamExt};
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{MemberRole, Team};

use crate::error::Result;
use crate::grants::{AccessEntry, Grantee};
use crate::service::Core;

/// How many teams or workspaces are read from the server at once.
const AT_ONCE: usize = 6;

/// A role a member holds on a workspace, and the team it comes through (`None`: held directly).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeldRole {
    #[serde(flatten)]
    pub entry: AccessEntry,
    pub via_team: Option<String>,
}

/// Everything one member holds in an organization.
#[derive(Clone, Debug, Serialize)]
pub struct MemberAccess {
    pub grantee: Grantee,
    /// Their organization roles, as the cached member row has them (empty for an invitation).
    pub org_roles: Vec<MemberRole>,
    /// The teams they are in, by name.
    pub teams: Vec<String>,
    /// Their workspace roles, by workspace then role.
    pub workspace_roles: Vec<HeldRole>,
}

impl Core {
    /// What `who` (a member's or a pending invitation's email) holds in the organization: see the
    /// module's docs. Checked against the cache first (an unknown email is `invalid_input`, with no
    /// request); the reads after that are the server's to allow.
    pub async fn member_access(&self, account_id: &str, org_id: Uuid, who: &str) -> Result<MemberAccess> {
        let grantee = self.find_grantee(account_id, org_id, who)?;
        if grantee.kind == "team" {
            return Err(crate::error::CoreError::invalid(
                format!("{who} is a team; give a member's email"),
                Vec::new(),
            ));
        }
        let org_roles = if grantee.kind == "user" {
            self.find_member(account_id, org_id, &grantee.label).map(|m| m.roles).unwrap_or_default()
        } else {
            Vec::new()
        };
        let teams = self.teams(account_id, org_id)?;
        let teams: Vec<Team> = if teams.hidden { Vec::new() } else { teams.value };
        let mut theirs: Vec<Team> = Vec::new();
        let mut reads = stream::iter(teams.into_iter().map(|t| async move {
            let id = t.id;
            let listing =
                self.authed(account_id, |c, tok| async move { c.all_team_members(&tok, id).await }).await;
            (t, listing)
        }))
        .buffer_unordered(AT_ONCE);
        while let Some((team, listing)) = reads.next().await {
            let rows = listing?.items;
            let member = rows.iter().any(|r| {
                r.user.as_ref().is_some_and(|u| u.id == grantee.id)
                    || r.invitation.as_ref().is_some_and(|i| i.id == grantee.id)
            });
            if member {
                theirs.push(team);
            }
        }
        drop(reads);
        theirs.sort_by_key(|t| t.name.to_lowercase());

        let workspaces = self.workspaces(account_id, org_id)?.value;
        let mut reads = stream::iter(workspaces.into_iter().map(|w| async move {
            let id = w.id.to_string();
            self.workspace_access(account_id, org_id, &id).await
        }))
        .buffer_unordered(AT_ONCE);
        let mut held = Vec::new();
        while let Some(entries) = reads.next().await {
            for entry in entries? {
                if entry.holder_id == grantee.id && entry.kind == grantee.kind {
                    held.push(HeldRole { entry, via_team: None });
                } else if entry.kind == "team" {
                    if let Some(t) = theirs.iter().find(|t| t.id == entry.holder_id) {
                        held.push(HeldRole { via_team: Some(t.name.clone()), entry });
                    }
                }
            }
        }
        held.sort_by(|a, b| {
            (a.entry.workspace.as_deref(), &a.entry.role, a.via_team.as_deref()).cmp(&(
                b.entry.workspace.as_deref(),
                &b.entry.role,
                b.via_team.as_deref(),
            ))
        });
        Ok(MemberAccess {
            grantee,
            org_roles,
            teams: theirs.into_iter().map(|t| t.name).collect(),
            workspace_roles: held,
        })
    }
}
