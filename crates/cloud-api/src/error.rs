//! Typed errors of the cloud API client.
//!
//! Every failure a caller has to tell apart is its own variant; the server's `detail` is kept in
//! whichever of its three forms it came (a string, `[ExceptionName, message]`, or FastAPI's 422 list)
//! and can always be turned into one plain sentence with [`ErrorDetail::message`].
//!
//! A server's text is capped where the body is read ([`ErrorDetail::parse`]): every string of it at
//! [`MAX_DETAIL_BYTES`] (on a character boundary, ending with an ellipsis), and so is the sentence
//! [`ErrorDetail::message`] makes of it, so an oversized `detail` never reaches the cache, the activity
//! journal or the log whole.

use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// The most bytes of a server's error text kept (1 KiB): see the module's docs.
pub const MAX_DETAIL_BYTES: usize = 1024;

/// What ends a capped text.
const ELLIPSIS: char = '…';

/// `s` as it is when it has at most [`MAX_DETAIL_BYTES`] bytes; else its longest start that ends on a
/// character boundary and leaves room for an ellipsis, then the ellipsis (at most
/// [`MAX_DETAIL_BYTES`] bytes in all).
pub fn cap_detail(s: &str) -> String {
    if s.len() <= MAX_DETAIL_BYTES {
        return s.to_owned();
    }
    let mut end = MAX_DETAIL_BYTES - ELLIPSIS.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + ELLIPSIS.len_utf8());
    out.push_str(&s[..end]);
    out.push(ELLIPSIS);
    out
}

/// The most field messages of a validation error kept.
const MAX_FIELDS: usize = 50;

/// The `detail` of an error response.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorDetail {
    /// No body, or a body without a recognisable detail.
    None,
    /// `{"detail": "message"}`.
    Text(String),
    /// `{"detail": ["ExceptionName", "message"]}` (ZenML's own exception form).
    Named { name: String, message: String },
    /// `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}` (FastAPI validation errors).
    Validation(Vec<FieldError>),
    /// OAuth errors from `/auth/login`: `{"error": "...", "error_description": "..."}`.
    OAuth { error: String, description: Option<String> },
    /// Any other JSON `detail`, kept as it came.
    Other(Value),
}

/// One field message of a FastAPI validation error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The location, joined with dots, without the leading `body`/`query`/`path` part
    /// (for example `email`).
    pub field: String,
    /// The full location as the server sent it.
    pub loc: Vec<String>,
    pub message: String,
    pub kind: Option<String>,
}

impl ErrorDetail {
    /// Parses an error body. Never fails: a body that is not JSON becomes `Text` of its first
    /// characters, an empty one `None`.
    pub fn parse(body: &[u8]) -> Self {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            return if text.is_empty() { Self::None } else { Self::Text(text.chars().take(200).collect()) };
        };
        if let Some(error) = value.get("error").and_then(Value::as_str) {
            return Self::OAuth {
                error: cap_detail(error),
                description: value.get("error_description").and_then(Value::as_str).map(cap_detail),
            };
        }
        match value.get("detail") {
            None | Some(Value::Null) => Self::None,
            Some(Value::String(s)) => Self::Text(cap_detail(s)),
            Some(Value::Array(items)) => Self::from_list(items),
            Some(other) => Self::Other(Self::capped_value(other)),
        }
    }

    /// Another form of `detail`, kept as it came when it is small; a longer string is capped, and
    /// anything else that large is dropped (its sentence says the form is unknown either way).
    fn capped_value(v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(cap_detail(s)),
            other if other.to_string().len() <= MAX_DETAIL_BYTES => other.clone(),
            _ => Value::Null,
        }
    }

    fn from_list(items: &[Value]) -> Self {
        if let [Value::String(name), Value::String(message)] = items {
            return Self::Named { name: cap_detail(name), message: cap_detail(message) };
        }
        let fields: Option<Vec<FieldError>> =
            items.iter().take(MAX_FIELDS).map(FieldError::from_value).collect();
        match fields {
            Some(fields) if !fields.is_empty() => Self::Validation(fields),
            _ => Self::Other(Value::Array(items.to_vec())),
        }
    }

    /// One plain sentence for people: never raw JSON, at most [`MAX_DETAIL_BYTES`].
    pub fn message(&self) -> String {
        let sentence = match self {
            Self::None => String::new(),
            Self::Text(s) => s.clone(),
            Self::Named { message, .. } => message.clone(),
            Self::Validation(fields) => fields
                .iter()
                .map(|f| {
                    if f.field.is_empty() {
                        f.message.clone()
                    } else {
                        format!("{}: {}", f.field, f.message)
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            Self::OAuth { error, description } => {
                description.clone().unwrap_or_else(|| error.replace('_', " "))
            }
            Self::Other(v) => match v {
                Value::String(s) => s.clone(),
                _ => "the server gave an error in a form this app does not know".to_owned(),
            },
        };
        cap_detail(&sentence)
    }

    /// The field messages of a validation error (empty for other forms).
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Self::Validation(f) => f,
            _ => &[],
        }
    }
}

