//! Who holds which role where: the read routes of role assignments, their JSON shape, and the
//! controls that end or fail a workspace's transition.
//!
//! - `GET /workspaces/{name_or_id}/assignments`: every role held on the workspace (workspace- and
//!   project-level), by users, teams and pending invitations.
//! - `GET /roles/{role_id}/assignments[?workspace_id=]`: who holds one role, and where (the
//!   organization, or which workspace).
//!
//! Both are lists (offset/limit, a bare array) of `Assignment` rows [P, this project's shape]:
//! `{role_id, role: {id, name}, level, workspace_id, project_id, user, team, invitation}` with exactly
//! one of `user`, `team`, `invitation` set. The variant dialect leaves out `role` and `level` (clients
//! resolve names from the organization's roles by `role_id`). Reading needs read access to the whole
//! organization (Organization Members get 403).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::Caller;
use crate::dialect::Dialect;
use crate::error::{parse_body, path_uuid, ApiError, Params};
use crate::model::{Db, Grant, Role, Subject};
use crate::AppState;

type ApiResult = Result<Json<Value>, ApiError>;

/// One assignment row; `None` when its holder no longer exists (or is an invitation no longer pending).
pub fn assignment_json(
    db: &Db,
    d: Dialect,
    role: &Role,
    subject: Subject,
    grant: &Grant,
    now: DateTime<Utc>,
) -> Option<Value> {
    let (user, team, invitation) = match subject {
        Subject::User(u) => (Some(Db::user_json(d, db.users.get(&u)?)), None, None),
        Subject::Team(t) => (None, Some(Db::team_json(d, db.teams.get(&t)?)), None),
        Subject::Invitation(i) => {
            let inv = db.invitations.get(&i).filter(|i| i.effective_status(now) == "pending")?;
            (None, None, Some(db.invitation_json(d, inv, now)))
        }
    };
    let mut v = json!({
        "role_id": role.id,
        "role": Db::role_ref_json(d, role),
        "level": role.level.as_str(),
        "workspace_id": grant.workspace_id,
        "project_id": grant.project_id,
        "user": user,
        "team": team,
        "invitation": invitation,
    });
    if d.is_variant() {
        if let Some(m) = v.as_object_mut() {
            m.remove("role");
            m.remove("level");
        }
    }
    Some(d.finish(v))
}

/// The sort key of an assignment row: the holder's email or name, then the role's name.
fn holder_key(db: &Db, subject: Subject, role: &Role) -> String {
    let who = match subject {
        Subject::User(u) => db.users.get(&u).map(|u| u.email.to_lowercase()),
        Subject::Team(t) => db.teams.get(&t).map(|t| t.name.to_lowercase()),
        Subject::Invitation(i) => db.invitations.get(&i).map(|i| i.email.to_lowercase()),
    };
    format!("{}\u{0}{}", who.unwrap_or_default(), role.name)
}

fn require_read_all(db: &Db, org_id: Uuid, caller: Caller) -> Result<(), ApiError> {
    let a = db.access(org_id, caller.0).ok_or_else(|| ApiError::not_found("Organization", org_id))?;
    if a.can_read_all() {
        Ok(())
    } else {
        Err(ApiError::Forbidden("Organization Members cannot list role assignments".into()))
    }
}

fn paged(mut items: Vec<(String, Uuid, Value)>, params: &Params) -> ApiResult {
    let page = params.page()?;
    items.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(Json(Value::Array(page.apply(items).into_iter().map(|(_, _, v)| v).collect())))
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
    let db = st.db.lock().expect("db lock");
    let ws = match Uuid::parse_str(&name_or_id) {
        Ok(id) => db.workspaces.get(&id),
        Err(_) => db.workspaces.values().find(|w| w.name == name_or_id),
    }
    .ok_or_else(|| ApiError::not_found("Workspace", &name_or_id))?;
    if db.access(ws.organization_id, caller.0).is_none() {
        return Err(ApiError::not_found("Workspace", &name_or_id));
    }
    require_read_all(&db, ws.organization_id, caller)?;
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
    let db = st.db.lock().expect("db lock");
    let role = db.roles.get(&role_id).ok_or_else(|| ApiError::not_found("Role", role_id))?;
    if db.access(role.organization_id, caller.0).is_none() {
        return Err(ApiError::not_found("Role", role_id));
    }
    require_read_all(&db, role.organization_id, caller)?;
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailBody {
    /// The workspace whose next transition fails; none: the next transition of any workspace.
    id: Option<Uuid>,
    reason: Option<String>,
}

/// `POST /_emulator/workspaces/fail` `{"id"?, "reason"?}`: the next transition (of that workspace, or
/// of any) ends in `failed` with `reason` as its `state_reason`, instead of in its desired state.
pub async fn fail_next_transition(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: FailBody = parse_body(&body)?;
    let reason = body.reason.unwrap_or_else(|| "The workspace could not change state".into());
    let mut db = st.db.lock().expect("db lock");
    if let Some(id) = body.id {
        if !db.workspaces.contains_key(&id) {
            return Err(ApiError::not_found("Workspace", id));
        }
    }
    db.workspace_failures.push((body.id, reason.clone()));
    Ok(Json(json!({ "id": body.id, "reason": reason })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettleBody {
    id: Option<Uuid>,
}

/// `POST /_emulator/workspaces/settle` `{"id"?}`: transitions in progress (of that workspace, or all)
/// end now.
pub async fn settle_now(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: SettleBody = parse_body(&body)?;
    let mut db = st.db.lock().expect("db lock");
    let now = Instant::now();
    let mut settled = Vec::new();
    for ws in db.workspaces.values_mut() {
        if ws.transition_until.is_some() && body.id.is_none_or(|id| id == ws.id) {
            ws.transition_until = Some(now);
            settled.push(ws.id);
        }
    }
    db.settle_workspaces(now);
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "settled": settled })))
}

/// Workspace names: 1 to 50 characters, lowercase ASCII letters, digits and `-`, starting with a letter
/// or digit.
pub fn valid_workspace_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 50
        && !name.starts_with('-')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
