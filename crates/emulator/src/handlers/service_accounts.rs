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
use chrono::{Duration, Utc};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::{lock, paged, ApiResult, Need, OrgCaller};
use crate::auth::KeyRouteCaller;
use crate::error::{parse_body, ApiError, Params};
use crate::model::{ApiKey, Db, ServiceAccountInfo, Subject, User};
use crate::service_accounts::{
    find_key, find_sa, in_org, new_secret, offered, with_secret, KEY_NAME_MAX, USERNAME_MAX,
};
use crate::AppState;

pub async fn list_service_accounts(
    State(st): State<Arc<AppState>>,
    oc: OrgCaller<KeyRouteCaller>,
    params: Params,
) -> ApiResult {
    let org_id = oc.org_id;
    params.page()?;
    let d = st.config.dialect;
    offered(d)?;
    let db = lock(&st);
    oc.require(&db, Need::ReadAll)?;
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
    oc: OrgCaller<KeyRouteCaller>,
    body: Bytes,
) -> ApiResult {
    let org_id = oc.org_id;
    let d = st.config.dialect;
    offered(d)?;
    let create: AccountCreate = parse_body(&body)?;
    let username = create
        .username
        .map(|u| u.trim().to_string())
        .ok_or_else(|| ApiError::invalid(&["body", "username"], "Field required", "missing"))?;
    check_username(&username)?;
    let mut db = lock(&st);
    oc.require(&db, Need::Manage)?;
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
    oc: OrgCaller<KeyRouteCaller>,
    Path((_, sa)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = oc.org_id;
    let d = st.config.dialect;
    offered(d)?;
    let update: ActiveUpdate = parse_body(&body)?;
    let mut db = lock(&st);
    oc.require(&db, Need::Manage)?;
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
    oc: OrgCaller<KeyRouteCaller>,
    Path((_, sa)): Path<(String, String)>,
) -> ApiResult {
    let org_id = oc.org_id;
    offered(st.config.dialect)?;
    let mut db = lock(&st);
    oc.require(&db, Need::Manage)?;
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
    oc: OrgCaller<KeyRouteCaller>,
    Path((_, sa)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let org_id = oc.org_id;
    params.page()?;
    let d = st.config.dialect;
    offered(d)?;
    let db = lock(&st);
    oc.require(&db, Need::ReadAll)?;
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

pub async fn create_api_key(
    State(st): State<Arc<AppState>>,
    oc: OrgCaller<KeyRouteCaller>,
    Path((_, sa)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = oc.org_id;
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
    oc.require(&db, Need::Manage)?;
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
    oc: OrgCaller<KeyRouteCaller>,
    Path((_, sa, key)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = oc.org_id;
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
    oc.require(&db, Need::Manage)?;
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
    oc: OrgCaller<KeyRouteCaller>,
    Path((_, sa, key)): Path<(String, String, String)>,
    body: Bytes,
) -> ApiResult {
    let org_id = oc.org_id;
    let d = st.config.dialect;
    offered(d)?;
    let update: ActiveUpdate = parse_body(&body)?;
    let mut db = lock(&st);
    oc.require(&db, Need::Manage)?;
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
    oc: OrgCaller<KeyRouteCaller>,
    Path((_, sa, key)): Path<(String, String, String)>,
) -> ApiResult {
    let org_id = oc.org_id;
    offered(st.config.dialect)?;
    let mut db = lock(&st);
    oc.require(&db, Need::Manage)?;
    let uid = find_sa(&db, org_id, &sa)?;
    let kid = find_key(&db, uid, &key)?;
    db.api_keys.remove(&kid);
    Ok(Json(Value::Null))
}
