//! Handlers of the workspace routes: list (with filters), read by name or id, and change (rename,
//! describe, move to a desired state).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use uuid::Uuid;

use super::{lock, paged, require, ApiResult, Caller, Need};
use crate::error::{parse_body, path_uuid, ApiError, Params};
use crate::model::*;
use crate::AppState;

fn visible_workspace(db: &Db, ws: &Workspace, caller: Caller) -> Option<OrgAccess> {
    let a = db.access(ws.organization_id, caller.0)?;
    (a.can_read_all() || db.has_workspace_grant(ws, caller.0)).then_some(a)
}

pub async fn list_workspaces(State(st): State<Arc<AppState>>, caller: Caller, params: Params) -> ApiResult {
    params.page()?;
    let name = params.str("workspace_name");
    let url = params.str("url").map(|u| u.trim_end_matches('/'));
    let org_filter = params.uuid("organization_id")?;
    let status = params.str("status");
    if let Some(s) = status {
        if !WORKSPACE_STATUSES.contains(&s) {
            return Err(ApiError::invalid(
                &["query", "status"],
                format!("Input should be one of: {}", WORKSPACE_STATUSES.join(", ")),
                "enum",
            ));
        }
    }
    let member_only = params.bool("member_only")?.unwrap_or(false);
    let mut db = lock(&st);
    db.settle_workspaces(Instant::now());
    let items = db
        .workspaces
        .values()
        .filter(|w| name.is_none_or(|n| w.name == n))
        .filter(|w| url.is_none_or(|u| w.server_url == u || w.kitaru_url.as_deref() == Some(u)))
        .filter(|w| org_filter.is_none_or(|o| w.organization_id == o))
        .filter(|w| status.is_none_or(|s| w.status == s))
        .filter_map(|w| {
            let a = visible_workspace(&db, w, caller)?;
            // member_only: workspaces the caller can connect to: a workspace role, or Organization Admin.
            if member_only && !(db.has_workspace_grant(w, caller.0) || a.billing && a.can_manage()) {
                return None;
            }
            Some((w.name.clone(), w.id, db.workspace_json(st.config.dialect, w, a.billing)))
        })
        .collect();
    paged(items, &params)
}

fn find_workspace(db: &Db, name_or_id: &str) -> Option<Uuid> {
    match Uuid::parse_str(name_or_id) {
        Ok(id) => db.workspaces.contains_key(&id).then_some(id),
        Err(_) => db.workspaces.values().find(|w| w.name == name_or_id).map(|w| w.id),
    }
}

pub async fn get_workspace(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(name_or_id): Path<String>,
) -> ApiResult {
    let mut db = lock(&st);
    db.settle_workspaces(Instant::now());
    let ws = find_workspace(&db, &name_or_id)
        .and_then(|id| db.workspaces.get(&id))
        .ok_or_else(|| ApiError::not_found("Workspace", &name_or_id))?;
    let a =
        visible_workspace(&db, ws, caller).ok_or_else(|| ApiError::not_found("Workspace", &name_or_id))?;
    Ok(Json(db.workspace_json(st.config.dialect, ws, a.billing)))
}

#[derive(Deserialize)]
struct WorkspaceUpdate {
    name: Option<String>,
    desired_state: Option<String>,
    description: Option<String>,
    display_name: Option<String>,
}

pub async fn update_workspace(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let ws_id = path_uuid(&id, "workspace_id")?;
    let update: WorkspaceUpdate = parse_body(&body)?;
    if let Some(d) = &update.desired_state {
        if !DESIRED_STATES.contains(&d.as_str()) {
            return Err(ApiError::invalid(
                &["body", "desired_state"],
                format!("Input should be one of: {}", DESIRED_STATES.join(", ")),
                "enum",
            ));
        }
    }
    let now = Instant::now();
    let mut db = lock(&st);
    db.settle_workspaces(now);
    let ws = db.workspaces.get(&ws_id).ok_or_else(|| ApiError::not_found("Workspace", ws_id))?;
    let a = visible_workspace(&db, ws, caller).ok_or_else(|| ApiError::not_found("Workspace", ws_id))?;
    require(a, Need::Manage)?;
    if let Some(name) = &update.name {
        if !crate::grants::valid_workspace_name(name) {
            return Err(ApiError::invalid(
                &["body", "name"],
                "Workspace names are 1 to 50 lowercase letters, digits and '-'",
                "value_error",
            ));
        }
        if db.workspaces.values().any(|w| w.id != ws_id && w.name == *name) {
            return Err(ApiError::Conflict(format!("A workspace named '{name}' already exists")));
        }
    }
    let transition = st.config.workspace_transition;
    let ws = db.workspaces.get_mut(&ws_id).expect("checked");
    if let Some(n) = update.name {
        ws.name = n;
    }
    if let Some(d) = update.description {
        ws.description = Some(d);
    }
    if let Some(d) = update.display_name {
        ws.display_name = d;
    }
    if let Some(d) = update.desired_state {
        if d != ws.desired_state || d != ws.status {
            ws.desired_state = d;
            if transition.is_zero() {
                ws.transition_until = Some(now);
            } else {
                ws.status = "pending".into();
                ws.state_reason = format!("Moving to '{}'", ws.desired_state);
                ws.transition_until = Some(now + transition);
            }
            if ws.version.is_none() && ws.desired_state == "available" {
                ws.version = Some("0.84.0".into());
            }
        }
    }
    if transition.is_zero() {
        db.settle_workspaces(now);
    }
    let ws = &db.workspaces[&ws_id];
    Ok(Json(db.workspace_json(st.config.dialect, ws, a.billing)))
}
