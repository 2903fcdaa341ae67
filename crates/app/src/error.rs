//! [`IpcError`]: how every failure reaches the web UI — a closed [`ErrorCode`], one plain sentence, and
//! per-field messages.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::CoreError;

/// What kind of failure: the closed set the UI switches on. It mirrors core's `ErrorCode` one to one;
/// the exhaustive `From` below makes a new code in core a compile error here until it is mirrored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The server could not be reached; nothing was changed.
    Offline,
    /// Not signed in, or the session expired and could not be renewed.
    Unauthorized,
    /// The user's role does not allow it.
    Forbidden,
    NotFound,
    /// It already exists or is already assigned.
    Conflict,
    RateLimited,
    /// The organization's plan does not allow it.
    PlanLimit,
    /// The input was rejected (by the app's checks or by the server).
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

impl From<zenml_pro_core::ErrorCode> for ErrorCode {
    fn from(c: zenml_pro_core::ErrorCode) -> Self {
        use zenml_pro_core::ErrorCode as C;
        match c {
            C::Offline => Self::Offline,
            C::Unauthorized => Self::Unauthorized,
            C::Forbidden => Self::Forbidden,
            C::NotFound => Self::NotFound,
            C::Conflict => Self::Conflict,
            C::RateLimited => Self::RateLimited,
            C::PlanLimit => Self::PlanLimit,
            C::InvalidInput => Self::InvalidInput,
            C::KeyringUnavailable => Self::KeyringUnavailable,
            C::Server => Self::Server,
            C::Cancelled => Self::Cancelled,
            C::Internal => Self::Internal,
        }
    }
}

/// A message about one input field (for example one email of several).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// The error every command returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldMessage>,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), fields: Vec::new() }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

impl From<CoreError> for IpcError {
    fn from(e: CoreError) -> Self {
        Self {
            code: e.code.into(),
            message: e.message,
            fields: e
                .fields
                .into_iter()
                .map(|f| FieldMessage { field: f.field, message: f.message })
                .collect(),
        }
    }
}

/// Short for the app's results.
pub type IpcResult<T> = Result<T, IpcError>;
