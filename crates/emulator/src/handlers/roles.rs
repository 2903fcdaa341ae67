//! Handlers of roles and role assignments: the role list, assigning and revoking a role, and the
//! assignment lists of a workspace and of a role (shapes in `grants.rs`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use serde_json::Value;
use uuid::Uuid;

use super::members::is_admin_grant;
use super::{access, lock, paged, require, ApiResult, Caller, Need, OrgCaller};
use crate::error::{path_uuid, ApiError, Params};
use crate::grants::assignment_json;
use crate::model::*;
use crate::AppState;

pub async fn list_roles(State(st): State<Arc<AppState>>, oc: OrgCaller, params: Params) -> ApiResult {
    let org_id = oc.org_id;
    let level = match params.str("level") {
        None => None,
        Some(l) => Some(Level::parse(l).ok_or_else(|| {
            ApiError::invalid(
                &["query", "level"],
                "Input should be 'organization', 'workspace' or 'project'",
                "enum",
            )
        })?),
    };
    let name = params.str("name");
    params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    oc.require(&db, Need::RolesAndTeams(d))?;
    let items = db
        .roles
        .values()
        .filter(|r| r.organization_id == org_id)
        .filter(|r| level.is_none_or(|l| r.level == l))
        .filter(|r| name.is_none_or(|n| r.name == n))
        .map(|r| (r.name.clone(), r.id, Db::role_json(d, r)))
        .collect();
    paged(items, &params)
}

/// The subject and scope of a role-assignment request, checked against the role's organization.
fn assignment_target(db: &Db, role: &Role, params: &Params) -> Result<(Subject, Grant), ApiError> {
    let org_id = role.organization_id;
    let user = params.uuid("user_id")?;
    let invitation = params.uuid("invitation_id")?;
    let team = params.uuid("team_id")?;
    let subject = match (user, invitation, team) {
        (Some(u), None, None) => {
            if !db.users.contains_key(&u) {
                return Err(ApiError::not_found("User", u));
            }
            Subject::User(u)
        }
        (None, Some(i), None) => {
            if db.invitations.get(&i).map(|x| x.organization_id) != Some(org_id) {
                return Err(ApiError::not_found("Invitation", i));
            }
            Subject::Invitation(i)
        }
        (None, None, Some(t)) => {
            if db.teams.get(&t).map(|x| x.organization_id) != Some(org_id) {
                return Err(ApiError::not_found("Team", t));
            }
            Subject::Team(t)
        }
        _ => {
            return Err(ApiError::invalid(
                &["query", "user_id"],
                "Give exactly one of user_id, invitation_id and team_id",
                "value_error",
            ))
        }
    };
    let workspace_id = params.uuid("workspace_id")?;
    let project_id = params.uuid("project_id")?;
    if let Some(w) = workspace_id {
        if db.workspaces.get(&w).map(|x| x.organization_id) != Some(org_id) {
            return Err(ApiError::not_found("Workspace", w));
        }
    }
    match role.level {
        Level::Organization if workspace_id.is_some() || project_id.is_some() => {
            return Err(ApiError::invalid(
                &["query", "workspace_id"],
                "An organization-level role takes no workspace_id or project_id",
                "value_error",
            ))
        }
        Level::Workspace if workspace_id.is_none() || project_id.is_some() => {
            return Err(ApiError::invalid(
                &["query", "workspace_id"],
                "A workspace-level role needs a workspace_id (and no project_id)",
                "value_error",
            ))
        }
        Level::Project if workspace_id.is_none() || project_id.is_none() => {
            return Err(ApiError::invalid(
                &["query", "project_id"],
                "A project-level role needs a workspace_id and a project_id",
                "value_error",
            ))
        }
        _ => {}
    }
    Ok((subject, Grant { role_id: role.id, workspace_id, project_id }))
}

pub async fn assign_role(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let role_id = path_uuid(&id, "role_id")?;
    let mut db = lock(&st);
    let role = db.roles.get(&role_id).cloned().ok_or_else(|| ApiError::not_found("Role", role_id))?;
    require(access(&db, role.organization_id, caller)?, Need::Manage)?;
    let (subject, grant) = assignment_target(&db, &role, &params)?;
    let org = db.orgs.get_mut(&role.organization_id).expect("role's org");
    if !org.grants.entry(subject).or_default().insert(grant) {
        return Err(ApiError::Conflict(format!("The role '{}' is already assigned", role.name)));
    }
    Ok(Json(Value::Null))
}

