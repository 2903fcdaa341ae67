//! Sign-in: the key and password exchanges, the device authorization flow with its verification page,
//! issued tokens (expiry, revocation, type) and the [`Caller`] extractor every API route uses.
//!
//! Token types (contract 2.2a): every issued token remembers how it was obtained ([`TokenKind`]). The
//! key routes (service accounts, API keys) take their caller through [`KeyRouteCaller`], which refuses a
//! device-flow token with 401 `{"detail": "... token type ... device_code not allowed for this
//! endpoint"}`. `GET /auth/api_token` exchanges any valid token for a one-hour automation token, answered
//! as a bare JSON string. Whether key-exchange and automation tokens are refused there too is unknown for
//! the real server; both are accepted unless `POST /_emulator/token_types` says otherwise.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::error::{ApiError, Params};
use crate::AppState;

pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The grant type of the key exchange that newer clients send beside `password=<key>`.
pub const KEY_GRANT: &str = "zenml_api_key";

/// How long an automation token from `GET /auth/api_token` lives.
pub const API_TOKEN_TTL: Duration = Duration::from_secs(3600);

/// How a token was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// The device authorization flow (a browser sign-in).
    Device,
    /// The exchange of an API key or service-account key, or such a key sent as the bearer itself.
    KeyExchange,
    /// Username and password.
    Password,
    /// `GET /auth/api_token`.
    Automation,
}

impl TokenKind {
    /// The name the refusal message gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Device => "device_code",
            TokenKind::KeyExchange => "api_key",
            TokenKind::Password => "password",
            TokenKind::Automation => "api_token",
        }
    }
}

struct Session {
    user_id: Uuid,
    expires: Instant,
    kind: TokenKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceState {
    Pending,
    Approved(Uuid),
    Denied,
    /// A token was issued; the device code cannot be used again.
    Used,
}

struct DeviceRequest {
    client_id: String,
    device_id: Uuid,
    /// What the device said about itself in its `User-Agent` (`Host/…`, `OS/…` tokens only).
    metadata: Option<Value>,
    expires: Instant,
    last_poll: Option<Instant>,
    state: DeviceState,
}

/// Issued tokens and open device requests.
#[derive(Default)]
pub struct AuthState {
    sessions: HashMap<String, Session>,
    devices: HashMap<String, DeviceRequest>,
    /// user code → device code
    user_codes: HashMap<String, String>,
    /// The key routes refuse key-exchange tokens too (`POST /_emulator/token_types`).
    pub refuse_key_exchange: bool,
    /// The key routes refuse automation tokens too (`POST /_emulator/token_types`).
    pub refuse_api_token: bool,
}

impl AuthState {
    pub fn issue(&mut self, user_id: Uuid, ttl: Duration, kind: TokenKind) -> String {
        let token = Alphanumeric.sample_string(&mut rand::rng(), 48);
        self.sessions.insert(token.clone(), Session { user_id, expires: Instant::now() + ttl, kind });
        token
    }

    /// Whether the key routes take a token of this kind.
    fn key_routes_take(&self, kind: TokenKind) -> bool {
        match kind {
            TokenKind::Device => false,
            TokenKind::KeyExchange => !self.refuse_key_exchange,
            TokenKind::Automation => !self.refuse_api_token,
            TokenKind::Password => true,
        }
    }

    /// Revokes one token (`Some`) or all of them (`None`); returns how many were revoked.
    pub fn revoke(&mut self, token: Option<&str>) -> usize {
        match token {
            Some(t) => usize::from(self.sessions.remove(t).is_some()),
            None => {
                let n = self.sessions.len();
                self.sessions.clear();
                n
            }
        }
    }

    /// Sets the state of a pending device request by its user code. Returns false when unknown.
    pub fn decide(&mut self, user_code: &str, state: DeviceState) -> bool {
        let code = normalize_user_code(user_code);
        let Some(device_code) = self.user_codes.get(&code) else {
            return false;
        };
        match self.devices.get_mut(device_code) {
            Some(req) if req.state == DeviceState::Pending && req.expires > Instant::now() => {
                req.state = state;
                true
            }
            _ => false,
        }
    }

