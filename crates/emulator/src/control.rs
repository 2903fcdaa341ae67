//! Test controls under `/_emulator/` (fault rules, token revocation, device decisions, request stats)
//! and the middleware that applies fault rules and counts requests on every other route.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::error::{parse_body, ApiError};
use crate::AppState;

/// Prefix of the control routes; faults and stats never apply to it.
pub const CONTROL_PREFIX: &str = "/_emulator/";

/// Inserted into every request by the connection loop; notifying it closes the connection at once.
#[derive(Clone)]
pub struct ConnectionKiller(pub Arc<Notify>);

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    Latency,
    Status,
    RateLimit,
    Drop,
    Malformed,
}

/// One fault rule, as posted to `POST /_emulator/faults`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    pub kind: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

impl FaultRule {
    fn matches(&self, method: &str, path: &str) -> bool {
        self.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
    }

    fn validate(&self) -> Result<(), ApiError> {
        let bad = |field: &str, msg: &str| Err(ApiError::invalid(&["body", field], msg, "value_error"));
        match self.kind {
            FaultKind::Latency if self.ms.is_none() => return bad("ms", "latency needs ms"),
            FaultKind::Status => match self.status {
                Some(s) if StatusCode::from_u16(s).is_ok() && s >= 200 => {}
                _ => return bad("status", "status needs an HTTP status code (200-999)"),
            },
            _ => {}
        }
        if self.ratio.is_some_and(|r| !(0.0..=1.0).contains(&r)) {
            return bad("ratio", "ratio must be between 0 and 1");
        }
        if self.count == Some(0) {
            return bad("count", "count must be at least 1");
        }
        Ok(())
    }
}

pub struct FaultState {
    rules: Vec<FaultRule>,
    rng: StdRng,
}

impl Default for FaultState {
    fn default() -> Self {
        FaultState { rules: Vec::new(), rng: StdRng::seed_from_u64(0x5eed) }
    }
}

enum Action {
    Status(u16),
    RateLimit(u64),
    Drop,
    Malformed,
}

impl FaultState {
    /// The added latency and the fault (if any) for one request; uses up counted rules.
    fn pick(&mut self, method: &str, path: &str) -> (Duration, Option<Action>) {
        let mut latency = 0u64;
        let mut action = None;
        let mut i = 0;
        while i < self.rules.len() {
            let rule = &self.rules[i];
            let fires = rule.matches(method, path)
                && (rule.kind == FaultKind::Latency || action.is_none())
                && rule.ratio.is_none_or(|r| self.rng.random::<f64>() < r);
            if !fires {
                i += 1;
                continue;
            }
            match rule.kind {
                FaultKind::Latency => latency += rule.ms.unwrap_or(0),
                FaultKind::Status => action = Some(Action::Status(rule.status.unwrap_or(500))),
                FaultKind::RateLimit => action = Some(Action::RateLimit(rule.retry_after.unwrap_or(1))),
                FaultKind::Drop => action = Some(Action::Drop),
                FaultKind::Malformed => action = Some(Action::Malformed),
            }
            let rule = &mut self.rules[i];
            if let Some(c) = rule.count.as_mut() {
                *c -= 1;
                if *c == 0 {
                    self.rules.remove(i);
                    continue;
                }
            }
            i += 1;
        }
        (Duration::from_millis(latency), action)
    }
}

#[derive(Default)]
pub struct Stats {
    requests: u64,
    by_route: BTreeMap<String, u64>,
}

/// Middleware on every route: counts API requests, then applies the fault rules.
pub async fn faults_and_stats(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with(CONTROL_PREFIX) || path == "/_emulator" {
        return next.run(req).await;
    }
    let method = req.method().as_str().to_string();
    let route =
        req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| path.clone());
    {
        let mut stats = st.stats.lock().expect("stats lock");
        stats.requests += 1;
        *stats.by_route.entry(format!("{method} {route}")).or_default() += 1;
    }
    let (latency, action) = st.faults.lock().expect("faults lock").pick(&method, &path);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let started = Instant::now();
    let writes = req.method() != axum::http::Method::GET;
    let resp = match action {
        None if writes => {
            let resp = next.run(req).await;
            st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            resp
        }
        None => next.run(req).await,
        Some(Action::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = json!({"detail": format!("Injected fault: HTTP {code}")});
            (status, Json(body)).into_response()
        }
        Some(Action::RateLimit(secs)) => {
            let mut resp =
                (StatusCode::TOO_MANY_REQUESTS, Json(json!({"detail": "Rate limit exceeded, retry later"})))
                    .into_response();
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            resp
        }
        Some(Action::Malformed) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{\"detail\": \"truncated"))
            .expect("static response"),
        Some(Action::Drop) => {
            tracing::info!(%method, %path, "fault: dropping the connection");
            if let Some(killer) = req.extensions().get::<ConnectionKiller>() {
                killer.0.notify_one();
                // The connection task drops this future together with the connection.
                std::future::pending::<()>().await;
            }
            // Not served by the emulator's own connection loop: the closest thing is an empty 502.
            StatusCode::BAD_GATEWAY.into_response()
        }
    };
    tracing::info!(
        %method,
        %path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

// ---- control routes ----

pub async fn add_fault(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let rule: FaultRule = parse_body(&body)?;
    rule.validate()?;
    let mut faults = st.faults.lock().expect("faults lock");
    faults.rules.push(rule);
    Ok(Json(json!({ "rules": faults.rules })))
}

pub async fn list_faults(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "rules": st.faults.lock().expect("faults lock").rules }))
}

