//! `POST /_emulator/users/active` `{"email", "active"}`: marks a user active or not (see [`set_user_active`]).
//!
//! `POST /_emulator/users/rename` `{"email", "name"}`: a user changes their own display name, as they
//! would in their profile (any text, commas, quotes and line breaks included), so clients can be
//! tested against names that need care when written out.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{parse_body, ApiError};
use crate::AppState;

#[derive(Deserialize)]
struct RenameBody {
    email: String,
    name: String,
}

pub async fn rename_user(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: RenameBody = parse_body(&body)?;
    let mut db = st.db.lock().expect("db lock");
    let id = db.user_by_email(&body.email).map(|u| u.id).ok_or_else(|| {
        ApiError::invalid(&["body", "email"], format!("no user with the email {}", body.email), "value_error")
    })?;
    let user = db.users.get_mut(&id).expect("found");
    user.name = body.name.clone();
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "id": id, "name": body.name })))
}

#[derive(Deserialize)]
struct ActiveBody {
    email: String,
    active: bool,
}

/// `POST /_emulator/users/active` `{"email", "active"}`: marks a user active or not, as an
/// administrator would on the server. Nothing else changes: a user marked inactive keeps their roles,
/// team memberships and tokens (the real server has been seen to leave them: contract, section 6).
pub async fn set_user_active(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: ActiveBody = parse_body(&body)?;
    let mut db = st.db.lock().expect("db lock");
    let id = db.user_by_email(&body.email).map(|u| u.id).ok_or_else(|| {
        ApiError::invalid(&["body", "email"], format!("no user with the email {}", body.email), "value_error")
    })?;
    db.users.get_mut(&id).expect("found").is_active = body.active;
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "id": id, "is_active": body.active })))
}