    fn user_code_known(&self, user_code: &str) -> bool {
        self.user_codes.contains_key(&normalize_user_code(user_code))
    }
}

fn normalize_user_code(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// The authenticated user of an API request.
#[derive(Clone, Copy, Debug)]
pub struct Caller(pub Uuid);

/// The caller of a key route (service accounts, API keys): a device-flow token is refused there with
/// 401 naming its type, and so are key-exchange or automation tokens when the control route says so.
#[derive(Clone, Copy, Debug)]
pub struct KeyRouteCaller(pub Caller);

/// The user and token kind of a request's bearer token.
fn authenticate(parts: &Parts, state: &AppState) -> Result<(Uuid, TokenKind), ApiError> {
    let header = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::Unauthorized("Not authenticated".into()))?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| ApiError::Unauthorized("Not authenticated".into()))?;
    {
        let auth = state.auth.lock().expect("auth lock");
        if let Some(s) = auth.sessions.get(token) {
            if s.expires > Instant::now() {
                return Ok((s.user_id, s.kind));
            }
            return Err(ApiError::Unauthorized("Authentication token expired".into()));
        }
    }
    // A long-lived key sent directly as the bearer also works (discouraged, but the real API allows it).
    let mut db = state.db.lock().expect("db lock");
    match db.key_user(token, chrono::Utc::now()) {
        Some(user) => Ok((user, TokenKind::KeyExchange)),
        None => Err(ApiError::Unauthorized("Invalid or revoked authentication token".into())),
    }
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).map(|(user, _)| Caller(user))
    }
}

impl FromRequestParts<Arc<AppState>> for KeyRouteCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let (user, kind) = authenticate(parts, state)?;
        if !state.auth.lock().expect("auth lock").key_routes_take(kind) {
            return Err(ApiError::Unauthorized(format!(
                "Authentication error: invalid token type: {} not allowed for this endpoint",
                kind.as_str()
            )));
        }
        Ok(KeyRouteCaller(Caller(user)))
    }
}

/// `GET /auth/api_token`: any valid token buys a one-hour automation token, answered as a bare JSON
/// string.
pub async fn api_token(State(st): State<Arc<AppState>>, caller: Caller) -> Response {
    let token = st.auth.lock().expect("auth lock").issue(caller.0, API_TOKEN_TTL, TokenKind::Automation);
    Json(Value::String(token)).into_response()
}

/// `GET /_emulator/tokens`: every live token with its kind, so tests can check that one leaks nowhere.
pub async fn control_tokens(State(st): State<Arc<AppState>>) -> Json<Value> {
    let now = Instant::now();
    let auth = st.auth.lock().expect("auth lock");
    let mut list: Vec<Value> = auth
        .sessions
        .iter()
        .filter(|(_, s)| s.expires > now)
        .map(|(token, s)| {
            json!({"kind": s.kind.as_str(), "token": token, "expires_in": (s.expires - now).as_secs()})
        })
        .collect();
    list.sort_by(|a, b| a["token"].as_str().cmp(&b["token"].as_str()));
    Json(Value::Array(list))
}

/// `POST /_emulator/token_types` `{"key_exchange"?: "accept"|"refuse", "api_token"?: "accept"|"refuse"}`:
/// whether the key routes take key-exchange and automation tokens (device-flow tokens: never). Answers
/// the settings now in force.
pub async fn control_token_types(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: Value = crate::error::parse_body(&body)?;
    let refuse = |field: &str| -> Result<Option<bool>, ApiError> {
        match body.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) if v == "accept" => Ok(Some(false)),
            Some(v) if v == "refuse" => Ok(Some(true)),
            Some(_) => {
                Err(ApiError::invalid(&["body", field], "Input should be 'accept' or 'refuse'", "enum"))
            }
        }
    };
    let (key_exchange, api_token) = (refuse("key_exchange")?, refuse("api_token")?);
    let mut auth = st.auth.lock().expect("auth lock");
    if let Some(r) = key_exchange {
        auth.refuse_key_exchange = r;
    }
    if let Some(r) = api_token {
        auth.refuse_api_token = r;
    }
    let word = |refused: bool| if refused { "refuse" } else { "accept" };
    Ok(Json(json!({
        "device_code": "refuse",
        "key_exchange": word(auth.refuse_key_exchange),
        "api_token": word(auth.refuse_api_token),
    })))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn oauth_error(error: &str, description: Option<&str>) -> Response {
    let mut body = json!({ "error": error });
    if let Some(d) = description {
        body["error_description"] = json!(d);
    }
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// The token response; `device` is the device id and metadata of a device-flow login.
pub fn token_json(d: Dialect, token: &str, ttl: Duration, device: Option<(Uuid, Option<&Value>)>) -> Value {
    d.finish(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl.as_secs(),
        "refresh_token": null,
        "csrf_token": null,
        "scope": null,
        "device_id": device.map(|(id, _)| id),
        "device_metadata": device.and_then(|(_, m)| m.cloned()),
    }))
}

/// The answer to `POST /auth/device_authorization`.
pub fn device_authorization_json(
    d: Dialect,
    device_code: &str,
    user_code: &str,
    expires_in: Duration,
    interval: u64,
) -> Value {
    d.finish(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": "/devices/verify",
        "verification_uri_complete": format!("/devices/verify?user_code={user_code}"),
        "expires_in": expires_in.as_secs(),
        "interval": interval,
    }))
}

