//! Accounts, sign-in and the app's state.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::{AccountRecord, AuthMethod};

/// Everything the UI needs at start.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AppStateView {
    pub accounts: Vec<AccountView>,
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

/// One user on one server.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccountView {
    pub id: String,
    pub base_url: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub signed_in: bool,
    pub active: bool,
    pub auth_method: AuthMethodView,
}

impl AccountView {
    pub fn new(a: &AccountRecord, active: bool) -> Self {
        Self {
            id: a.id.clone(),
            base_url: a.base_url.clone(),
            email: a.user_email.clone(),
            name: a.user_name.clone(),
            signed_in: a.signed_in,
            active,
            auth_method: a.auth_method,
        }
    }
}

/// A browser sign-in in progress: show `user_code`; the verification page is already opened.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DeviceLoginView {
    pub verification_url: String,
    pub user_code: String,
    /// Seconds until the code expires.
    pub expires_in: u32,
}
