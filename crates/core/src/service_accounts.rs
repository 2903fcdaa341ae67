//! Service accounts and their API keys, managed as in the dashboard (Settings → Service Accounts):
//! list accounts with their state, last login, key count and roles; create, activate, deactivate and
//! delete accounts; list keys with their last use and expiry; create a key (its secret shown once),
//! rotate it with a retention period, deactivate and delete it.
//!
//! Service accounts are read live, never cached. Every write goes through the write pipeline
//! (`pipeline::service_accounts`): the account (and key) is read from the server right before acting,
//! by id or name, and the write acts on that one id; the journal names the account and key, never the
//! secret. A key's secret is a [`KeySecret`]: redacted in `Debug` and `Display`, not serializable,
//! read only through [`KeySecret::reveal`], so it reaches no cache, journal, log or report.
//!
//! Roles and teams are given through the existing role and team writes, which address a service
//! account by its username (its `email` is not an address, e.g. `autobot`).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{ServiceAccount, ServiceAccountKey};

use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::pipeline::service_accounts::{
    CreateKey, CreateServiceAccount, DeleteKey, DeleteServiceAccount, RotateKey, SetKeyActive,
    SetServiceAccountActive,
};
use crate::service::Core;

/// Said when an account or key is deactivated or deleted.
pub const TOKENS_OUTLIVE: &str = "Tokens already issued stay valid for up to an hour.";

/// Longest service-account username this app sends, in characters.
pub const USERNAME_MAX: usize = 50;
/// Longest key name this app sends, in characters.
pub const KEY_NAME_MAX: usize = 100;
/// Longest expiry or retention this app sends, in minutes (ten years).
pub const MINUTES_MAX: u64 = 10 * 366 * 24 * 60;

/// A service account as listed: its state, last login, key count (when the server says) and the
/// organization roles the cached member rows show for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceAccountRow {
    pub id: Uuid,
    /// Its name, else its username, else its email, else its id.
    pub name: String,
    pub description: Option<String>,
    /// `None` when the server did not say.
    pub active: Option<bool>,
    pub last_login: Option<DateTime<Utc>>,
    pub key_count: Option<u32>,
    /// Its organization roles as last synced (none when it holds no role).
    pub roles: Vec<String>,
}

/// The organization's service accounts, or why the server does not offer them.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceAccounts {
    /// Whether the server offers the list to this caller (`false` on its 404 or 403).
    pub offered: bool,
    /// Why it is not offered, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub items: Vec<ServiceAccountRow>,
    /// Rows that could not be read.
    pub skipped: usize,
}

/// A key of a service account, without its secret.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiKeyRow {
    pub id: Uuid,
    /// Its name, else its id.
    pub name: String,
    pub description: Option<String>,
    pub active: Option<bool>,
    /// When it last signed in.
    pub last_used: Option<DateTime<Utc>>,
    /// `None`: it never expires (or the server did not say).
    pub expires: Option<DateTime<Utc>>,
    pub created: Option<DateTime<Utc>>,
}

/// A key's secret: shown once, never stored. `Debug` and `Display` print `<redacted>`; it does not
/// serialize; [`KeySecret::reveal`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct KeySecret(zenml_cloud_api::ApiKey);

impl KeySecret {
    /// The secret itself, to show the person once (a dialog with Copy, one line of `zpro`'s output).
    pub fn reveal(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeySecret(<redacted>)")
    }
}

impl fmt::Display for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A key just created or rotated, with its secret (served this once). Not `Serialize`.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub key: ApiKeyRow,
    pub secret: KeySecret,
}

impl NewKey {
    pub(crate) fn from_issued(issued: zenml_cloud_api::IssuedKey) -> Self {
        NewKey { key: ApiKeyRow::from(&issued.key), secret: KeySecret(issued.secret) }
    }
}

/// A service account's name as shown: its name, else its username, else its email, else its id.
pub fn account_name(s: &ServiceAccount) -> String {
    [&s.name, &s.username, &s.email]
        .into_iter()
        .flatten()
        .map(|n| n.trim())
        .find(|n| !n.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| s.id.to_string())
}

impl ServiceAccountRow {
    pub(crate) fn new(s: &ServiceAccount, roles: Vec<String>) -> Self {
        ServiceAccountRow {
            id: s.id,
            name: account_name(s),
            description: s.description.clone(),
            active: s.active,
            last_login: s.last_login,
            key_count: s.key_count.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            roles,
        }
    }
}

impl From<&ServiceAccountKey> for ApiKeyRow {
    fn from(k: &ServiceAccountKey) -> Self {
        ApiKeyRow {
            id: k.id,
            name: k.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| k.id.to_string()),
            description: k.description.clone(),
            active: k.active,
            last_used: k.last_used,
            expires: k.expires,
            created: k.created,
        }
    }
}

