//! HTTP handlers of the cloud API routes, one file per concern, and what they share: the [`OrgCaller`]
//! extractor (the caller and the organization of the path), the one permission check ([`require`]) and
//! the one list pager ([`paged`]).
//!
//! Each handler locks the database once, checks the caller's access, and renders the JSON shapes from
//! [`crate::model`]. Lists are sorted (by name or email, ties by id), then paged.

pub mod auth;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod roles;
pub mod service_accounts;
pub mod teams;
pub mod users;
pub mod workspaces;

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;
use uuid::Uuid;

pub use crate::auth::Caller;
use crate::auth::KeyRouteCaller;
use crate::dialect::Dialect;
use crate::error::{path_uuid, ApiError, Params};
use crate::model::{Db, OrgAccess};
use crate::AppState;

pub(crate) type ApiResult = Result<Json<Value>, ApiError>;

pub(crate) fn lock(st: &AppState) -> std::sync::MutexGuard<'_, Db> {
    st.db.lock().expect("db lock")
}

/// The caller's access to `org_id`; a non-member gets 404 as if the organization did not exist.
pub(crate) fn access(db: &Db, org_id: Uuid, caller: Caller) -> Result<OrgAccess, ApiError> {
    db.access(org_id, caller.0).ok_or_else(|| ApiError::not_found("Organization", org_id))
}

/// What a handler needs of the caller's role in an organization.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Need {
    /// A role that reads everything (Organization Members get 403).
    ReadAll,
    /// As [`Need::ReadAll`], for the role-assignment lists (their own refusal message).
    ReadAssignments,
    /// Organization Admin or Manager.
    Manage,
    /// Creating and revoking invitations: Admin, Manager, or a custom role allowed to invite.
    Invite,
    /// Roles and teams: every member in the default dialect; the variant dialect refuses Organization
    /// Members (the contract's "403 on roles and teams for low roles").
    RolesAndTeams(Dialect),
}

/// The one permission check: 403 unless the access `a` allows what `need` says.
pub(crate) fn require(a: OrgAccess, need: Need) -> Result<(), ApiError> {
    let read_all = |msg: &str| if a.can_read_all() { Ok(()) } else { Err(ApiError::Forbidden(msg.into())) };
    match need {
        Need::ReadAll => read_all("Organization Members cannot list this; ask an Organization Admin"),
        Need::ReadAssignments => read_all("Organization Members cannot list role assignments"),
        Need::Manage if a.can_manage() => Ok(()),
        Need::Invite if a.can_invite() => Ok(()),
        Need::Manage | Need::Invite => Err(ApiError::forbidden()),
        Need::RolesAndTeams(d) if d.is_variant() => require(a, Need::ReadAll),
        Need::RolesAndTeams(_) => Ok(()),
    }
}

/// The one list pager: checks `offset`/`limit`, sorts the `(key, id, item)` rows by key then id, and
/// answers the page as a bare JSON array.
pub(crate) fn paged(mut items: Vec<(String, Uuid, Value)>, params: &Params) -> ApiResult {
    let page = params.page()?;
    items.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(Json(Value::Array(page.apply(items).into_iter().map(|(_, _, v)| v).collect())))
}

/// The authenticated caller of a route under `/organizations/{org_id}/...` and that organization's id
/// (the path's first parameter; 422 at `["path", "organization_id"]` when it is not a UUID). `C` is
/// [`Caller`], or [`KeyRouteCaller`] on the key routes. The access check needs the database lock, so it
/// is a method: [`OrgCaller::require`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct OrgCaller<C = Caller> {
    pub caller: C,
    pub org_id: Uuid,
}

impl From<KeyRouteCaller> for Caller {
    fn from(k: KeyRouteCaller) -> Caller {
        k.0
    }
}

impl<C> FromRequestParts<Arc<AppState>> for OrgCaller<C>
where
    C: FromRequestParts<Arc<AppState>, Rejection = ApiError> + Send,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let caller = C::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let raw = params.first().map(|(_, v)| v.as_str()).unwrap_or_default();
        let org_id = path_uuid(raw, "organization_id").map_err(IntoResponse::into_response)?;
        Ok(OrgCaller { caller, org_id })
    }
}

impl<C: Copy + Into<Caller>> OrgCaller<C> {
    pub fn user(&self) -> Caller {
        self.caller.into()
    }

    /// The caller's access to the organization (404 for a non-member), checked against `need` (403).
    pub fn require(&self, db: &Db, need: Need) -> Result<OrgAccess, ApiError> {
        let a = access(db, self.org_id, self.user())?;
        require(a, need)?;
        Ok(a)
    }
}
