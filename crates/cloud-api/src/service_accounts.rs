//! Service accounts and their API keys, managed as in the dashboard: create, activate or deactivate,
//! delete an account; list, create, rotate, activate or deactivate, delete its keys.
//!
//! The routes are [S] in the contract (section 4): this project's shape, read tolerantly. An account
//! is addressed by its id or username, a key by its id or name (the client sends ids). A key's secret
//! (`key`, `ZENPROKEY_…`) comes once, in the answer to its creation or rotation, and is held only as
//! an [`ApiKey`] secret: its `Debug` and `Display` are redacted and it does not serialize.
//!
//! Key shape [S/P]: `{id, name, description, active (or is_active), last_login (or last_used), expires
//! (or expires_at), created, retain_period_minutes}`.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::Serialize;
use uuid::Uuid;

use crate::client::{ApiClient, Call};
use crate::error::{ApiError, Result};
use crate::secret::{AccessToken, ApiKey};
use crate::teams::ServiceAccount;
use crate::wire::{spec, Listing, ModelSpec, Obj, Skip, Wire};

/// Body of `POST /organizations/{org}/service_accounts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceAccountCreate {
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Body of a service account's or key's `PATCH`: only what changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActiveUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Body of `POST …/api_keys`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiKeyCreate {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_minutes: Option<u64>,
}

/// Body of `POST …/api_keys/{key}/rotate`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ApiKeyRotate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retain_period_minutes: Option<u64>,
}

spec!(pub SERVICE_ACCOUNT_KEY_SPEC, "service_account_key", [
    "id", "name", "description", "active", "last_login", "expires", "created", "retain_period_minutes",
] alt ["is_active", "last_used", "expires_at"]);

/// One API key of a service account, without its secret.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceAccountKey {
    pub id: Uuid,
    pub name: Option<String>,
    pub description: Option<String>,
    pub active: Option<bool>,
    /// When the key was last used to sign in.
    pub last_used: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    pub created: Option<DateTime<Utc>>,
    pub retain_period_minutes: Option<u64>,
}

impl Wire for ServiceAccountKey {
    fn spec() -> &'static ModelSpec {
        &SERVICE_ACCOUNT_KEY_SPEC
    }

    fn read(o: &mut Obj<'_>) -> std::result::Result<Self, Skip> {
        let active = o.opt("active");
        let last_used = o.opt("last_login");
        let expires = o.opt("expires");
        Ok(Self {
            id: o.req("id", "it has no id")?,
            name: o.opt("name"),
            description: o.opt("description"),
            active: active.or_else(|| o.opt("is_active")),
            last_used: last_used.or_else(|| o.opt("last_used")),
            expires: expires.or_else(|| o.opt("expires_at")),
            created: o.opt("created"),
            retain_period_minutes: o.opt("retain_period_minutes"),
        })
    }
}

/// A key just created or rotated: the key, and its secret, served this once. Not `Serialize`; the
/// secret's `Debug` is redacted.
#[derive(Clone, Debug)]
pub struct IssuedKey {
    pub key: ServiceAccountKey,
    pub secret: ApiKey,
}

/// The secret of a key answer, from its `key` field (a bare string).
fn secret_of(value: &serde_json::Value) -> Result<ApiKey> {
    match value.get("key").and_then(serde_json::Value::as_str).filter(|s| !s.trim().is_empty()) {
        Some(s) => Ok(ApiKey::new(s.trim())),
        None => Err(ApiError::MalformedResponse("the server's answer did not hold the new key".into())),
    }
}

fn issued(value: serde_json::Value) -> Result<IssuedKey> {
    let secret = secret_of(&value)?;
    let mut notes = crate::wire::ReadNotes::default();
    let key = crate::wire::read_one::<ServiceAccountKey>(&value, &mut notes).map_err(|Skip(reason)| {
        ApiError::MalformedResponse(format!("the key it sent could not be read: {reason}"))
    })?;
    Ok(IssuedKey { key, secret })
}

impl ApiClient {
    /// `POST /organizations/{org}/service_accounts`.
    pub async fn create_service_account(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        create: &ServiceAccountCreate,
    ) -> Result<ServiceAccount> {
        let org = org_id.to_string();
        let call = Call::new(Method::POST, &["organizations", &org, "service_accounts"])
            .token(token)
            .json(create)?;
        Ok(self.send_wire::<ServiceAccount>(call).await?.0)
    }

    /// `PATCH /organizations/{org}/service_accounts/{id}` with only what changes.
    pub async fn update_service_account(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        sa_id: Uuid,
        update: &ActiveUpdate,
    ) -> Result<ServiceAccount> {
        let (org, sa) = (org_id.to_string(), sa_id.to_string());
        let call = Call::new(Method::PATCH, &["organizations", &org, "service_accounts", &sa])
            .token(token)
            .json(update)?;
        Ok(self.send_wire::<ServiceAccount>(call).await?.0)
    }