/// The device metadata kept from a device's `User-Agent`: only its `Host/…` and `OS/…` tokens, as
/// `{"host", "os"}` (a missing token leaves its key out; no token at all gives `None`).
pub fn device_metadata(user_agent: Option<&str>) -> Option<Value> {
    let mut m = serde_json::Map::new();
    for token in user_agent.unwrap_or_default().split_whitespace() {
        let Some((product, value)) = token.split_once('/') else {
            continue;
        };
        let key = match product.to_ascii_lowercase().as_str() {
            "host" => "host",
            "os" => "os",
            _ => continue,
        };
        if !value.is_empty() && !m.contains_key(key) {
            m.insert(key.to_string(), json!(value));
        }
    }
    (!m.is_empty()).then_some(Value::Object(m))
}

/// `POST /auth/device_authorization`
pub async fn device_authorization(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let metadata = device_metadata(headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()));
    let Some(client_id) = f.get("client_id").cloned() else {
        return ApiError::invalid(&["body", "client_id"], "Field required", "missing").into_response();
    };
    let device_id = match f.get("device_id") {
        Some(d) => match Uuid::parse_str(d) {
            Ok(u) => u,
            Err(_) => {
                return ApiError::invalid(
                    &["body", "device_id"],
                    "Input should be a valid UUID",
                    "uuid_parsing",
                )
                .into_response()
            }
        },
        None => Uuid::new_v4(),
    };
    let mut rng = rand::rng();
    // No vowels or look-alike characters in user codes.
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut auth = st.auth.lock().expect("auth lock");
    let user_code = loop {
        let mut s: String = (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
        s.insert(4, '-');
        if !auth.user_code_known(&s) {
            break s;
        }
    };
    let device_code = Alphanumeric.sample_string(&mut rng, 40);
    auth.user_codes.insert(user_code.clone(), device_code.clone());
    auth.devices.insert(
        device_code.clone(),
        DeviceRequest {
            client_id,
            device_id,
            metadata,
            expires: Instant::now() + st.config.device_code_ttl,
            last_poll: None,
            state: DeviceState::Pending,
        },
    );
    Json(device_authorization_json(
        st.config.dialect,
        &device_code,
        &user_code,
        st.config.device_code_ttl,
        st.config.device_poll_interval,
    ))
    .into_response()
}

/// `POST /auth/login`: device-code grant, key exchange (`grant_type=zenml_api_key&password=<key>`, or
/// `password=<key>` alone in the default dialect), or username + password.
pub async fn login(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let f = form(&body);
    let ttl = st.config.token_ttl;
    let grant = f.get("grant_type").map(String::as_str);
    if grant == Some(DEVICE_GRANT) {
        return device_token(&st, &f);
    }
    let user = {
        let mut db = st.db.lock().expect("db lock");
        let now = chrono::Utc::now();
        match (f.get("username"), f.get("password")) {
            (_, Some(key)) if grant == Some(KEY_GRANT) => {
                db.key_user(key, now).map(|u| (u, TokenKind::KeyExchange)).ok_or("Invalid API key or access token")
            }
            (None, Some(_)) if st.config.dialect.is_variant() => {
                return oauth_error(
                    "unsupported_grant_type",
                    Some("grant_type=zenml_api_key is required for API key login"),
                )
            }
            (Some(username), Some(password)) => db
                .passwords
                .iter()
                .find(|(u, p, _)| u.eq_ignore_ascii_case(username) && p == password)
                .map(|(_, _, id)| (*id, TokenKind::Password))
                .ok_or("Incorrect username or password"),
            (None, Some(key)) => {
                db.key_user(key, now).map(|u| (u, TokenKind::KeyExchange)).ok_or("Invalid API key or access token")
            }
            _ => {
                return oauth_error(
                    "unsupported_grant_type",
                    Some("send a device_code grant, grant_type=zenml_api_key with password=<key>, or username and password"),
                )
            }
        }
    };
    match user {
        Ok((user_id, kind)) => {
            let token = st.auth.lock().expect("auth lock").issue(user_id, ttl, kind);
            Json(token_json(st.config.dialect, &token, ttl, None)).into_response()
        }
        Err(msg) => ApiError::Unauthorized(msg.to_string()).into_response(),
    }
}

