//! Test controls under `/_emulator/`, one file per what they control (fault rules, tokens, devices,
//! invitations, users, workspaces, the request log and counts), the guard every control request
//! passes (`guard.rs`), and the middleware that logs and counts API requests and hands them to the
//! fault engine ([`crate::faults`]).

mod devices;
mod fault_rules;
mod guard;
mod invitations;
mod log;
mod tokens;
mod users;
mod workspaces;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

pub(crate) use log::{RequestLog, Stats};

use crate::AppState;

/// Prefix of the control routes; faults and stats never apply to it.
pub const CONTROL_PREFIX: &str = "/_emulator/";
/// Header that must carry the run's control token on every control request.
pub const CONTROL_HEADER: &str = "x-emulator-control";

/// Middleware on every route: logs and counts API requests, then applies the fault rules.
pub async fn faults_and_stats(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with(CONTROL_PREFIX) || path == "/_emulator" {
        if let Some(refusal) = guard::refuse_control(&st, &req) {
            tracing::warn!(method = %req.method(), %path, status = refusal.status().as_u16(), "control request refused");
            return refusal;
        }
        return next.run(req).await;
    }
    let method = req.method().as_str().to_string();
    let matched = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let list = matched.as_deref().and_then(|m| st.route_doc(req.method(), m)).is_some_and(|doc| doc.list);
    let route = matched.unwrap_or_else(|| path.clone());
    let form = if log::is_form(&req) {
        // The body is read here to log its field names, then handed on unchanged.
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, log::FORM_BODY_LIMIT).await else {
            let body = json!({"detail": "Request body too large"});
            return (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response();
        };
        let form = log::redacted_form(&bytes);
        req = Request::from_parts(parts, Body::from(bytes));
        form
    } else {
        json!({})
    };
    let user_agent =
        req.headers().get(header::USER_AGENT).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    st.requests.lock().expect("request log lock").push(json!({
        "method": method,
        "path": path,
        "query": req.uri().query().unwrap_or(""),
        "user_agent": user_agent,
        "form": form,
    }));
    {
        let mut stats = st.stats.lock().expect("stats lock");
        stats.requests += 1;
        *stats.by_route.entry(format!("{method} {route}")).or_default() += 1;
    }
    crate::faults::apply(&st, req, next, &method, &path, list).await
}

/// The control routes, added to the API router.
pub(crate) fn routes(router: Router<Arc<AppState>>) -> Router<Arc<AppState>> {
    router
        .route(
            "/_emulator/faults",
            post(fault_rules::add_fault).get(fault_rules::list_faults).delete(fault_rules::clear_faults),
        )
        .route("/_emulator/tokens/revoke", post(tokens::revoke_tokens))
        .route("/_emulator/token_types", post(tokens::control_token_types))
        .route("/_emulator/tokens", get(tokens::control_tokens))
        .route("/_emulator/devices/approve", post(devices::approve_device))
        .route("/_emulator/devices/deny", post(devices::deny_device))
        .route("/_emulator/invitations/accept", post(invitations::accept_invitation))
        .route("/_emulator/users/rename", post(users::rename_user))
        .route("/_emulator/users/active", post(users::set_user_active))
        .route("/_emulator/workspaces/status", post(workspaces::set_workspace_status))
        .route("/_emulator/workspaces/type", post(workspaces::set_workspace_type))
        .route("/_emulator/workspaces/fail", post(workspaces::fail_next_transition))
        .route("/_emulator/workspaces/settle", post(workspaces::settle_now))
        .route("/_emulator/stats", get(log::stats))
        .route("/_emulator/stats/reset", post(log::reset_stats))
        .route("/_emulator/requests", get(log::requests))
        .route("/_emulator/requests/reset", post(log::reset_requests))
}
