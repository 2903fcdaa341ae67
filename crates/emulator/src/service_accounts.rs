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
//! All are key routes: a device-flow token is refused with the typed 401 ([`KeyRouteCaller`]). Reading
//! needs a role that reads everything; writing needs Organization Admin or Manager. The variant dialect
//! answers 404 on every one of them, after authentication, as a server that does not offer them.
//! A created key signs in at `POST /auth/login` (`password=<key>`) while it and its account are
//! active and it has not expired; a deactivated or deleted account or key, or a rotated-out secret
//! past its retention, is refused ([`Db::key_user`]). Tokens already issued stay valid.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use rand::distr::{Alphanumeric, SampleString};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::api::{access, lock, paged, require_manage, require_read_all, ApiResult};
use crate::auth::KeyRouteCaller;
use crate::dialect::Dialect;
use crate::error::{parse_body, path_uuid, ApiError, Params};
use crate::model::{ApiKey, Db, ServiceAccountInfo, Subject, User};
use crate::AppState;

/// Longest service-account username, in characters.
pub const USERNAME_MAX: usize = 50;
/// Longest key name, in characters.
pub const KEY_NAME_MAX: usize = 100;
/// What every service-account key starts with.
pub const KEY_PREFIX: &str = "ZENPROKEY_";

/// The variant dialect does not offer these routes.
fn offered(d: Dialect) -> Result<(), ApiError> {
    if d.is_variant() {
        Err(ApiError::NotFound("Not Found".into()))
    } else {
        Ok(())
    }
}

fn new_secret() -> String {
    format!("{KEY_PREFIX}{}", Alphanumeric.sample_string(&mut rand::rng(), 48))
}

/// Whether the service account `user` belongs to the organization: created in it, or holding a role
/// in it.
fn in_org(db: &Db, org_id: Uuid, user: &User) -> bool {
    user.is_service_account
        && (db.service_accounts.get(&user.id).and_then(|i| i.organization_id) == Some(org_id)
            || db.orgs.get(&org_id).is_some_and(|o| o.grants.contains_key(&Subject::User(user.id))))
}

/// The organization's service account by id or username, or 404.
fn find_sa(db: &Db, org_id: Uuid, name_or_id: &str) -> Result<Uuid, ApiError> {
    let by_id = Uuid::parse_str(name_or_id).ok();
    db.users
        .values()
        .filter(|u| in_org(db, org_id, u))
        .find(|u| Some(u.id) == by_id || u.username == name_or_id)
        .map(|u| u.id)
        .ok_or_else(|| ApiError::not_found("ServiceAccount", name_or_id))
}

/// The service account's key by id or name, or 404.
fn find_key(db: &Db, sa: Uuid, name_or_id: &str) -> Result<Uuid, ApiError> {
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

pub async fn list_service_accounts(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    params.page()?;
    let d = st.config.dialect;
    offered(d)?;
    let db = lock(&st);
    require_read_all(access(&db, org_id, caller)?)?;
    let items = db
        .users
        .values()
        .filter(|u| in_org(&db, org_id, u))
        .map(|u| (u.username.to_lowercase(), u.id, db.service_account_json(d, u)))
        .collect();
    paged(items, &params)
}

#[derive(Deserialize)]
struct AccountCreate {
    username: Option<String>,
    description: Option<String>,
}

fn check_username(name: &str) -> Result<(), ApiError> {
    let ok = !name.is_empty()
        && name.chars().count() <= USERNAME_MAX
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            &["body", "username"],
            format!("Usernames are 1 to {USERNAME_MAX} letters, digits, '-', '_' and '.'"),
            "value_error",
        ))
    }
}

pub async fn create_service_account(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let d = st.config.dialect;
    offered(d)?;
    let create: AccountCreate = parse_body(&body)?;
    let username = create
        .username
        .map(|u| u.trim().to_string())
        .ok_or_else(|| ApiError::invalid(&["body", "username"], "Field required", "missing"))?;
    check_username(&username)?;
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    if db.users.values().any(|u| u.username.eq_ignore_ascii_case(&username)) {
        return Err(ApiError::Conflict(format!("A service account named '{username}' already exists")));
    }
    let now = Utc::now();
    let user = User {
        id: Uuid::new_v4(),
        username: username.clone(),
        email: username.clone(),
        name: username,
        avatar_url: None,
        is_superuser: false,
        is_service_account: true,
        is_active: true,
        created: now,
    };
    let uid = user.id;
    db.users.insert(uid, user);
    db.service_accounts.insert(
        uid,
        ServiceAccountInfo {
            organization_id: Some(org_id),
            description: create.description.filter(|s| !s.trim().is_empty()),
            last_login: None,
        },
    );
    Ok(Json(db.service_account_json(d, &db.users[&uid])))
}

#[derive(Deserialize)]
struct ActiveUpdate {
    active: Option<bool>,
    description: Option<String>,
}

