//! What an invitation carries, and the JSON it is served as.
//!
//! An invitation holds its organization role (sent with it), any other role assigned to it since
//! (`POST /roles/{id}/assignments?invitation_id=[&workspace_id=]`) and the teams it was added to
//! (`POST /teams/{id}/members?invitation_id=`); they are the organization's grants and team members
//! whose holder is the invitation. Accepting it hands them all to the user; revoking it takes them
//! back.
//!
//! Served shape [P, this project's choice], default dialect:
//! `{id, email, organization_id, role: {id, name}|null, roles: [{id, name, level, workspace_id}],
//! teams: [{id, name}], inviter, status, created, expires}`: `roles` lists every role (the
//! invitation's own first, then other organization roles, then workspace roles by workspace and
//! name), `workspace_id` null for an organization role; `teams` by name.
//! Variant dialect: no `role`; organization roles as `{id, name}`, workspace roles as
//! `{role_id, workspace_id}` (no name, no level); `teams` as bare ids.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::model::{Db, Grant, Invitation, Level, Role, Subject};

impl Db {
    /// Organization-level roles an invitation brings: its own role first, then any other assigned to
    /// it since.
    fn invitation_org_roles(&self, inv: &Invitation) -> Vec<&Role> {
        let mut roles: Vec<&Role> = inv.role_id.and_then(|id| self.roles.get(&id)).into_iter().collect();
        if let Some(org) = self.orgs.get(&inv.organization_id) {
            for role in self.org_level_roles(org, Subject::Invitation(inv.id)) {
                if !roles.iter().any(|r| r.id == role.id) {
                    roles.push(role);
                }
            }
        }
        roles
    }

    /// Workspace roles assigned to an invitation: (role, workspace id), by workspace name then role.
    fn invitation_workspace_roles(&self, inv: &Invitation) -> Vec<(&Role, Uuid)> {
        let Some(org) = self.orgs.get(&inv.organization_id) else {
            return Vec::new();
        };
        let mut out: Vec<(&Role, Uuid)> = org
            .grants
            .get(&Subject::Invitation(inv.id))
            .into_iter()
            .flatten()
            .filter(|g| g.project_id.is_none())
            .filter_map(|g| Some((self.roles.get(&g.role_id)?, g.workspace_id?)))
            .filter(|(r, _)| r.level == Level::Workspace)
            .collect();
        let ws_name = |id: &Uuid| self.workspaces.get(id).map(|w| w.name.as_str()).unwrap_or("");
        out.sort_by(|a, b| (ws_name(&a.1), &a.0.name).cmp(&(ws_name(&b.1), &b.0.name)));
        out
    }

    pub fn invitation_json(&self, d: Dialect, inv: &Invitation, now: DateTime<Utc>) -> Value {
        let inviter = inv.inviter_id.and_then(|id| self.users.get(&id)).map(|u| Self::user_json(d, u));
        let org_roles = self.invitation_org_roles(inv);
        let ws_roles = self.invitation_workspace_roles(inv);
        let mut teams: Vec<_> = self.teams_of(inv.organization_id, Subject::Invitation(inv.id)).collect();
        teams.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
        let mut m = Map::new();
        m.insert("id".into(), json!(inv.id));
        m.insert("email".into(), json!(inv.email));
        m.insert("organization_id".into(), json!(inv.organization_id));
        if d.is_variant() {
            let mut roles: Vec<Value> = org_roles.iter().map(|r| Self::role_ref_json(d, r)).collect();
            roles.extend(
                ws_roles.iter().map(|(r, ws)| d.finish(json!({"role_id": r.id, "workspace_id": ws}))),
            );
            m.insert("roles".into(), Value::Array(roles));
            m.insert("teams".into(), teams.iter().map(|t| json!(t.id)).collect());
        } else {
            let role = inv.role_id.and_then(|id| self.roles.get(&id)).map(|r| Self::role_ref_json(d, r));
            m.insert("role".into(), json!(role));
            let entry = |r: &Role, ws: Option<Uuid>| {
                d.finish(json!({"id": r.id, "name": r.name, "level": r.level.as_str(), "workspace_id": ws}))
            };
            let mut roles: Vec<Value> = org_roles.iter().map(|r| entry(r, None)).collect();
            roles.extend(ws_roles.iter().map(|(r, ws)| entry(r, Some(*ws))));
            m.insert("roles".into(), Value::Array(roles));
            let teams: Vec<Value> =
                teams.iter().map(|t| d.finish(json!({"id": t.id, "name": t.name}))).collect();
            m.insert("teams".into(), Value::Array(teams));
        }
        m.insert("inviter".into(), json!(inviter));
        m.insert("status".into(), json!(inv.effective_status(now)));
        m.insert("created".into(), json!(inv.created));
        m.insert("expires".into(), json!(inv.expires));
        d.object(m)
    }

    /// An invitation is accepted by `user_id`: every role it held (organization, workspace, project)
    /// and every team it was in pass to the user; the invitation holds nothing any more.
    pub fn hand_over_invitation(&mut self, inv_id: Uuid, user_id: Uuid) {
        let Some(org_id) = self.invitations.get(&inv_id).map(|i| i.organization_id) else {
            return;
        };
        let own_role = self.invitations[&inv_id].role_id;
        if let Some(org) = self.orgs.get_mut(&org_id) {
            let mut grants = org.grants.remove(&Subject::Invitation(inv_id)).unwrap_or_default();
            grants.extend(own_role.map(Grant::org));
            if !grants.is_empty() {
                org.grants.entry(Subject::User(user_id)).or_default().extend(grants);
            }
        }
        let team_ids: Vec<Uuid> = self.teams_by_org.get(&org_id).cloned().unwrap_or_default();
        let now = Utc::now();
        for id in team_ids {
            if let Some(team) = self.teams.get_mut(&id) {
                if team.members.remove(&Subject::Invitation(inv_id)) {
                    team.members.insert(Subject::User(user_id));
                    team.updated = now;
                }
            }
        }
    }
}
