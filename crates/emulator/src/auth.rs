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

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::error::ApiError;
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

pub(crate) struct Session {
    pub(crate) user_id: Uuid,
    pub(crate) expires: Instant,
    pub(crate) kind: TokenKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceState {
    Pending,
    Approved(Uuid),
    Denied,
    /// A token was issued; the device code cannot be used again.
    Used,
}

pub(crate) struct DeviceRequest {
    pub(crate) client_id: String,
    pub(crate) device_id: Uuid,
    /// What the device said about itself in its `User-Agent` (`Host/…`, `OS/…` tokens only).
    pub(crate) metadata: Option<Value>,
    pub(crate) expires: Instant,
    pub(crate) last_poll: Option<Instant>,
    pub(crate) state: DeviceState,
}

/// Issued tokens and open device requests.
#[derive(Default)]
pub struct AuthState {
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) devices: HashMap<String, DeviceRequest>,
    /// user code → device code
    pub(crate) user_codes: HashMap<String, String>,
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

    pub(crate) fn user_code_known(&self, user_code: &str) -> bool {
        self.user_codes.contains_key(&normalize_user_code(user_code))
    }
}

pub(crate) fn normalize_user_code(code: &str) -> String {
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