pub async fn update_service_account(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path((id, sa)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let d = st.config.dialect;
    offered(d)?;
    let update: ActiveUpdate = parse_body(&body)?;
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    let uid = find_sa(&db, org_id, &sa)?;
    if let Some(active) = update.active {
        db.users.get_mut(&uid).expect("found").is_active = active;
    }
    if let Some(description) = update.description {
        db.service_accounts.entry(uid).or_default().description = Some(description);
    }
    Ok(Json(db.service_account_json(d, &db.users[&uid])))
}

pub async fn delete_service_account(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path((id, sa)): Path<(String, String)>,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    offered(st.config.dialect)?;
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    let uid = find_sa(&db, org_id, &sa)?;
    db.users.remove(&uid);
    db.service_accounts.remove(&uid);
    db.api_keys.retain(|_, k| k.user_id != uid);
    db.keys.retain(|_, u| *u != uid);
    for org in db.orgs.values_mut() {
        org.grants.remove(&Subject::User(uid));
    }
    for team in db.teams.values_mut() {
        team.members.remove(&Subject::User(uid));
    }
    Ok(Json(Value::Null))
}

pub async fn list_api_keys(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path((id, sa)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    params.page()?;
    let d = st.config.dialect;
    offered(d)?;
    let db = lock(&st);
    require_read_all(access(&db, org_id, caller)?)?;
    let uid = find_sa(&db, org_id, &sa)?;
    let items = db
        .api_keys
        .values()
        .filter(|k| k.user_id == uid)
        .map(|k| (k.name.to_lowercase(), k.id, Db::api_key_json(d, k)))
        .collect();
    paged(items, &params)
}

#[derive(Deserialize)]
struct KeyCreate {
    name: Option<String>,
    description: Option<String>,
    expires_in_minutes: Option<i64>,
}

/// The key object with its secret, served once.
fn with_secret(d: Dialect, k: &ApiKey) -> Value {
    let mut v = Db::api_key_json(d, k);
    if let Some(m) = v.as_object_mut() {
        m.insert("key".into(), json!(k.secret));
    }
    v
}

pub async fn create_api_key(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path((id, sa)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let d = st.config.dialect;
    offered(d)?;
    let create: KeyCreate = parse_body(&body)?;
    let name = create
        .name
        .map(|n| n.trim().to_string())
        .ok_or_else(|| ApiError::invalid(&["body", "name"], "Field required", "missing"))?;
    if name.is_empty() || name.chars().count() > KEY_NAME_MAX || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            &["body", "name"],
            format!("Key names are 1 to {KEY_NAME_MAX} characters, without control characters"),
            "value_error",
        ));
    }
    if create.expires_in_minutes.is_some_and(|m| m < 1) {
        return Err(ApiError::invalid(
            &["body", "expires_in_minutes"],
            "Input should be greater than or equal to 1",
            "greater_than_equal",
        ));
    }
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    let uid = find_sa(&db, org_id, &sa)?;
    if db.api_keys.values().any(|k| k.user_id == uid && k.name.eq_ignore_ascii_case(&name)) {
        return Err(ApiError::Conflict(format!("A key named '{name}' already exists for this account")));
    }
    let now = Utc::now();
    let key = ApiKey {
        id: Uuid::new_v4(),
        user_id: uid,
        name,
        description: create.description.filter(|s| !s.trim().is_empty()),
        active: true,
        created: now,
        last_used: None,
        expires: create.expires_in_minutes.map(|m| now + Duration::minutes(m.min(100 * 366 * 24 * 60))),
        secret: new_secret(),
        retired: Vec::new(),
        retain_period_minutes: None,
    };
    let json = with_secret(d, &key);
    db.api_keys.insert(key.id, key);
    Ok(Json(json))
}

#[derive(Deserialize)]
struct Rotate {
    retain_period_minutes: Option<i64>,
}

pub async fn rotate_api_key(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path((id, sa, key)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let d = st.config.dialect;
    offered(d)?;
    let rotate: Rotate = parse_body(&body)?;
    let retain = rotate.retain_period_minutes.unwrap_or(0);
    if retain < 0 {
        return Err(ApiError::invalid(
            &["body", "retain_period_minutes"],
            "Input should be greater than or equal to 0",
            "greater_than_equal",
        ));
    }
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    let uid = find_sa(&db, org_id, &sa)?;
    let kid = find_key(&db, uid, &key)?;
    let now = Utc::now();
    let k = db.api_keys.get_mut(&kid).expect("found");
    k.retired.retain(|(_, until)| *until > now);
    let old = std::mem::replace(&mut k.secret, new_secret());
    if retain > 0 {
        k.retired.push((old, now + Duration::minutes(retain.min(100 * 366 * 24 * 60))));
    }
    k.retain_period_minutes = Some(retain as u64);
    Ok(Json(with_secret(d, k)))
}

pub async fn update_api_key(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path((id, sa, key)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let d = st.config.dialect;
    offered(d)?;
    let update: ActiveUpdate = parse_body(&body)?;
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    let uid = find_sa(&db, org_id, &sa)?;
    let kid = find_key(&db, uid, &key)?;
    let k = db.api_keys.get_mut(&kid).expect("found");
    if let Some(active) = update.active {
        k.active = active;
    }
    if let Some(description) = update.description {
        k.description = Some(description);
    }
    Ok(Json(Db::api_key_json(d, k)))
}

pub async fn delete_api_key(
    State(st): State<Arc<AppState>>,
    KeyRouteCaller(caller): KeyRouteCaller,
    Path((id, sa, key)): Path<(String, String, String)>,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    offered(st.config.dialect)?;
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    let uid = find_sa(&db, org_id, &sa)?;
    let kid = find_key(&db, uid, &key)?;
    db.api_keys.remove(&kid);
    Ok(Json(Value::Null))
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
