//! Device controls: `POST /_emulator/devices/approve` `{"user_code", "user_email"?}` and
//! `POST /_emulator/devices/deny` `{"user_code"}`, as the user would on the verification page.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error::{parse_body, ApiError};
use crate::AppState;

use crate::auth::{normalize_user_code, DeviceState};

pub async fn approve_device(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: Value = parse_body(&body)?;
    control_decide(&st, &body, true).map(Json)
}

pub async fn deny_device(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: Value = parse_body(&body)?;
    control_decide(&st, &body, false).map(Json)
}

/// Control route helper: approve (as `user`) or deny a device request.
pub fn control_decide(st: &AppState, body: &Value, approve: bool) -> Result<Value, ApiError> {
    let code = body
        .get("user_code")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid(&["body", "user_code"], "Field required", "missing"))?;
    let state = if approve {
        let user = match body.get("user_email").and_then(Value::as_str) {
            None => st.demo_user,
            Some(email) => {
                let db = st.db.lock().expect("db lock");
                db.user_by_email(email)
                    .map(|u| u.id)
                    .ok_or_else(|| ApiError::NotFound(format!("No user with email '{email}'")))?
            }
        };
        DeviceState::Approved(user)
    } else {
        DeviceState::Denied
    };
    if st.auth.lock().expect("auth lock").decide(code, state) {
        Ok(json!({"user_code": normalize_user_code(code), "approved": approve}))
    } else {
        Err(ApiError::NotFound(format!("No pending device request with user code '{code}'")))
    }
}
