//! Service accounts and their API keys, as the dashboard manages them (Settings → Service Accounts).
//!
//! The routes are this project's shape where the contract has none (section 4 marks them [S]):
//! - `GET /organizations/{org_id}/service_accounts`: the organization's service accounts (those it
//!   created, and those holding a role in it), each the user shape plus `description`, `last_login`
//!   and `api_key_count`;
//! - `POST /organizations/{org_id}/service_accounts` `{username, description?}` → the account; 409
//!   when a user of that username exists;
//! - `PATCH /organizations/{org_id}/service_accounts/{name_or_id}` `{active?, description?}`;
//! - `DELETE /organizations/{org_id}/service_accounts/{name_or_id}`: the account, its roles, team
//!   memberships and keys go;
//! - `GET …/{name_or_id}/api_keys` → `[{id, name, description, active, last_login, expires,
//!   created, retain_period_minutes}]` (`last_login`: the key's last use);
//! - `POST …/{name_or_id}/api_keys` `{name, description?, expires_in_minutes?}` → the key object with
//!   `key` (`ZENPROKEY_…`), the only time the secret is served;
//! - `POST …/api_keys/{key_name_or_id}/rotate` `{retain_period_minutes?}` → the key object with the
//!   new `key`; the old secret keeps working for the retention period (none: it stops at once);
//! - `PATCH …/api_keys/{key_name_or_id}` `{active?, description?}`; `DELETE …/api_keys/{key_name_or_id}`.
//!
//! All are key routes: a device-flow token is refused with the typed 401 (`KeyRouteCaller`). Reading
//! needs a role that reads everything; writing needs Organization Admin or Manager. The variant dialect
//! answers 404 on every one of them, after authentication, as a server that does not offer them.
//! A created key signs in at `POST /auth/login` (`password=<key>`) while it and its account are
//! active and it has not expired; a deactivated or deleted account or key, or a rotated-out secret
//! past its retention, is refused ([`Db::key_user`]). Tokens already issued stay valid.

use chrono::{DateTime, Utc};
use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::error::ApiError;
use crate::model::{ApiKey, Db, Subject, User};

/// Longest service-account username, in characters.
pub const USERNAME_MAX: usize = 50;
/// Longest key name, in characters.
pub const KEY_NAME_MAX: usize = 100;
/// What every service-account key starts with.
pub const KEY_PREFIX: &str = "ZENPROKEY_";

/// The variant dialect does not offer these routes.
pub(crate) fn offered(d: Dialect) -> Result<(), ApiError> {
    if d.is_variant() {
        Err(ApiError::NotFound("Not Found".into()))
    } else {
        Ok(())
    }
}

pub(crate) fn new_secret() -> String {
    format!("{KEY_PREFIX}{}", Alphanumeric.sample_string(&mut rand::rng(), 48))
}

/// Whether the service account `user` belongs to the organization: created in it, or holding a role
/// in it.
pub(crate) fn in_org(db: &Db, org_id: Uuid, user: &User) -> bool {
    user.is_service_account
        && (db.service_accounts.get(&user.id).and_then(|i| i.organization_id) == Some(org_id)
            || db.orgs.get(&org_id).is_some_and(|o| o.grants.contains_key(&Subject::User(user.id))))
}

/// The organization's service account by id or username, or 404.
pub(crate) fn find_sa(db: &Db, org_id: Uuid, name_or_id: &str) -> Result<Uuid, ApiError> {
    let by_id = Uuid::parse_str(name_or_id).ok();
    db.users
        .values()
        .filter(|u| in_org(db, org_id, u))
        .find(|u| Some(u.id) == by_id || u.username == name_or_id)
        .map(|u| u.id)
        .ok_or_else(|| ApiError::not_found("ServiceAccount", name_or_id))
}

/// The service account's key by id or name, or 404.
pub(crate) fn find_key(db: &Db, sa: Uuid, name_or_id: &str) -> Result<Uuid, ApiError> {
    let by_id = Uuid::parse_str(name_or_id).ok();
    db.api_keys
        .values()
        .filter(|k| k.user_id == sa)
        .find(|k| Some(k.id) == by_id || k.name == name_or_id)
        .map(|k| k.id)
        .ok_or_else(|| ApiError::not_found("APIKey", name_or_id))
}

impl Db {
    /// A service account: the user shape plus `description`, `last_login` and `api_key_count`.
    pub fn service_account_json(&self, d: Dialect, u: &User) -> Value {
        let mut v = Db::user_json(d, u);
        let info = self.service_accounts.get(&u.id).cloned().unwrap_or_default();
        let count = self.api_keys.values().filter(|k| k.user_id == u.id).count();
        if let Some(m) = v.as_object_mut() {
            m.insert("description".into(), json!(info.description));
            m.insert("last_login".into(), json!(info.last_login));
            m.insert("api_key_count".into(), json!(count));
        }
        d.finish(v)
    }