impl FieldError {
    fn from_value(v: &Value) -> Option<Self> {
        let message = cap_detail(v.get("msg")?.as_str()?);
        let loc: Vec<String> = v
            .get("loc")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .take(MAX_FIELDS)
                    .map(|p| match p {
                        Value::String(s) => cap_detail(s),
                        other => cap_detail(&other.to_string()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let field = cap_detail(
            &loc.iter()
                .skip_while(|p| matches!(p.as_str(), "body" | "query" | "path" | "header"))
                .cloned()
                .collect::<Vec<_>>()
                .join("."),
        );
        let kind = v.get("type").and_then(Value::as_str).map(cap_detail);
        Some(Self { field, loc, message, kind })
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// What went wrong talking to the network, without a usable HTTP response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake): the request never left.
    Connect,
    /// The request or response took longer than the timeout.
    Timeout,
    /// The connection broke after the request may have been sent.
    Interrupted,
}

/// Errors of the cloud API client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The base URL is unusable (not a URL, or plain http to a host that is not loopback).
    #[error("invalid API URL: {0}")]
    InvalidBaseUrl(String),
    /// 401: the token is missing, expired or revoked, or the key/password was wrong.
    #[error("not signed in or the session has expired{}", suffix(.0))]
    Unauthorized(ErrorDetail),
    /// 402: a limit of the organization's plan was reached.
    #[error("the organization's plan does not allow this{}", suffix(.0))]
    PlanLimit(ErrorDetail),
    /// 403: the caller's role does not allow this.
    #[error("your role does not allow this{}", suffix(.0))]
    Forbidden(ErrorDetail),
    /// 404.
    #[error("not found{}", suffix(.0))]
    NotFound(ErrorDetail),
    /// 409: it already exists or is already assigned.
    #[error("already exists{}", suffix(.0))]
    Conflict(ErrorDetail),
    /// 422 (or 400): the server rejected the input; field messages are in the detail.
    #[error("invalid input{}", suffix(.0))]
    InvalidInput(ErrorDetail),
    /// 429 after the retry budget ran out.
    #[error("the server is rate limiting requests{}", retry_suffix(.retry_after))]
    RateLimited { retry_after: Option<Duration>, detail: ErrorDetail },
    /// 5xx after the retry budget ran out.
    #[error("the server failed (HTTP {status}){}", suffix(.detail))]
    Server { status: u16, detail: ErrorDetail },
    /// Any other unexpected status.
    #[error("unexpected HTTP status {status}{}", suffix(.detail))]
    UnexpectedStatus { status: u16, detail: ErrorDetail },
    /// No usable answer from the network.
    #[error("{}", network_message(*.kind, .message))]
    Network { kind: NetworkErrorKind, message: String },
    /// A success status with a body that does not parse as the expected shape.
    #[error("the server sent a response this app cannot read: {0}")]
    MalformedResponse(String),
    /// A redirect the client does not follow: to another host or port, from https to http, or of a
    /// request carrying a key or password.
    #[error("{0}")]
    RedirectRefused(String),
    /// The response body was larger than the client reads.
    #[error("the server sent a response larger than {} MiB; it was not read", .limit / (1024 * 1024))]
    ResponseTooLarge { limit: usize },
    /// A list could not be paged through: the server repeats pages, or the list has no end in sight.
    #[error("the server's list could not be read to the end: {0}")]
    Paging(String),
    /// The device authorization was denied in the browser.
    #[error("sign-in was denied in the browser{}", suffix(.0))]
    AccessDenied(ErrorDetail),
    /// The device code expired before the sign-in was approved.
    #[error("the sign-in request expired before it was approved; start again")]
    DeviceCodeExpired,
}

fn suffix(d: &ErrorDetail) -> String {
    let m = d.message();
    if m.is_empty() {
        String::new()
    } else {
        format!(": {m}")
    }
}

fn retry_suffix(r: &Option<Duration>) -> String {
    match r {
        Some(d) => format!("; try again in {} s", d.as_secs().max(1)),
        None => String::new(),
    }
}

fn network_message(kind: NetworkErrorKind, message: &str) -> String {
    let what = match kind {
        NetworkErrorKind::Connect => "could not reach the server",
        NetworkErrorKind::Timeout => "the server did not answer in time",
        NetworkErrorKind::Interrupted => "the connection to the server broke",
    };
    format!("{what} ({message})")
}

impl ApiError {
    /// Maps a non-success status and its body to an error.
    pub fn from_status(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        let detail = ErrorDetail::parse(body);
        match status {
            400 => match &detail {
                ErrorDetail::OAuth { error, .. } if error == "access_denied" => Self::AccessDenied(detail),
                ErrorDetail::OAuth { error, .. } if error == "expired_token" => Self::DeviceCodeExpired,
                ErrorDetail::OAuth { error, .. } if error == "invalid_grant" || error == "invalid_client" => {
                    Self::Unauthorized(detail)
                }
                _ => Self::InvalidInput(detail),
            },
            401 => Self::Unauthorized(detail),
            402 => Self::PlanLimit(detail),
            403 => Self::Forbidden(detail),
            404 => Self::NotFound(detail),
            409 => Self::Conflict(detail),
            422 => Self::InvalidInput(detail),
            429 => Self::RateLimited { retry_after, detail },
            500..=599 => Self::Server { status, detail },
            _ => Self::UnexpectedStatus { status, detail },
        }
    }

    /// The server's detail, when the error came from a response.
    pub fn detail(&self) -> Option<&ErrorDetail> {
        match self {
            Self::Unauthorized(d)
            | Self::PlanLimit(d)
            | Self::Forbidden(d)
            | Self::NotFound(d)
            | Self::Conflict(d)
            | Self::InvalidInput(d)
            | Self::AccessDenied(d)
            | Self::RateLimited { detail: d, .. }
            | Self::Server { detail: d, .. }
            | Self::UnexpectedStatus { detail: d, .. } => Some(d),
            _ => None,
        }
    }

    /// Field messages of an `InvalidInput` error.
    pub fn field_errors(&self) -> &[FieldError] {
        self.detail().map(ErrorDetail::fields).unwrap_or(&[])
    }

    /// Whether the server could not be reached at all (the app is offline or the server is down).
    pub fn is_offline(&self) -> bool {
        matches!(self, Self::Network { .. })
    }
}

/// Result type of this crate.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests;
