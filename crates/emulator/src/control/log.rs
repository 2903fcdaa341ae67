//! The request log and the request counts (`GET /_emulator/requests`, `GET /_emulator/stats`, and
//! their resets), and what the middleware notes of each API request.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::Json;
use serde_json::{json, Value};

use crate::AppState;

/// How many API requests the request log keeps.
const REQUEST_LOG_LEN: usize = 500;
/// Largest url-encoded body the middleware reads to log its field names: the handlers' own limit (the
/// default of axum's body extractors), so logging refuses nothing they would take.
pub(crate) const FORM_BODY_LIMIT: usize = 2 << 20;
/// Form fields whose values the request log shows; every other value is redacted.
const SHOWN_FORM_FIELDS: &[&str] = &["grant_type", "client_id"];

/// The last API requests, oldest first, for `GET /_emulator/requests`.
#[derive(Default)]
pub struct RequestLog {
    pub(crate) entries: VecDeque<Value>,
}

impl RequestLog {
    pub(crate) fn push(&mut self, entry: Value) {
        if self.entries.len() == REQUEST_LOG_LEN {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }
}

pub(crate) fn is_form(req: &Request) -> bool {
    req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        ct.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
    })
}

/// The field names of a url-encoded body, with values only for [`SHOWN_FORM_FIELDS`].
pub(crate) fn redacted_form(body: &[u8]) -> Value {
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
    pub(crate) requests: u64,
    pub(crate) by_route: BTreeMap<String, u64>,
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