fn device_token(st: &AppState, f: &HashMap<String, String>) -> Response {
    let now = Instant::now();
    let interval = Duration::from_secs(st.config.device_poll_interval);
    let mut auth = st.auth.lock().expect("auth lock");
    let Some(req) = f.get("device_code").and_then(|c| auth.devices.get_mut(c)) else {
        return oauth_error("invalid_grant", Some("Unknown device code"));
    };
    if f.get("client_id") != Some(&req.client_id) {
        return oauth_error("invalid_client", Some("The client_id does not match the device code"));
    }
    if req.state == DeviceState::Used {
        return oauth_error("invalid_grant", Some("The device code was already used"));
    }
    if req.expires <= now {
        return oauth_error("expired_token", Some("The device code expired; start a new login"));
    }
    let previous = req.last_poll.replace(now);
    if let Some(prev) = previous {
        if now.duration_since(prev) < interval {
            return oauth_error("slow_down", None);
        }
    }
    if req.state == DeviceState::Pending && st.config.auto_approve {
        req.state = DeviceState::Approved(st.demo_user);
    }
    match req.state {
        DeviceState::Pending => oauth_error("authorization_pending", None),
        DeviceState::Denied => oauth_error("access_denied", Some("The login request was denied")),
        DeviceState::Used => oauth_error("invalid_grant", Some("The device code was already used")),
        DeviceState::Approved(user_id) => {
            req.state = DeviceState::Used;
            let device_id = req.device_id;
            let metadata = req.metadata.clone();
            let token = auth.issue(user_id, st.config.token_ttl, TokenKind::Device);
            let body = token_json(
                st.config.dialect,
                &token,
                st.config.token_ttl,
                Some((device_id, metadata.as_ref())),
            );
            Json(body).into_response()
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:32rem;margin:4rem auto}}\
         code{{font-size:1.6rem}}button{{font-size:1rem;margin-right:1rem}}</style></head>\
         <body><h1>{t}</h1>{body}<p><small>ZenML Pro emulator</small></p></body></html>",
        t = escape(title)
    )
}

/// `GET /devices/verify?user_code=`: the page a user opens to approve or deny a device login.
pub async fn verify_page(State(st): State<Arc<AppState>>, params: Params) -> Response {
    let Some(code) = params.str("user_code") else {
        let body = "<form method=\"post\" action=\"/devices/verify\"><p>Enter the code shown by the app:</p>\
             <input name=\"user_code\" autofocus> <button name=\"action\" value=\"approve\">Approve</button>\
             <button name=\"action\" value=\"deny\">Deny</button></form>";
        return Html(page("Device login", body)).into_response();
    };
    let known = st.auth.lock().expect("auth lock").user_code_known(code);
    if !known {
        let body = format!("<p>No login request has the code <code>{}</code>.</p>", escape(code));
        return (StatusCode::NOT_FOUND, Html(page("Unknown code", &body))).into_response();
    }
    let code = escape(&normalize_user_code(code));
    let body = format!(
        "<p>An application asks to sign in as <b>{user}</b>. Check that it shows this code:</p>\
         <p><code>{code}</code></p>\
         <form method=\"post\" action=\"/devices/verify\">\
         <input type=\"hidden\" name=\"user_code\" value=\"{code}\">\
         <button type=\"submit\" name=\"action\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"action\" value=\"deny\">Deny</button></form>",
        user = escape(crate::demo::DEMO_USER_EMAIL),
    );
    Html(page("Device login", &body)).into_response()
}

/// `POST /devices/verify` (form `user_code`, `action=approve|deny`).
pub async fn verify_submit(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let f = form(&body);
    let code = f.get("user_code").cloned().unwrap_or_default();
    let (state, done) = match f.get("action").map(String::as_str) {
        Some("approve") => {
            (DeviceState::Approved(st.demo_user), "Login approved. You can close this window.")
        }
        Some("deny") => (DeviceState::Denied, "Login denied. You can close this window."),
        _ => {
            return (StatusCode::BAD_REQUEST, Html(page("Device login", "<p>Choose Approve or Deny.</p>")))
                .into_response()
        }
    };
    if st.auth.lock().expect("auth lock").decide(&code, state) {
        Html(page("Device login", &format!("<p>{}</p>", escape(done)))).into_response()
    } else {
        let body = format!(
            "<p>No pending login request has the code <code>{}</code> (it may have expired).</p>",
            escape(&code)
        );
        (StatusCode::NOT_FOUND, Html(page("Unknown code", &body))).into_response()
    }
}

/// Control route helper: approve (as `user`) or deny a device request.
pub fn control_decide(st: &AppState, body: &Value, approve: bool) -> Result<Value, ApiError> {
    let code = body
        .get("user_code")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid(&["body", "user_code"], "Field required", "missing"))?;
    let state = if approve {
        let user = match body.get("user_email").and_then(Value::as_str) {
            None => st.demo_user,
            Some(email) => {
                let db = st.db.lock().expect("db lock");
                db.user_by_email(email)
                    .map(|u| u.id)
                    .ok_or_else(|| ApiError::NotFound(format!("No user with email '{email}'")))?
            }
        };
        DeviceState::Approved(user)
    } else {
        DeviceState::Denied
    };
    if st.auth.lock().expect("auth lock").decide(code, state) {
        Ok(json!({"user_code": normalize_user_code(code), "approved": approve}))
    } else {
        Err(ApiError::NotFound(format!("No pending device request with user code '{code}'")))
    }
}