/// Checks a new service account's username: 1 to [`USERNAME_MAX`] ASCII letters, digits, `-`, `_`
/// and `.`.
pub fn check_username(name: &str) -> std::result::Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the username is empty".into());
    }
    if name.chars().count() > USERNAME_MAX {
        return Err(format!("the username is longer than {USERNAME_MAX} characters"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err("a username takes only letters, digits, '-', '_' and '.'".into());
    }
    Ok(())
}

/// Checks a key name: 1 to [`KEY_NAME_MAX`] characters, no control characters.
pub fn check_key_name(name: &str) -> std::result::Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the key name is empty".into());
    }
    if name.chars().count() > KEY_NAME_MAX {
        return Err(format!("the key name is longer than {KEY_NAME_MAX} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("the key name contains control characters".into());
    }
    Ok(())
}

/// Checks a number of minutes: `min` to [`MINUTES_MAX`].
pub(crate) fn check_minutes(field: &str, minutes: Option<u64>, min: u64) -> Result<()> {
    match minutes {
        Some(m) if m < min || m > MINUTES_MAX => Err(CoreError::invalid(
            format!("{} must be {min} to {MINUTES_MAX} minutes", field.replace('_', " ")),
            vec![FieldMessage { field: field.into(), message: "out of range".into() }],
        )),
        _ => Ok(()),
    }
}

/// The 404 of a server without service-account routes, in plain words.
pub(crate) fn not_offered(e: CoreError) -> CoreError {
    if e.code == ErrorCode::NotFound {
        CoreError { message: "this server does not offer service accounts (it answered 404)".into(), ..e }
    } else {
        e
    }
}

impl Core {
    /// The organization's service accounts, read live, each with its organization roles as last
    /// synced. When the server answers 404 (it has no such list) or 403 (not for this role), the
    /// result says it is not offered instead of failing.
    pub async fn service_accounts(&self, account_id: &str, org_id: Uuid) -> Result<ServiceAccounts> {
        let result =
            self.authed(account_id, |c, t| async move { c.all_service_accounts(&t, org_id).await }).await;
        match result {
            Ok(listing) => Ok(ServiceAccounts {
                offered: true,
                reason: None,
                skipped: listing.notes.skipped,
                items: listing
                    .items
                    .iter()
                    .map(|s| ServiceAccountRow::new(s, self.cached_roles(account_id, org_id, s.id)))
                    .collect(),
            }),
            Err(e) if matches!(e.code, ErrorCode::NotFound | ErrorCode::Forbidden) => {
                let reason = if e.code == ErrorCode::NotFound {
                    "the server does not offer a list of service accounts"
                } else {
                    "the server does not offer the list of service accounts to your role"
                };
                Ok(ServiceAccounts {
                    offered: false,
                    reason: Some(reason.into()),
                    items: Vec::new(),
                    skipped: 0,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The section-4 adoption warning for a new service account named `username`, to say before it is
    /// created: a workspace-level service account of that username is adopted by it.
    pub fn adoption_note(&self, username: &str) -> String {
        format!(
            "If a workspace of this organization has a workspace-level service account named {:?}, this \
             new account adopts it at its first login to that workspace: its history, and its old keys, \
             which keep working.",
            username.trim()
        )
    }

    /// The service account's organization roles as last synced (its member row), or none.
    pub(crate) fn cached_roles(&self, account_id: &str, org_id: Uuid, user_id: Uuid) -> Vec<String> {
        match self.with_cache(|c| c.user_member(account_id, org_id, user_id)) {
            Ok(Some(row)) => row.roles.iter().map(zenml_cloud_api::MemberRole::label).collect(),
            _ => Vec::new(),
        }
    }

    /// Creates a service account (with no role yet; give it one with the role commands). Said before:
    /// [`Core::adoption_note`]. Journaled.
    pub async fn create_service_account(
        &self,
        account_id: &str,
        org_id: Uuid,
        username: &str,
        description: Option<&str>,
    ) -> Result<ServiceAccountRow> {
        self.run(account_id, org_id, &CreateServiceAccount { username, description }).await
    }

    /// Activates or deactivates a service account (by id or name), read from the server first.
    /// Deactivating: [`TOKENS_OUTLIVE`]. Journaled; can be undone.
    pub async fn set_service_account_active(
        &self,
        account_id: &str,
        org_id: Uuid,
        sa: &str,
        active: bool,
    ) -> Result<ServiceAccountRow> {
        self.run(account_id, org_id, &SetServiceAccountActive { sa, active }).await
    }

    /// Deletes a service account (by id or name) with its keys: [`TOKENS_OUTLIVE`]. Journaled.
    pub async fn delete_service_account(&self, account_id: &str, org_id: Uuid, sa: &str) -> Result<()> {
        self.run(account_id, org_id, &DeleteServiceAccount { sa }).await
    }

    /// A service account's keys, read live (without their secrets).
    pub async fn api_keys(&self, account_id: &str, org_id: Uuid, sa: &str) -> Result<Vec<ApiKeyRow>> {
        let account = self.server_service_account(account_id, org_id, sa).await?;
        let keys = self.server_keys(account_id, org_id, account.id).await?;
        Ok(keys.iter().map(ApiKeyRow::from).collect())
    }

    /// Creates a key for a service account; its secret comes back this once and is stored nowhere.
    /// Journaled (without the secret).
    pub async fn create_api_key(
        &self,
        account_id: &str,
        org_id: Uuid,
        sa: &str,
        name: &str,
        description: Option<&str>,
        expires_in_minutes: Option<u64>,
    ) -> Result<NewKey> {
        self.run(account_id, org_id, &CreateKey { sa, name, description, expires_in_minutes }).await
    }

    /// Rotates a key: a new secret, served this once; the old one keeps working `retain_minutes`
    /// (none: it stops now). Journaled (without either secret).
    pub async fn rotate_api_key(
        &self,
        account_id: &str,
        org_id: Uuid,
        sa: &str,
        key: &str,
        retain_minutes: Option<u64>,
    ) -> Result<NewKey> {
        self.run(account_id, org_id, &RotateKey { sa, key, retain_minutes }).await
    }

    /// Activates or deactivates a key. Deactivating: [`TOKENS_OUTLIVE`]. Journaled; can be undone.
    pub async fn set_api_key_active(
        &self,
        account_id: &str,
        org_id: Uuid,
        sa: &str,
        key: &str,
        active: bool,
    ) -> Result<ApiKeyRow> {
        self.run(account_id, org_id, &SetKeyActive { sa, key, active }).await
    }

    /// Deletes a key: [`TOKENS_OUTLIVE`]. Journaled.
    pub async fn delete_api_key(&self, account_id: &str, org_id: Uuid, sa: &str, key: &str) -> Result<()> {
        self.run(account_id, org_id, &DeleteKey { sa, key }).await
    }

    /// The organization's service accounts as the server has them now.
    pub(crate) async fn server_service_accounts(
        &self,
        account_id: &str,
        org_id: Uuid,
    ) -> Result<Vec<ServiceAccount>> {
        let listing = self
            .authed(account_id, |c, t| async move { c.all_service_accounts(&t, org_id).await })
            .await
            .map_err(not_offered)?;
        Ok(listing.items)
    }

    /// The one service account `sa` names on the server now: an id only as an id, else the one whose
    /// username (or name) equals it, ASCII case aside. None, or several, is refused.
    pub(crate) async fn server_service_account(
        &self,
        account_id: &str,
        org_id: Uuid,
        sa: &str,
    ) -> Result<ServiceAccount> {
        let needle = sa.trim();
        if needle.is_empty() {
            return Err(CoreError::invalid(
                "say which service account: its name or id",
                vec![FieldMessage { field: "service_account".into(), message: "empty".into() }],
            ));
        }
        let all = self.server_service_accounts(account_id, org_id).await?;
        pick(all, needle, "service account", |s| {
            let names = [&s.username, &s.name];
            (
                s.id,
                names.into_iter().flatten().any(|n| n.trim().eq_ignore_ascii_case(needle)),
                account_name(s),
            )
        })
    }

    /// A service account's keys as the server has them now.
    pub(crate) async fn server_keys(
        &self,
        account_id: &str,
        org_id: Uuid,
        sa_id: Uuid,
    ) -> Result<Vec<ServiceAccountKey>> {
        let listing = self
            .authed(account_id, |c, t| async move { c.all_service_account_keys(&t, org_id, sa_id).await })
            .await?;
        Ok(listing.items)
    }

    /// The one key `key` names among a service account's keys on the server now (id, else name).
    pub(crate) async fn server_key(
        &self,
        account_id: &str,
        org_id: Uuid,
        sa: &ServiceAccount,
        key: &str,
    ) -> Result<ServiceAccountKey> {
        let needle = key.trim();
        if needle.is_empty() {
            return Err(CoreError::invalid(
                "say which key: its name or id",
                vec![FieldMessage { field: "key".into(), message: "empty".into() }],
            ));
        }
        let keys = self.server_keys(account_id, org_id, sa.id).await?;
        let what = format!("key of {}", account_name(sa));
        pick(keys, needle, &what, |k| {
            let named = k.name.as_deref().is_some_and(|n| n.trim().eq_ignore_ascii_case(needle));
            (k.id, named, k.name.clone().unwrap_or_else(|| k.id.to_string()))
        })
    }
}

/// The one item `needle` names: by id only as an id, else the one whose name matches; none is
/// `not_found`, several is `invalid_input` naming them.
fn pick<T>(items: Vec<T>, needle: &str, what: &str, key: impl Fn(&T) -> (Uuid, bool, String)) -> Result<T> {
    if let Ok(id) = Uuid::parse_str(needle) {
        return items
            .into_iter()
            .find(|i| key(i).0 == id)
            .ok_or_else(|| CoreError::not_found(format!("no {what} with the id {id} on the server")));
    }
    let mut named: Vec<T> = items.into_iter().filter(|i| key(i).1).collect();
    match named.len() {
        0 => Err(CoreError::not_found(format!("no {what} named {needle:?} on the server"))),
        1 => Ok(named.remove(0)),
        n => {
            let ids: Vec<String> = named.iter().map(|i| format!("{} ({})", key(i).2, key(i).0)).collect();
            Err(CoreError::invalid(
                format!("{n} of them are named {needle:?}: {}; say which by id", ids.join(", ")),
                vec![FieldMessage { field: "name".into(), message: "ambiguous".into() }],
            ))
        }
    }
}