    /// `DELETE /organizations/{org}/service_accounts/{id}`.
    pub async fn delete_service_account(&self, token: &AccessToken, org_id: Uuid, sa_id: Uuid) -> Result<()> {
        let (org, sa) = (org_id.to_string(), sa_id.to_string());
        self.send_unit(
            Call::new(Method::DELETE, &["organizations", &org, "service_accounts", &sa]).token(token),
        )
        .await
    }

    /// Every key of a service account: `GET …/service_accounts/{id}/api_keys`.
    pub async fn all_service_account_keys(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        sa_id: Uuid,
    ) -> Result<Listing<ServiceAccountKey>> {
        let (org, sa) = (org_id.to_string(), sa_id.to_string());
        self.all(|p| {
            Call::new(Method::GET, &["organizations", &org, "service_accounts", &sa, "api_keys"])
                .token(token)
                .page(p)
        })
        .await
    }

    /// `POST …/service_accounts/{id}/api_keys`: the key, and its secret served this once.
    pub async fn create_service_account_key(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        sa_id: Uuid,
        create: &ApiKeyCreate,
    ) -> Result<IssuedKey> {
        let (org, sa) = (org_id.to_string(), sa_id.to_string());
        let call = Call::new(Method::POST, &["organizations", &org, "service_accounts", &sa, "api_keys"])
            .token(token)
            .json(create)?;
        issued(self.send_value(call).await?)
    }

    /// `POST …/api_keys/{key}/rotate`: the key, and its new secret served this once.
    pub async fn rotate_service_account_key(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        sa_id: Uuid,
        key_id: Uuid,
        rotate: &ApiKeyRotate,
    ) -> Result<IssuedKey> {
        let (org, sa, key) = (org_id.to_string(), sa_id.to_string(), key_id.to_string());
        let call = Call::new(
            Method::POST,
            &["organizations", &org, "service_accounts", &sa, "api_keys", &key, "rotate"],
        )
        .token(token)
        .json(rotate)?;
        issued(self.send_value(call).await?)
    }

    /// `PATCH …/api_keys/{key}` with only what changes.
    pub async fn update_service_account_key(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        sa_id: Uuid,
        key_id: Uuid,
        update: &ActiveUpdate,
    ) -> Result<ServiceAccountKey> {
        let (org, sa, key) = (org_id.to_string(), sa_id.to_string(), key_id.to_string());
        let call =
            Call::new(Method::PATCH, &["organizations", &org, "service_accounts", &sa, "api_keys", &key])
                .token(token)
                .json(update)?;
        Ok(self.send_wire::<ServiceAccountKey>(call).await?.0)
    }

    /// `DELETE …/api_keys/{key}`.
    pub async fn delete_service_account_key(
        &self,
        token: &AccessToken,
        org_id: Uuid,
        sa_id: Uuid,
        key_id: Uuid,
    ) -> Result<()> {
        let (org, sa, key) = (org_id.to_string(), sa_id.to_string(), key_id.to_string());
        self.send_unit(
            Call::new(Method::DELETE, &["organizations", &org, "service_accounts", &sa, "api_keys", &key])
                .token(token),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_read_tolerantly_and_the_secret_only_from_key() {
        let rows = json!([
            {"id": "11111111-2222-4333-8444-555555555551", "name": "ci", "active": true,
             "last_login": "2024-01-02T03:04:05Z", "expires": null},
            {"id": "11111111-2222-4333-8444-555555555552", "name": "old", "is_active": false,
             "last_used": 1_700_000_000, "expires_at": "2030-01-01T00:00:00Z"},
            {"name": "no id"},
        ]);
        let listing = Listing::<ServiceAccountKey>::read(rows.as_array().unwrap());
        assert_eq!(listing.items.len(), 2);
        assert_eq!(listing.notes.skipped, 1);
        assert_eq!(listing.items[0].active, Some(true));
        assert!(listing.items[0].last_used.is_some() && listing.items[0].expires.is_none());
        assert_eq!(listing.items[1].active, Some(false));
        assert!(listing.items[1].last_used.is_some() && listing.items[1].expires.is_some());

        let issued =
            issued(json!({"id": "11111111-2222-4333-8444-555555555551", "key": "ZENPROKEY_abc"})).unwrap();
        assert_eq!(issued.secret.expose(), "ZENPROKEY_abc");
        assert!(!format!("{issued:?}").contains("abc"));
        let missing = super::issued(json!({"id": "11111111-2222-4333-8444-555555555551"})).unwrap_err();
        assert!(matches!(missing, ApiError::MalformedResponse(_)));
    }

    #[test]
    fn bodies_are_written_exactly() {
        let create = ServiceAccountCreate { username: "autobot".into(), description: None };
        assert_eq!(serde_json::to_value(&create).unwrap(), json!({"username": "autobot"}));
        let update = ActiveUpdate { active: Some(false), description: None };
        assert_eq!(serde_json::to_value(&update).unwrap(), json!({"active": false}));
        let key = ApiKeyCreate { name: "ci".into(), description: None, expires_in_minutes: Some(60) };
        assert_eq!(serde_json::to_value(&key).unwrap(), json!({"name": "ci", "expires_in_minutes": 60}));
        assert_eq!(serde_json::to_value(ApiKeyRotate::default()).unwrap(), json!({}));
    }
}
