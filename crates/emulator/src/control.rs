//! Test controls under `/_emulator/` (fault rules, token revocation, device decisions, request stats,
//! the request log) and the middleware that logs and counts requests and applies fault rules on every
//! other route.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::uri::PathAndQuery;
use axum::http::{header, HeaderValue, StatusCode, Uri};
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
/// Header that must carry the run's control token on every control request.
pub const CONTROL_HEADER: &str = "x-emulator-control";

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

    fn validate(&self) -> Result<(), ApiError> {
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

/// `redirect`: `Location` is the base followed by the request's own path and query; the body is empty.
fn redirect(status: u16, base: &str, uri: &Uri) -> Response {
    let target = format!("{base}{}", uri.path_and_query().map_or("/", |pq| pq.as_str()));
    match (StatusCode::from_u16(status), HeaderValue::try_from(target)) {
        (Ok(status), Ok(location)) => {
            let mut resp = status.into_response();
            resp.headers_mut().insert(header::LOCATION, location);
            resp
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// One item of a `huge_body` array.
const HUGE_ITEM: &[u8] = br#"{"id":"00000000-0000-4000-8000-000000000000","name":"x"}"#;
/// Items (each with its comma) per streamed chunk of a `huge_body`.
const HUGE_CHUNK_ITEMS: u64 = 1024;

/// `huge_body`: a 200 JSON array of exactly `total` bytes (at least 58), streamed chunk by chunk from
/// one shared block: `[`, items separated by commas, spaces to make up the size, `]`.
fn huge_body(total: u64, content_length: bool) -> Response {
    let item = HUGE_ITEM.len() as u64 + 1;
    let items = (total.max(item + 1) - 1) / item;
    let pad = total.max(item + 1) - 1 - items * item;
    let block = Bytes::from(
        HUGE_ITEM
            .iter()
            .chain(b",")
            .copied()
            .cycle()
            .take((item * HUGE_CHUNK_ITEMS) as usize)
            .collect::<Vec<u8>>(),
    );
    // Every item but the last is followed by a comma.
    let with_comma = items - 1;
    let partial = block.slice(..((with_comma % HUGE_CHUNK_ITEMS) * item) as usize);
    let mut tail = HUGE_ITEM.to_vec();
    tail.resize(tail.len() + pad as usize, b' ');
    tail.push(b']');
    let full_blocks = (0..with_comma / HUGE_CHUNK_ITEMS).map(move |_| block.clone());
    let chunks = std::iter::once(Bytes::from_static(b"["))
        .chain(full_blocks)
        .chain(std::iter::once(partial))
        .chain(std::iter::once(Bytes::from(tail)))
        .filter(|c| !c.is_empty())
        .map(Ok::<_, std::convert::Infallible>);
    let mut resp = Response::new(Body::from_stream(futures::stream::iter(chunks)));
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if content_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    }
    resp
}

/// Replaces every integer in a JSON value, nested ones included, by [`HUGE_NUMBER`].
fn hugify(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => *value = json!(HUGE_NUMBER),
        Value::Array(items) => items.iter_mut().for_each(hugify),
        Value::Object(fields) => fields.values_mut().for_each(hugify),
        _ => {}
    }
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"))
}

/// The response faults on a served response: `huge_numbers` rewrites a JSON body's integers and adds
/// a huge `Retry-After`; `slow_body` then sends the body `bytes_per_sec` bytes at a time, the first
/// part with the headers and one more each second.
async fn transform(resp: Response, transform: &Transform) -> Response {
    if *transform == Transform::default() {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(mut bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if transform.huge_numbers {
        if is_json(&parts.headers) {
            if let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) {
                hugify(&mut value);
                bytes = Bytes::from(serde_json::to_vec(&value).expect("JSON value serializes"));
            }
        }
        parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(HUGE_NUMBER));
    }
    let Some(rate) = transform.bytes_per_sec else {
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let rate = usize::try_from(rate).unwrap_or(usize::MAX);
    let chunks = futures::stream::unfold((bytes, true), move |(rest, first)| async move {
        if rest.is_empty() {
            return None;
        }
        if !first {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let n = rate.min(rest.len());
        Some((Ok::<_, std::convert::Infallible>(rest.slice(..n)), (rest.slice(n..), false)))
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// The query of a list request after the paging faults: `offset` dropped, `limit` lowered to the cap
/// (a missing `limit` counts as the default). A query that does not parse is left for the handler to
/// refuse.
fn rewrite_query(query: &str, rewrite: &QueryRewrite) -> Option<String> {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    let mut changed = false;
    if rewrite.ignore_offset {
        let before = pairs.len();
        pairs.retain(|(k, _)| k != "offset");
        changed |= pairs.len() != before;
    }
    if let Some(cap) = rewrite.cap {
        let asked = match pairs.iter().rev().find(|(k, _)| k == "limit").map(|(_, v)| v.as_str()) {
            None | Some("") => Some(crate::error::LIMIT_DEFAULT as i64),
            Some(v) => v.parse::<i64>().ok(),
        };
        if asked.is_some_and(|n| n > cap as i64) {
            pairs.retain(|(k, _)| k != "limit");
            pairs.push(("limit".into(), cap.to_string()));
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    serde_urlencoded::to_string(&pairs).ok()
}

fn with_query(uri: &Uri, query: &str) -> Option<Uri> {
    let mut parts = uri.clone().into_parts();
    let pq = if query.is_empty() { uri.path().to_string() } else { format!("{}?{query}", uri.path()) };
    parts.path_and_query = Some(PathAndQuery::try_from(pq).ok()?);
    Uri::from_parts(parts).ok()
}

/// How many API requests the request log keeps.
const REQUEST_LOG_LEN: usize = 500;
/// Largest url-encoded body the middleware reads to log its field names: the handlers' own limit (the
/// default of axum's body extractors), so logging refuses nothing they would take.
const FORM_BODY_LIMIT: usize = 2 << 20;
/// Form fields whose values the request log shows; every other value is redacted.
const SHOWN_FORM_FIELDS: &[&str] = &["grant_type", "client_id"];

/// The last API requests, oldest first, for `GET /_emulator/requests`.
#[derive(Default)]
pub struct RequestLog {
    entries: VecDeque<Value>,
}

impl RequestLog {
    fn push(&mut self, entry: Value) {
        if self.entries.len() == REQUEST_LOG_LEN {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }
}

fn is_form(req: &Request) -> bool {
    req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        ct.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
    })
}

/// The field names of a url-encoded body, with values only for [`SHOWN_FORM_FIELDS`].
fn redacted_form(body: &[u8]) -> Value {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let mut form = serde_json::Map::new();
    for (k, v) in pairs {
        let shown = if SHOWN_FORM_FIELDS.contains(&k.as_str()) { json!(v) } else { json!("<redacted>") };
        form.insert(k, shown);
    }
    Value::Object(form)
}

#[derive(Default)]
pub struct Stats {
    requests: u64,
    by_route: BTreeMap<String, u64>,
}

/// Why a control request is refused, if it is: 403 unless it is addressed to a loopback host (so a web
/// page that renamed itself onto 127.0.0.1 cannot reach them), 401 without the run's token in
/// [`CONTROL_HEADER`], 415 when it carries a body that is not `application/json` (so a plain form post
/// from a browser cannot either). A request with no body needs no content type.
fn refuse_control(st: &AppState, req: &Request) -> Option<Response> {
    let refuse =
        |status: StatusCode, detail: &str| Some((status, Json(json!({ "detail": detail }))).into_response());
    if !addressed_to_loopback(req) {
        return refuse(
            StatusCode::FORBIDDEN,
            "Control routes answer only requests addressed to a loopback host (127.0.0.1, localhost, [::1])",
        );
    }
    let mut sent = req.headers().get_all(CONTROL_HEADER).iter();
    let token_ok = match (sent.next(), sent.next()) {
        (Some(v), None) => same_bytes(v.as_bytes(), st.control_token.as_bytes()),
        _ => false,
    };
    if !token_ok {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Control routes need the header x-emulator-control with the control token printed at start",
        );
    }
    if has_body(req) && !is_json(req.headers()) {
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Control request bodies must be application/json");
    }
    None
}

/// Whether the request's `Host` (and its URI's authority, when it has one) names a loopback host:
/// `localhost`, an address in 127.0.0.0/8 or `[::1]`, with any port. No host at all is refused.
fn addressed_to_loopback(req: &Request) -> bool {
    let mut hosts = req.headers().get_all(header::HOST).iter().map(|v| v.to_str().ok()).collect::<Vec<_>>();
    if let Some(authority) = req.uri().authority() {
        hosts.push(Some(authority.as_str()));
    }
    !hosts.is_empty() && hosts.into_iter().all(|h| h.is_some_and(is_loopback_host))
}

fn is_loopback_host(host_port: &str) -> bool {
    if host_port.contains('@') {
        return false;
    }
    let Ok(authority) = host_port.parse::<axum::http::uri::Authority>() else {
        return false;
    };
    let host = authority.host();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Equal byte strings, compared in time that depends only on their lengths.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a request carries a body: a `content-length` other than 0, or a transfer encoding.
fn has_body(req: &Request) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.to_str().ok().and_then(|n| n.trim().parse::<u64>().ok()) != Some(0))
}

/// Middleware on every route: logs and counts API requests, then applies the fault rules.
pub async fn faults_and_stats(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with(CONTROL_PREFIX) || path == "/_emulator" {
        if let Some(refusal) = refuse_control(&st, &req) {
            tracing::warn!(method = %req.method(), %path, status = refusal.status().as_u16(), "control request refused");
            return refusal;
        }
        return next.run(req).await;
    }
    let method = req.method().as_str().to_string();
    let matched = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let list = matched.as_deref().and_then(|m| st.route_doc(req.method(), m)).is_some_and(|doc| doc.list);
    let route = matched.unwrap_or_else(|| path.clone());
    let form = if is_form(&req) {
        // The body is read here to log its field names, then handed on unchanged.
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, FORM_BODY_LIMIT).await else {
            let body = json!({"detail": "Request body too large"});
            return (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response();
        };
        let form = redacted_form(&bytes);
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
    let Picked { latency, action, rewrite, transform: response_faults } =
        st.faults.lock().expect("faults lock").pick(&method, &path, list);
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

/// `GET /_emulator/requests`: the last API requests, oldest first.
pub async fn requests(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(Value::Array(st.requests.lock().expect("request log lock").entries.iter().cloned().collect()))
}

/// `POST /_emulator/requests/reset`: empties the request log.
pub async fn reset_requests(State(st): State<Arc<AppState>>) -> Json<Value> {
    st.requests.lock().expect("request log lock").entries.clear();
    Json(json!([]))
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
/// invitation's roles (organization and workspace) and its teams.
pub async fn accept_invitation(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    use crate::model::User;
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
    let (email, org_id) = (inv.email.clone(), inv.organization_id);
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
                    is_active: true,
                    created: now,
                },
            );
            id
        }
    };
    db.hand_over_invitation(inv_id, user_id);
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "invitation_id": inv_id, "user_id": user_id, "organization_id": org_id })))
}

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
