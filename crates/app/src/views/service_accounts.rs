//! The organization's service accounts and their API keys, read live from the server (not cached), and
//! a key just created or rotated: the one view that carries a secret, returned once by the command that
//! made it and never put in an event, a log, the cache or a store.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

use zenml_pro_core::{ApiKeyRow, NewKey, ServiceAccountRow, ServiceAccounts, TOKENS_OUTLIVE};

use super::*;

/// One service account as the Service accounts page lists it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ServiceAccountView {
    pub id: String,
    /// Its name (its username).
    pub name: String,
    pub description: Option<String>,
    /// null when the server did not say.
    pub active: Option<bool>,
    pub last_login: Option<String>,
    /// How many API keys it has; null when the server did not say.
    pub key_count: Option<u32>,
    /// The names of its organization roles.
    pub roles: Vec<String>,
}

/// The organization's service accounts, or why the server does not offer them.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ServiceAccountsView {
    /// false when the server answered 404 or 403: it does not offer the list (to this user).
    pub offered: bool,
    pub reason: Option<String>,
    pub items: Vec<ServiceAccountView>,
    pub skipped: u32,
    /// What deactivating or deleting an account or a key leaves behind, said before either is sent.
    pub tokens_outlive: String,
}

/// One API key of a service account (never its value).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// null when the server did not say.
    pub active: Option<bool>,
    pub last_used: Option<String>,
    /// null: it does not expire (or the server did not say).
    pub expires: Option<String>,
    pub created: Option<String>,
}

/// A key just created or rotated, with its value: shown once, in the dialog that asked for it.
#[derive(Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct NewApiKeyView {
    pub key: ApiKeyView,
    /// The key itself. The server shows it this once; the app keeps no copy of it.
    pub value: String,
}

/// The key's value stays out of debug output (a panic, a log line).
impl std::fmt::Debug for NewApiKeyView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewApiKeyView").field("key", &self.key).field("value", &"<redacted>").finish()
    }
}

impl From<&ServiceAccountRow> for ServiceAccountView {
    fn from(s: &ServiceAccountRow) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            description: s.description.clone(),
            active: s.active,
            last_login: iso_opt(s.last_login),
            key_count: s.key_count,
            roles: s.roles.clone(),
        }
    }
}

impl From<&ServiceAccounts> for ServiceAccountsView {
    fn from(s: &ServiceAccounts) -> Self {
        let mut items: Vec<ServiceAccountView> = s.items.iter().map(ServiceAccountView::from).collect();
        items.sort_by_key(|a| a.name.to_lowercase());
        Self {
            offered: s.offered,
            reason: s.reason.clone(),
            items,
            skipped: to_u32(s.skipped),
            tokens_outlive: TOKENS_OUTLIVE.to_owned(),
        }
    }
}

impl From<&ApiKeyRow> for ApiKeyView {
    fn from(k: &ApiKeyRow) -> Self {
        Self {
            id: k.id.to_string(),
            name: k.name.clone(),
            description: k.description.clone(),
            active: k.active,
            last_used: iso_opt(k.last_used),
            expires: iso_opt(k.expires),
            created: iso_opt(k.created),
        }
    }
}

/// The one place a key's value is read out of core's redacting type: into the command's answer.
impl From<NewKey> for NewApiKeyView {
    fn from(k: NewKey) -> Self {
        Self { key: ApiKeyView::from(&k.key), value: k.secret.reveal().to_owned() }
    }
}
