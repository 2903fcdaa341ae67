//! Workspace controls: `POST /_emulator/workspaces/status`, `/type`, `/fail` and `/settle`: a
//! workspace moves to a status at once, is served with any `workspace_type`, has its next transition
//! fail, or ends its transitions now.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::{parse_body, ApiError};
use crate::AppState;

#[derive(Deserialize)]
struct WorkspaceTypeBody {
    id: uuid::Uuid,
    workspace_type: String,
}

/// `POST /_emulator/workspaces/type` `{"id", "workspace_type"}`: a workspace is served with this
/// `workspace_type`, any text (a kind no client knows, say).
pub async fn set_workspace_type(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: WorkspaceTypeBody = parse_body(&body)?;
    let mut db = st.db.lock().expect("db lock");
    let ws = db.workspaces.get_mut(&body.id).ok_or_else(|| ApiError::not_found("Workspace", body.id))?;
    ws.workspace_type = body.workspace_type.clone();
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "id": body.id, "workspace_type": body.workspace_type })))
}

#[derive(Deserialize)]
struct WorkspaceStatusBody {
    id: uuid::Uuid,
    status: String,
}

/// `POST /_emulator/workspaces/status` `{"id", "status"}`: the control plane moves a workspace to a
/// status at once (`failed` included, which no client can ask for).
pub async fn set_workspace_status(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: WorkspaceStatusBody = parse_body(&body)?;
    if !crate::model::WORKSPACE_STATUSES.contains(&body.status.as_str()) {
        return Err(ApiError::invalid(
            &["body", "status"],
            format!("Input should be one of: {}", crate::model::WORKSPACE_STATUSES.join(", ")),
            "enum",
        ));
    }
    let mut db = st.db.lock().expect("db lock");
    let ws = db.workspaces.get_mut(&body.id).ok_or_else(|| ApiError::not_found("Workspace", body.id))?;
    ws.status = body.status.clone();
    ws.transition_until = None;
    ws.state_reason = if body.status == "failed" { "Deployment failed".into() } else { String::new() };
    if body.status != "failed" && body.status != "pending" {
        ws.desired_state = body.status.clone();
    }
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "id": body.id, "status": body.status })))
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