pub async fn revoke_role(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let role_id = path_uuid(&id, "role_id")?;
    let mut db = lock(&st);
    let role = db.roles.get(&role_id).cloned().ok_or_else(|| ApiError::not_found("Role", role_id))?;
    require(access(&db, role.organization_id, caller)?, Need::Manage)?;
    let (subject, grant) = assignment_target(&db, &role, &params)?;
    let org = &db.orgs[&role.organization_id];
    if !org.grants.get(&subject).is_some_and(|g| g.contains(&grant)) {
        return Err(ApiError::NotFound(format!("The role '{}' is not assigned to it", role.name)));
    }
    if matches!(subject, Subject::User(_)) && is_admin_grant(&db, &grant) && db.direct_admins(org).len() <= 1
    {
        return Err(ApiError::Conflict(
            "Cannot revoke the last Organization Admin of the organization".into(),
        ));
    }
    let org = db.orgs.get_mut(&role.organization_id).expect("role's org");
    let set = org.grants.get_mut(&subject).expect("checked");
    set.remove(&grant);
    if set.is_empty() {
        org.grants.remove(&subject);
    }
    Ok(Json(Value::Null))
}

fn holder_key(db: &Db, subject: Subject, role: &Role) -> String {
    let who = match subject {
        Subject::User(u) => db.users.get(&u).map(|u| u.email.to_lowercase()),
        Subject::Team(t) => db.teams.get(&t).map(|t| t.name.to_lowercase()),
        Subject::Invitation(i) => db.invitations.get(&i).map(|i| i.email.to_lowercase()),
    };
    format!("{}\u{0}{}", who.unwrap_or_default(), role.name)
}

/// `GET /workspaces/{name_or_id}/assignments`.
pub async fn workspace_assignments(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(name_or_id): Path<String>,
    params: Params,
) -> ApiResult {
    params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    let ws = match Uuid::parse_str(&name_or_id) {
        Ok(id) => db.workspaces.get(&id),
        Err(_) => db.workspaces.values().find(|w| w.name == name_or_id),
    }
    .ok_or_else(|| ApiError::not_found("Workspace", &name_or_id))?;
    if db.access(ws.organization_id, caller.0).is_none() {
        return Err(ApiError::not_found("Workspace", &name_or_id));
    }
    require(access(&db, ws.organization_id, caller)?, Need::ReadAssignments)?;
    let org = &db.orgs[&ws.organization_id];
    let now = Utc::now();
    let mut items = Vec::new();
    for (subject, grants) in &org.grants {
        for g in grants.iter().filter(|g| g.workspace_id == Some(ws.id)) {
            let Some(role) = db.roles.get(&g.role_id) else { continue };
            if let Some(v) = assignment_json(&db, d, role, *subject, g, now) {
                items.push((holder_key(&db, *subject, role), role.id, v));
            }
        }
    }
    paged(items, &params)
}

/// `GET /roles/{role_id}/assignments[?workspace_id=][&user_id=|team_id=|invitation_id=]`: the holder
/// filters are this project's [P], so a write can read one holder's assignments before acting.
pub async fn role_assignments(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let role_id = path_uuid(&id, "role_id")?;
    let workspace = params.uuid("workspace_id")?;
    let holder = match (params.uuid("user_id")?, params.uuid("team_id")?, params.uuid("invitation_id")?) {
        (Some(u), _, _) => Some(Subject::User(u)),
        (None, Some(t), _) => Some(Subject::Team(t)),
        (None, None, Some(i)) => Some(Subject::Invitation(i)),
        (None, None, None) => None,
    };
    params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    let role = db.roles.get(&role_id).ok_or_else(|| ApiError::not_found("Role", role_id))?;
    if db.access(role.organization_id, caller.0).is_none() {
        return Err(ApiError::not_found("Role", role_id));
    }
    require(access(&db, role.organization_id, caller)?, Need::ReadAssignments)?;
    let org = &db.orgs[&role.organization_id];
    let now = Utc::now();
    let mut items = Vec::new();
    for (subject, grants) in org.grants.iter().filter(|(s, _)| holder.is_none_or(|h| h == **s)) {
        for g in grants.iter().filter(|g| g.role_id == role_id) {
            if workspace.is_some_and(|w| g.workspace_id != Some(w)) {
                continue;
            }
            if let Some(v) = assignment_json(&db, d, role, *subject, g, now) {
                let ws_name = g.workspace_id.and_then(|w| db.workspaces.get(&w)).map(|w| w.name.clone());
                let key = format!("{}\u{0}{}", ws_name.unwrap_or_default(), holder_key(&db, *subject, role));
                items.push((key, g.workspace_id.unwrap_or_default(), v));
            }
        }
    }
    paged(items, &params)
}

// ---- controls ----
