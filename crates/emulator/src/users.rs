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
