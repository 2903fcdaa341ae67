//! Handlers of an organization's member list (users, teams, pending invitations) and of removing a
//! member; the member order is memoised for the big generated organization.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use chrono::Utc;
use serde_json::Value;

use super::{lock, ApiResult, Need, OrgCaller};
use crate::error::{ApiError, Params};
use crate::model::*;
use crate::AppState;

pub async fn list_members(State(st): State<Arc<AppState>>, oc: OrgCaller, params: Params) -> ApiResult {
    let org_id = oc.org_id;
    let page = params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    oc.require(&db, Need::ReadAll)?;
    let org = &db.orgs[&org_id];
    let now = Utc::now();
    let order = member_order(&st, &db, org, now);
    let out: Vec<Value> = order
        .iter()
        .skip(page.offset)
        .take(page.limit)
        .filter_map(|row| db.member_row_json(d, org, *row, now))
        .collect();
    Ok(Json(Value::Array(out)))
}

/// How long a computed member order may be reused when nothing was written meanwhile (pending
/// invitations turn expired with time alone).
const MEMBER_ORDER_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// [`Db::member_order`], memoised: the big generated organization has tens of thousands of rows, so
/// the order is computed once and reused until a write or [`MEMBER_ORDER_TTL`] passes; each page then
/// costs only its own rows.
fn member_order(st: &AppState, db: &Db, org: &Org, now: chrono::DateTime<Utc>) -> Arc<Vec<MemberKey>> {
    let generation = st.generation.load(std::sync::atomic::Ordering::SeqCst);
    let mut memo = st.member_order.lock().expect("member order lock");
    if let Some((g, at, order)) = memo.get(&org.id) {
        if *g == generation && at.elapsed() < MEMBER_ORDER_TTL {
            return order.clone();
        }
    }
    let order = Arc::new(db.member_order(st.config.dialect, org, now));
    memo.insert(org.id, (generation, std::time::Instant::now(), order.clone()));
    order
}

pub(super) fn is_admin_grant(db: &Db, g: &Grant) -> bool {
    g.workspace_id.is_none()
        && db.roles.get(&g.role_id).is_some_and(|r| r.system_managed && r.name == ORG_ADMIN)
}

pub async fn remove_member(State(st): State<Arc<AppState>>, oc: OrgCaller, params: Params) -> ApiResult {
    let org_id = oc.org_id;
    let user_id = params
        .uuid("user_id")?
        .ok_or_else(|| ApiError::invalid(&["query", "user_id"], "Field required", "missing"))?;
    let mut db = lock(&st);
    oc.require(&db, Need::Manage)?;
    let org = &db.orgs[&org_id];
    let grants = org.grants.get(&Subject::User(user_id)).cloned().unwrap_or_default();
    let (org_level, rest): (Vec<Grant>, Vec<Grant>) = grants.into_iter().partition(|g| db.is_org_level(g));
    if org_level.is_empty() {
        return Err(ApiError::NotFound(format!(
            "User {user_id} holds no organization-level role in this organization"
        )));
    }
    if org_level.iter().any(|g| is_admin_grant(&db, g)) && db.direct_admins(org).len() <= 1 {
        return Err(ApiError::Conflict(
            "Cannot remove the last Organization Admin of the organization".into(),
        ));
    }
    let org = db.orgs.get_mut(&org_id).expect("checked");
    if rest.is_empty() {
        org.grants.remove(&Subject::User(user_id));
    } else {
        org.grants.insert(Subject::User(user_id), rest.into_iter().collect());
    }
    Ok(Json(Value::Null))
}
