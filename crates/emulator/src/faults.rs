//! The fault engine: the rules `POST /_emulator/faults` adds ([`FaultRule`]), which of them fire on a
//! request ([`FaultState`]), and [`apply`], which the request middleware calls to delay, answer in
//! place of the route, rewrite a list request's query or reshape the served response. The answers and
//! response rewrites themselves are in `faults/responses.rs`.

mod responses;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Notify;

pub(crate) use responses::is_json;
use responses::{huge_body, redirect, rewrite_query, transform, with_query};

use crate::error::ApiError;
use crate::AppState;

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
    /// List requests are served at most `limit` items, whatever their `limit` says (no error).
    PageCap,
    /// List requests are served as if `offset` were 0.
    IgnoreOffset,
    /// A redirect (`status`, default 307) to `location` followed by the request's path and query.
    Redirect,
    /// 200 with a JSON array of `mb` MiB, streamed.
    HugeBody,
    /// Served, then every integer of the JSON body becomes [`HUGE_NUMBER`], with `Retry-After` as large.
    HugeNumbers,
    /// Served, then the body is sent `bytes_per_sec` bytes a second.
    SlowBody,
}

/// When a fault kind acts on a request.
#[derive(PartialEq, Eq)]
enum Stage {
    /// Before the request is served (latency).
    Delay,
    /// Instead of serving it.
    Answer,
    /// On the query of a list request that is served (paging faults).
    Rewrite,
    /// On the response of a request that is served.
    Transform,
}

impl FaultKind {
    fn stage(self) -> Stage {
        match self {
            FaultKind::Latency => Stage::Delay,
            FaultKind::Status
            | FaultKind::RateLimit
            | FaultKind::Drop
            | FaultKind::Malformed
            | FaultKind::Redirect
            | FaultKind::HugeBody => Stage::Answer,
            FaultKind::PageCap | FaultKind::IgnoreOffset => Stage::Rewrite,
            FaultKind::HugeNumbers | FaultKind::SlowBody => Stage::Transform,
        }
    }
}

