//! Accounts, sign-in and the app's state.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::AuthMethod;

/// Everything the UI needs at start.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AppStateView {
    pub accounts: Vec<Account>,
    /// Id of the account commands act on.
    pub active_account: Option<String>,
    /// Demo mode: the app was started with `--demo`, or the in-app demo server is running.
    pub demo: bool,
    /// Something to tell the user once (the offline cache was rebuilt).
    pub cache_notice: Option<String>,
    pub version: String,
    /// The API URL the sign-in screen proposes (`ZENML_PRO_API_URL`).
    pub default_api_url: String,
    /// Whether the last sync reached the server (`true` before any sync).
    pub online: bool,
}

/// How an account signed in (core's type; the name the views had).
pub type AuthMethodView = AuthMethod;

pub use zenml_pro_core::records::Account;

/// A browser sign-in in progress: show `user_code`; the verification page is already opened.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DeviceLoginView {
    pub verification_url: String,
    pub user_code: String,
    /// Seconds until the code expires.
    pub expires_in: u32,
}
