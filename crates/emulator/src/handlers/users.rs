//! Handlers of the user routes: `GET /users/me` and `GET /users?email=`.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use super::{lock, paged, ApiResult, Caller};
use crate::error::{ApiError, Params};
use crate::model::Db;
use crate::AppState;

pub async fn me(State(st): State<Arc<AppState>>, caller: Caller) -> ApiResult {
    let db = lock(&st);
    let user = db
        .users
        .get(&caller.0)
        .ok_or_else(|| ApiError::Unauthorized("The user of this token no longer exists".into()))?;
    Ok(Json(db.me_json(st.config.dialect, user)))
}

pub async fn list_users(State(st): State<Arc<AppState>>, _caller: Caller, params: Params) -> ApiResult {
    params.page()?;
    let email = params.str("email");
    let db = lock(&st);
    let items = db
        .users
        .values()
        .filter(|u| email.is_none_or(|e| u.email.eq_ignore_ascii_case(e)))
        .map(|u| (u.email.to_lowercase(), u.id, Db::user_json(st.config.dialect, u)))
        .collect();
    paged(items, &params)
}