pub async fn clear_faults(State(st): State<Arc<AppState>>) -> Json<Value> {
    st.faults.lock().expect("faults lock").rules.clear();
    Json(json!({ "rules": [] }))
}

#[derive(Deserialize)]
struct RevokeBody {
    token: Option<String>,
}

pub async fn revoke_tokens(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: RevokeBody = parse_body(&body)?;
    let n = st.auth.lock().expect("auth lock").revoke(body.token.as_deref());
    Ok(Json(json!({ "revoked": n })))
}

pub async fn approve_device(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: Value = parse_body(&body)?;
    crate::auth::control_decide(&st, &body, true).map(Json)
}

pub async fn deny_device(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: Value = parse_body(&body)?;
    crate::auth::control_decide(&st, &body, false).map(Json)
}

pub async fn stats(State(st): State<Arc<AppState>>) -> Json<Value> {
    let s = st.stats.lock().expect("stats lock");
    Json(json!({ "requests": s.requests, "by_route": s.by_route }))
}

pub async fn reset_stats(State(st): State<Arc<AppState>>) -> Json<Value> {
    *st.stats.lock().expect("stats lock") = Stats::default();
    Json(json!({ "requests": 0, "by_route": {} }))
}

#[derive(Deserialize)]
struct AcceptBody {
    /// The invitation's id, or its email (with `organization_id` when it is pending in several).
    id: Option<uuid::Uuid>,
    email: Option<String>,
    organization_id: Option<uuid::Uuid>,
}

/// `POST /_emulator/invitations/accept`: the invited person accepts, as they would from the email.
/// The invitation becomes `accepted`, a user with its email exists (created when new) and holds the
/// invitation's role in the organization.
pub async fn accept_invitation(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    use crate::model::{Grant, Subject, User};
    let body: AcceptBody = parse_body(&body)?;
    let now = chrono::Utc::now();
    let mut db = st.db.lock().expect("db lock");
    let inv_id = db
        .invitations
        .values()
        .filter(|i| i.effective_status(now) == "pending")
        .filter(|i| body.id.is_none_or(|id| id == i.id))
        .filter(|i| body.email.as_deref().is_none_or(|e| e.eq_ignore_ascii_case(&i.email)))
        .filter(|i| body.organization_id.is_none_or(|o| o == i.organization_id))
        .map(|i| i.id)
        .next()
        .ok_or_else(|| ApiError::not_found("Invitation", body.id.unwrap_or_default()))?;
    let inv = db.invitations.get_mut(&inv_id).expect("found");
    inv.status = "accepted".into();
    let (email, org_id, role_id) = (inv.email.clone(), inv.organization_id, inv.role_id);
    let user_id = match db.user_by_email(&email) {
        Some(u) => u.id,
        None => {
            let id = uuid::Uuid::new_v4();
            let name = email.split('@').next().unwrap_or(&email).to_string();
            db.users.insert(
                id,
                User {
                    id,
                    username: email.clone(),
                    email: email.clone(),
                    name,
                    avatar_url: None,
                    is_superuser: false,
                    is_service_account: false,
                    created: now,
                },
            );
            id
        }
    };
    if let Some(org) = db.orgs.get_mut(&org_id) {
        org.grants.remove(&Subject::Invitation(inv_id));
        if let Some(role_id) = role_id {
            org.grants.entry(Subject::User(user_id)).or_default().insert(Grant::org(role_id));
        }
    }
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "invitation_id": inv_id, "user_id": user_id, "organization_id": org_id })))
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