/// The integer `huge_numbers` puts in place of every integer: 10^18, past what 32-bit fields and
/// second-to-duration conversions hold, inside what a signed 64-bit one does.
pub const HUGE_NUMBER: i64 = 1_000_000_000_000_000_000;
/// Redirect statuses a `redirect` rule may ask for.
const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];
/// Largest `huge_body` size, in MiB (it is streamed, so this only bounds a typo).
const HUGE_BODY_MAX_MB: u64 = 16 * 1024;

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
    /// `page_cap`: the most items a list request is served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `redirect`: absolute base URL the request's path and query are appended to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `huge_body`: size of the body in MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mb: Option<u64>,
    /// `huge_body`: send `content-length` up front instead of a chunked body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_length: Option<bool>,
    /// `slow_body`: how many bytes of the body are sent each second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_sec: Option<u64>,
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

    pub(crate) fn validate(&self) -> Result<(), ApiError> {
        let bad = |field: &str, msg: &str| Err(ApiError::invalid(&["body", field], msg, "value_error"));
        match self.kind {
            FaultKind::Latency if self.ms.is_none() => return bad("ms", "latency needs ms"),
            FaultKind::PageCap if self.limit.is_none_or(|l| l == 0) => {
                return bad("limit", "page_cap needs a limit of at least 1")
            }
            FaultKind::Status => match self.status {
                Some(s) if StatusCode::from_u16(s).is_ok() && s >= 200 => {}
                _ => return bad("status", "status needs an HTTP status code (200-999)"),
            },
            FaultKind::Redirect => {
                if self.status.is_some_and(|s| !REDIRECT_STATUSES.contains(&s)) {
                    return bad("status", "redirect status must be one of 301, 302, 303, 307, 308");
                }
                if self.location.as_deref().and_then(redirect_base).is_none() {
                    return bad(
                        "location",
                        "redirect needs a location: an absolute http(s) URL with no query or fragment",
                    );
                }
            }
            FaultKind::HugeBody if self.mb.is_none_or(|mb| mb == 0 || mb > HUGE_BODY_MAX_MB) => {
                return bad("mb", "huge_body needs mb between 1 and 16384")
            }
            FaultKind::SlowBody if self.bytes_per_sec.is_none_or(|n| n == 0) => {
                return bad("bytes_per_sec", "slow_body needs bytes_per_sec of at least 1")
            }
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
    pub(crate) rules: Vec<FaultRule>,
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
    /// The redirect status and the base URL (no trailing slash).
    Redirect(u16, String),
    /// The body size in bytes, and whether `content-length` is sent.
    HugeBody(u64, bool),
}

/// How the paging faults rewrite a list request's query.
#[derive(Debug, Default, PartialEq, Eq)]
struct QueryRewrite {
    cap: Option<usize>,
    ignore_offset: bool,
}

/// What the response faults do to the response of a request that is served.
#[derive(Debug, Default, PartialEq, Eq)]
struct Transform {
    huge_numbers: bool,
    bytes_per_sec: Option<u64>,
}

/// What the fault rules do to one request.
struct Picked {
    latency: Duration,
    action: Option<Action>,
    rewrite: QueryRewrite,
    transform: Transform,
}

impl FaultState {
    /// The added latency and the fault (if any) for one request, and (for a request that no fault
    /// answers) how to rewrite its query (list requests only) and its response; uses up counted rules.
    fn pick(&mut self, method: &str, path: &str, list: bool) -> Picked {
        let mut latency = 0u64;
        let mut action = None;
        self.fire(method, path, |rule, rng| {
            let eligible = match rule.kind.stage() {
                Stage::Delay => true,
                Stage::Answer => action.is_none(),
                Stage::Rewrite | Stage::Transform => false,
            };
            if !eligible || !draw(rule, rng) {
                return false;
            }
            match rule.kind {
                FaultKind::Latency => latency += rule.ms.unwrap_or(0),
                FaultKind::Status => action = Some(Action::Status(rule.status.unwrap_or(500))),
                FaultKind::RateLimit => action = Some(Action::RateLimit(rule.retry_after.unwrap_or(1))),
                FaultKind::Drop => action = Some(Action::Drop),
                FaultKind::Malformed => action = Some(Action::Malformed),
                FaultKind::Redirect => {
                    let base = rule.location.as_deref().and_then(redirect_base).unwrap_or_default();
                    action = Some(Action::Redirect(rule.status.unwrap_or(307), base));
                }
                FaultKind::HugeBody => {
                    let bytes = rule.mb.unwrap_or(1).max(1) << 20;
                    action = Some(Action::HugeBody(bytes, rule.content_length.unwrap_or(false)));
                }
                _ => {}
            }
            true
        });
        let mut rewrite = QueryRewrite::default();
        let mut transform = Transform::default();
        // Paging and response faults only touch requests that are really served.
        if action.is_none() {
            self.fire(method, path, |rule, rng| {
                let eligible = match rule.kind.stage() {
                    Stage::Rewrite => list,
                    Stage::Transform => true,
                    Stage::Delay | Stage::Answer => false,
                };
                if !eligible || !draw(rule, rng) {
                    return false;
                }
                match rule.kind {
                    FaultKind::PageCap => {
                        let cap = rule.limit.unwrap_or(1).max(1) as usize;
                        rewrite.cap = Some(rewrite.cap.map_or(cap, |c| c.min(cap)));
                    }
                    FaultKind::IgnoreOffset => rewrite.ignore_offset = true,
                    FaultKind::HugeNumbers => transform.huge_numbers = true,
                    FaultKind::SlowBody => {
                        let rate = rule.bytes_per_sec.unwrap_or(1).max(1);
                        transform.bytes_per_sec = Some(transform.bytes_per_sec.map_or(rate, |r| r.min(rate)));
                    }
                    _ => {}
                }
                true
            });
        }
        Picked { latency: Duration::from_millis(latency), action, rewrite, transform }
    }

    /// Offers every rule matching the request to `visit`, in order; a rule it fires (returns true for)
    /// counts down, and is removed when used up.
    fn fire(&mut self, method: &str, path: &str, mut visit: impl FnMut(&FaultRule, &mut StdRng) -> bool) {
        let mut i = 0;
        while i < self.rules.len() {
            let rule = &self.rules[i];
            if !rule.matches(method, path) || !visit(rule, &mut self.rng) {
                i += 1;
                continue;
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
    }
}

/// Whether a rule's ratio lets it fire this time (rules without a ratio always fire).
fn draw(rule: &FaultRule, rng: &mut StdRng) -> bool {
    rule.ratio.is_none_or(|r| rng.random::<f64>() < r)
}

/// The base URL of a `redirect` rule without its trailing slash, if it is an absolute http(s) URL
/// with no query or fragment.
fn redirect_base(location: &str) -> Option<String> {
    let uri: Uri = location.parse().ok()?;
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    if !scheme_ok || uri.authority().is_none() || uri.query().is_some() || location.contains('#') {
        return None;
    }
    Some(location.trim_end_matches('/').to_string())
}

/// Applies the fault rules to one API request (`list`: a list route) and runs it unless a rule answers
/// in its place; a served request that may write bumps the state's generation. Logs the outcome.
pub(crate) async fn apply(
    st: &Arc<AppState>,
    mut req: Request,
    next: Next,
    method: &str,
    path: &str,
    list: bool,
) -> Response {
    let Picked { latency, action, rewrite, transform: response_faults } =
        st.faults.lock().expect("faults lock").pick(method, path, list);
    if let Some(uri) =
        rewrite_query(req.uri().query().unwrap_or(""), &rewrite).and_then(|q| with_query(req.uri(), &q))
    {
        *req.uri_mut() = uri;
    }
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let started = Instant::now();
    let writes = req.method() != axum::http::Method::GET;
    let resp = match action {
        None => {
            let resp = next.run(req).await;
            if writes {
                st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            transform(resp, &response_faults).await
        }
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
        Some(Action::Redirect(status, base)) => redirect(status, &base, req.uri()),
        Some(Action::HugeBody(bytes, content_length)) => huge_body(bytes, content_length),
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
