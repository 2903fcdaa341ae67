//! `POST|GET|DELETE /_emulator/faults`: add a fault rule, list them, clear them (the engine is in
//! `crate::faults`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::error::{parse_body, ApiError};
use crate::AppState;

use crate::faults::FaultRule;

pub async fn add_fault(State(st): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let rule: FaultRule = parse_body(&body)?;
    rule.validate()?;
    let mut faults = st.faults.lock().expect("faults lock");
    faults.rules.push(rule);
    Ok(Json(json!({ "rules": faults.rules })))
}

pub async fn list_faults(State(st): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "rules": st.faults.lock().expect("faults lock").rules }))
}

pub async fn clear_faults(State(st): State<Arc<AppState>>) -> Json<Value> {
    st.faults.lock().expect("faults lock").rules.clear();
    Json(json!({ "rules": [] }))
}
