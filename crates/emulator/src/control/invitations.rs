//! `POST /_emulator/invitations/accept`: a pending invitation is accepted, as from its email.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{parse_body, ApiError};
use crate::AppState;

#[derive(Deserialize)]
struct AcceptBody {
    /// The invitation's id, or its email (with `organization_id` when it is pending in several).
    id: Option<uuid::Uuid>,
    email: Option<String>,
    organization_id: Option<uuid::Uuid>,
}

/// `POST /_emulator/invitations/accept`: the invited person accepts, as they would from the email.
/// The invitation becomes `accepted`, a user with its email exists (created when new) and holds the
/// invitation's roles (organization and workspace) and its teams.
pub async fn accept_invitation(
    State(st): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    use crate::model::User;
    let body: AcceptBody = parse_body(&body)?;
    let now = chrono::Utc::now();
    let mut db = st.db.lock().expect("db lock");
    let inv_id = db
        .invitations
        .values()
        .filter(|i| i.effective_status(now) == "pending")
        .filter(|i| body.id.is_none_or(|id| id == i.id))
        .filter(|i| body.email.as_deref().is_none_or(|e| e.eq_ignore_ascii_case(&i.email)))
        .filter(|i| body.organization_id.is_none_or(|o| o == i.organization_id))
        .map(|i| i.id)
        .next()
        .ok_or_else(|| ApiError::not_found("Invitation", body.id.unwrap_or_default()))?;
    let inv = db.invitations.get_mut(&inv_id).expect("found");
    inv.status = "accepted".into();
    let (email, org_id) = (inv.email.clone(), inv.organization_id);
    let user_id = match db.user_by_email(&email) {
        Some(u) => u.id,
        None => {
            let id = uuid::Uuid::new_v4();
            let name = email.split('@').next().unwrap_or(&email).to_string();
            db.users.insert(
                id,
                User {
                    id,
                    username: email.clone(),
                    email: email.clone(),
                    name,
                    avatar_url: None,
                    is_superuser: false,
                    is_service_account: false,
                    is_active: true,
                    created: now,
                },
            );
            id
        }
    };
    db.hand_over_invitation(inv_id, user_id);
    drop(db);
    st.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Ok(Json(json!({ "invitation_id": inv_id, "user_id": user_id, "organization_id": org_id })))
}
