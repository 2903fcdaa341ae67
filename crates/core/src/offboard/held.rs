//! What the person holds in an organization that the cache does not show, read from the server:
//! workspace and project roles held directly, and team memberships.

use uuid::Uuid;
use zenml_cloud_api::{Assignee, RoleLevel};

use crate::error::{ErrorCode, Result};
use crate::service::Core;
use crate::steps::StepAction;

/// A workspace or project role the person holds directly, read from the server.
#[derive(Clone, Debug)]
pub(super) struct HeldRole {
    pub(super) role_id: Uuid,
    pub(super) role: String,
    pub(super) workspace_id: Option<Uuid>,
    pub(super) project_id: Option<Uuid>,
    /// The workspace's name (else id), or "project <id> in <workspace>".
    pub(super) place: String,
}

/// What the person holds in an organization that the cache does not show.
#[derive(Clone, Debug, Default)]
pub(super) struct HeldOnServer {
    pub(super) roles: Vec<HeldRole>,
    /// (team id, name), by name.
    pub(super) teams: Vec<(Uuid, String)>,
    /// Whether the teams' members were read.
    pub(super) teams_read: bool,
    /// What could not be read (the step it would have been), and why.
    pub(super) unread: Vec<(StepAction, String)>,
}
impl Core {
    /// The person's workspace and project roles (held directly) and their teams in one organization,
    /// read from the server through the account: one request per workspace- or project-level role
    /// the cache knows, and one per cached team. What cannot be read is said, not an error.
    pub(super) async fn held_on_server(
        &self,
        account_id: &str,
        org_id: Uuid,
        user_id: Uuid,
    ) -> Result<HeldOnServer> {
        let mut held = HeldOnServer::default();
        let could_not = |what: &str, why: &str| format!("their {what} could not be read: {why}");
        // Roles: every role that is not of the organization's level (a role without a level too).
        match self.scoped_roles_held(account_id, org_id, user_id).await {
            Ok(roles) => held.roles = roles,
            Err(why) => {
                held.unread.push((StepAction::RevokeRole, could_not("workspace and project roles", &why)))
            }
        }
        match self.teams_joined(account_id, org_id, user_id).await {
            Ok(teams) => {
                held.teams = teams;
                held.teams_read = true;
            }
            Err(why) => held.unread.push((StepAction::LeaveTeam, could_not("team memberships", &why))),
        }
        Ok(held)
    }

    async fn scoped_roles_held(
        &self,
        account_id: &str,
        org_id: Uuid,
        user_id: Uuid,
    ) -> std::result::Result<Vec<HeldRole>, String> {
        let roles = match self.roles(account_id, org_id) {
            Ok(r) if r.hidden => return Err("the organization's roles are not visible to your role".into()),
            Ok(r) => r.value,
            Err(e) => return Err(format!("the organization's roles are not cached ({})", e.message)),
        };
        let workspaces = self.workspaces(account_id, org_id).map(|w| w.value).unwrap_or_default();
        let mut out = Vec::new();
        for role in roles.iter().filter(|r| r.level != Some(RoleLevel::Organization)) {
            let (role_id, who) = (role.id, Assignee::User(user_id));
            let rows = match self
                .authed(account_id, |c, t| async move { c.holder_assignments(&t, role_id, who).await })
                .await
            {
                Ok(rows) => rows,
                // A role deleted since the cache saw it: nobody holds it.
                Err(e) if e.code == ErrorCode::NotFound => continue,
                Err(e) => return Err(e.message),
            };
            for a in rows.into_iter().filter(|a| !a.org_wide()) {
                if out.iter().any(|h: &HeldRole| {
                    h.role_id == a.role_id && h.workspace_id == a.workspace_id && h.project_id == a.project_id
                }) {
                    continue;
                }
                let ws = a.workspace_id.map(|w| {
                    workspaces.iter().find(|x| x.id == w).map_or_else(|| w.to_string(), |x| x.name.clone())
                });
                let place = match (a.project_id, ws) {
                    (Some(p), Some(ws)) => format!("project {p} in {ws}"),
                    (Some(p), None) => format!("project {p}"),
                    (None, Some(ws)) => ws,
                    (None, None) => continue,
                };
                out.push(HeldRole {
                    role_id: a.role_id,
                    role: a.role_name.clone().unwrap_or_else(|| role.name.clone()),
                    workspace_id: a.workspace_id,
                    project_id: a.project_id,
                    place,
                });
            }
        }
        out.sort_by(|a, b| (&a.place, &a.role).cmp(&(&b.place, &b.role)));
        Ok(out)
    }

    async fn teams_joined(
        &self,
        account_id: &str,
        org_id: Uuid,
        user_id: Uuid,
    ) -> std::result::Result<Vec<(Uuid, String)>, String> {
        let teams = match self.teams(account_id, org_id) {
            Ok(t) if t.hidden => return Err("the organization's teams are not visible to your role".into()),
            Ok(t) => t.value,
            Err(e) => return Err(format!("the organization's teams are not cached ({})", e.message)),
        };
        let mut out = Vec::new();
        for team in teams {
            let id = team.id;
            match self.authed(account_id, |c, t| async move { c.all_team_members(&t, id).await }).await {
                Ok(l) if l.items.iter().any(|r| r.user.as_ref().is_some_and(|u| u.id == user_id)) => {
                    out.push((team.id, team.name))
                }
                Ok(_) => {}
                // A team deleted since the cache saw it.
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => return Err(e.message),
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }
}
