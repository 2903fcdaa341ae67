//! Token controls: `POST /_emulator/tokens/revoke`, `GET /_emulator/tokens` (every live token and
//! its kind) and `POST /_emulator/token_types` (which tokens the key routes take).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{parse_body, ApiError};
use crate::AppState;

#[derive(Deserialize)]
struct RevokeBody {
    token: Option<String>,
}

pub async fn revoke_tokens(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body: RevokeBody = parse_body(&body)?;
    let n = st.auth.lock().expect("auth lock").revoke(body.token.as_deref());
    Ok(Json(json!({ "revoked": n })))
}

/// `GET /_emulator/tokens`: every live token with its kind, so tests can check that one leaks nowhere.
pub async fn control_tokens(State(st): State<Arc<AppState>>) -> Json<Value> {
    let now = Instant::now();
    let auth = st.auth.lock().expect("auth lock");
    let mut list: Vec<Value> = auth
        .sessions
        .iter()
        .filter(|(_, s)| s.expires > now)
        .map(|(token, s)| {
            json!({"kind": s.kind.as_str(), "token": token, "expires_in": (s.expires - now).as_secs()})
        })
        .collect();
    list.sort_by(|a, b| a["token"].as_str().cmp(&b["token"].as_str()));
    Json(Value::Array(list))
}

/// `POST /_emulator/token_types` `{"key_exchange"?: "accept"|"refuse", "api_token"?: "accept"|"refuse"}`:
/// whether the key routes take key-exchange and automation tokens (device-flow tokens: never). Answers
/// the settings now in force.
pub async fn control_token_types(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: Value = crate::error::parse_body(&body)?;
    let refuse = |field: &str| -> Result<Option<bool>, ApiError> {
        match body.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) if v == "accept" => Ok(Some(false)),
            Some(v) if v == "refuse" => Ok(Some(true)),
            Some(_) => {
                Err(ApiError::invalid(&["body", field], "Input should be 'accept' or 'refuse'", "enum"))
            }
        }
    };
    let (key_exchange, api_token) = (refuse("key_exchange")?, refuse("api_token")?);
    let mut auth = st.auth.lock().expect("auth lock");
    if let Some(r) = key_exchange {
        auth.refuse_key_exchange = r;
    }
    if let Some(r) = api_token {
        auth.refuse_api_token = r;
    }
    let word = |refused: bool| if refused { "refuse" } else { "accept" };
    Ok(Json(json!({
        "device_code": "refuse",
        "key_exchange": word(auth.refuse_key_exchange),
        "api_token": word(auth.refuse_api_token),
    })))
}
