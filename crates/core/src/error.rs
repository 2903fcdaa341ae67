//! The one error type of core, with the closed set of codes the UI and the command line switch on.

use serde::{Deserialize, Serialize};
use zenml_cloud_api::{ApiError, NetworkErrorKind};

use crate::cache::CacheError;
use crate::keyring::KeyringError;

/// What kind of failure: a small closed set, stable across versions (the UI and `zpro` exit codes
/// switch on it).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumCount,
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    /// The server could not be reached; nothing was changed.
    Offline,
    /// Not signed in, or the session expired and could not be renewed.
    Unauthorized,
    /// The user's role does not allow it.
    Forbidden,
    /// It does not exist, or no longer does.
    NotFound,
    /// It already exists or is already assigned.
    Conflict,
    /// The server asked to slow down; try again in a moment.
    RateLimited,
    /// The organization's plan does not allow it.
    PlanLimit,
    /// The input was rejected (by this app's checks or by the server).
    InvalidInput,
    /// No OS keyring to keep credentials in.
    KeyringUnavailable,
    /// The server failed or answered something unreadable.
    Server,
    /// The user cancelled the operation.
    Cancelled,
    /// A bug or a local failure (disk, database).
    Internal,
}

impl ErrorCode {
    /// Every code, in the order declared.
    pub const ALL: [ErrorCode; <ErrorCode as strum::EnumCount>::COUNT] =
        match <ErrorCode as strum::VariantArray>::VARIANTS.first_chunk() {
            Some(all) => *all,
            None => unreachable!(),
        };

    /// The code of its wire name (as [`Self::as_str`] gives it); `None` for a name this build does not
    /// know.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The code as it appears on the wire (`"offline"`, …).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A message about one input field (for example one email of several).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// An error of core: a code, one plain sentence, and field messages for invalid input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct CoreError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
}

impl CoreError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), fields: Vec::new() }
    }

    pub fn invalid(message: impl Into<String>, fields: Vec<FieldMessage>) -> Self {
        Self { code: ErrorCode::InvalidInput, message: message.into(), fields }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// Whether this failure would meet every other item of a batch too (offline, signed out,
    /// refused): a batch that meets it on its first item stops there instead of trying each.
    pub fn ends_a_batch(&self) -> bool {
        matches!(self.code, ErrorCode::Offline | ErrorCode::Unauthorized | ErrorCode::Forbidden)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthorized, message)
    }

    pub fn cancelled() -> Self {
        Self::new(ErrorCode::Cancelled, "cancelled")
    }
}

impl From<ApiError> for CoreError {
    fn from(e: ApiError) -> Self {
        let message = match &e {
            // The server's own reason, said as its refusal: the server decides what a role may do.
            ApiError::Forbidden(detail) => match detail.message() {
                m if m.trim().is_empty() => "the server refused: your role does not allow this".to_owned(),
                m => format!("the server refused: {m}"),
            },
            other => other.to_string(),
        };
        let code = match &e {
            ApiError::Network { kind, .. } => {
                let message = match kind {
                    NetworkErrorKind::Connect => format!("offline: {message}"),
                    _ => format!("offline or the server is not answering: {message}"),
                };
                return Self::new(ErrorCode::Offline, message);
            }
            ApiError::InvalidBaseUrl(_) => ErrorCode::InvalidInput,
            ApiError::Unauthorized(_) | ApiError::AccessDenied(_) | ApiError::DeviceCodeExpired => {
                ErrorCode::Unauthorized
            }
            ApiError::PlanLimit(_) => ErrorCode::PlanLimit,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::InvalidInput(_) => ErrorCode::InvalidInput,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Server { .. }
            | ApiError::UnexpectedStatus { .. }
            | ApiError::MalformedResponse(_)
            | ApiError::Paging(_)
            | ApiError::RedirectRefused(_)
            | ApiError::ResponseTooLarge { .. } => ErrorCode::Server,
        };
        let fields = e
            .field_errors()
            .iter()
            .map(|f| FieldMessage { field: f.field.clone(), message: f.message.clone() })
            .collect();
        Self { code, message, fields }
    }
}

impl From<CacheError> for CoreError {
    fn from(e: CacheError) -> Self {
        Self::internal(format!("local cache: {e}"))
    }
}

impl From<KeyringError> for CoreError {
    fn from(e: KeyringError) -> Self {
        match e {
            KeyringError::Unavailable(m) => Self::new(ErrorCode::KeyringUnavailable, m),
            other => Self::internal(format!("keyring: {other}")),
        }
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code's wire name is its serde name, and parses back.
    #[test]
    fn codes_round_trip_by_their_wire_names() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
            assert_eq!(serde_json::from_value::<ErrorCode>(serde_json::json!(code.as_str())).unwrap(), code);
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("teapot"), None);
    }
}
