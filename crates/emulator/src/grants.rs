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
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::error::{parse_body, ApiError};
use crate::model::{Db, Grant, Role, Subject};
use crate::AppState;

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
