//! [`IpcError`]: how every failure reaches the web UI — a closed [`ErrorCode`], one plain sentence, and
//! per-field messages.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::CoreError;

/// What kind of failure: core's closed set, which the UI switches on (`zenml_pro_core::ErrorCode`).
pub use zenml_pro_core::ErrorCode;

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
            code: e.code,
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