    /// An API key, without its secret.
    pub fn api_key_json(d: Dialect, k: &ApiKey) -> Value {
        d.finish(json!({
            "id": k.id,
            "name": k.name,
            "description": k.description,
            "active": k.active,
            "last_login": k.last_used,
            "expires": k.expires,
            "created": k.created,
            "retain_period_minutes": k.retain_period_minutes,
        }))
    }

    /// The user a long-lived key signs in as, now: a demo key, or a created key that is active, not
    /// expired, of an active service account that still exists (its current secret, or a rotated-out
    /// one within its retention). A created key's use is noted as its and its account's last login.
    pub fn key_user(&mut self, secret: &str, now: DateTime<Utc>) -> Option<Uuid> {
        let live =
            |db: &Db, user: Uuid| db.users.get(&user).is_some_and(|u| !u.is_service_account || u.is_active);
        if let Some(user) = self.keys.get(secret).copied() {
            return live(self, user).then_some(user);
        }
        let key = self.api_keys.values().find(|k| {
            k.secret == secret || k.retired.iter().any(|(old, until)| old == secret && *until > now)
        })?;
        if !key.active || key.expires.is_some_and(|e| e <= now) || !live(self, key.user_id) {
            return None;
        }
        let (id, user) = (key.id, key.user_id);
        if let Some(k) = self.api_keys.get_mut(&id) {
            k.last_used = Some(now);
        }
        self.service_accounts.entry(user).or_default().last_login = Some(now);
        Some(user)
    }
}

/// The key object with its secret, served once.
pub(crate) fn with_secret(d: Dialect, k: &ApiKey) -> Value {
    let mut v = Db::api_key_json(d, k);
    if let Some(m) = v.as_object_mut() {
        m.insert("key".into(), json!(k.secret));
    }
    v
}

/// Samples of the shapes for the OpenAPI document: every demo service account, and a key with and
/// without an expiry and a last use.
pub fn samples(d: Dialect, db: &Db) -> (Vec<Value>, Vec<Value>) {
    let accounts = db.users.values().filter(|u| u.is_service_account).map(|u| db.service_account_json(d, u));
    let when = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let key = ApiKey {
        id: Uuid::nil(),
        user_id: Uuid::nil(),
        name: "ci".into(),
        description: Some("Pipelines".into()),
        active: true,
        created: when,
        last_used: Some(when),
        expires: Some(when),
        secret: format!("{KEY_PREFIX}sample"),
        retired: Vec::new(),
        retain_period_minutes: Some(60),
    };
    let bare = ApiKey {
        description: None,
        last_used: None,
        expires: None,
        retain_period_minutes: None,
        ..key.clone()
    };
    (accounts.collect(), vec![with_secret(d, &key), Db::api_key_json(d, &bare)])
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    /// A rotated-out secret works until its retention ends, then never again; an expired key, an
    /// inactive one, and one of an inactive account are refused; the current secret's use is noted.
    #[test]
    fn secrets_sign_in_only_while_they_may() {
        let now = Utc::now();
        let mut db = Db::default();
        let user = User {
            id: Uuid::new_v4(),
            username: "bot".into(),
            email: "bot".into(),
            name: "bot".into(),
            avatar_url: None,
            is_superuser: false,
            is_service_account: true,
            is_active: true,
            created: now,
        };
        let uid = user.id;
        db.users.insert(uid, user);
        let key = ApiKey {
            id: Uuid::new_v4(),
            user_id: uid,
            name: "ci".into(),
            description: None,
            active: true,
            created: now,
            last_used: None,
            expires: Some(now + Duration::minutes(120)),
            secret: "ZENPROKEY_new".into(),
            retired: vec![("ZENPROKEY_old".into(), now + Duration::minutes(30))],
            retain_period_minutes: Some(30),
        };
        let kid = key.id;
        db.api_keys.insert(kid, key);

        assert_eq!(db.key_user("ZENPROKEY_old", now + Duration::minutes(29)), Some(uid));
        assert_eq!(db.key_user("ZENPROKEY_old", now + Duration::minutes(31)), None, "retention over");
        assert_eq!(db.key_user("ZENPROKEY_new", now + Duration::minutes(31)), Some(uid));
        assert_eq!(db.api_keys[&kid].last_used, Some(now + Duration::minutes(31)));
        assert_eq!(db.service_accounts[&uid].last_login, Some(now + Duration::minutes(31)));
        assert_eq!(db.key_user("ZENPROKEY_new", now + Duration::minutes(121)), None, "expired");
        assert_eq!(db.key_user("ZENPROKEY_other", now), None);

        db.users.get_mut(&uid).unwrap().is_active = false;
        assert_eq!(db.key_user("ZENPROKEY_new", now), None, "inactive account");
        db.users.get_mut(&uid).unwrap().is_active = true;
        db.api_keys.get_mut(&kid).unwrap().active = false;
        assert_eq!(db.key_user("ZENPROKEY_new", now), None, "inactive key");
    }
}
