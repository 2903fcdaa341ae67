//! Handlers of the invitation routes of an organization: create (one role or several), list, revoke.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{lock, paged, ApiResult, Need, OrgCaller};
use crate::error::{parse_body, path_uuid, ApiError, Params};
use crate::model::*;
use crate::AppState;

#[derive(Deserialize)]
struct InvitationCreate {
    email: Option<String>,
    role_id: Option<String>,
    /// The form of invitations that carry several roles: role ids, the first organization-level one
    /// becoming the invitation's role and the other organization-level ones assigned to it too.
    roles: Option<Vec<String>>,
}

pub async fn create_invitation(State(st): State<Arc<AppState>>, oc: OrgCaller, body: Bytes) -> ApiResult {
    let org_id = oc.org_id;
    let req: InvitationCreate = parse_body(&body)?;
    let mut db = lock(&st);
    oc.require(&db, Need::Invite)?;
    let email =
        req.email.ok_or_else(|| ApiError::invalid(&["body", "email"], "Field required", "missing"))?;
    let email = email.trim().to_string();
    if !valid_email(&email) {
        return Err(ApiError::invalid(
            &["body", "email"],
            "value is not a valid email address",
            "value_error",
        ));
    }
    let org_role = |id: &Uuid| {
        db.roles.get(id).is_some_and(|r| r.organization_id == org_id && r.level == Level::Organization)
    };
    let not_org_role = |loc: &[&str]| {
        ApiError::invalid(
            loc,
            "role_id must be an organization-level role of this organization",
            "value_error",
        )
    };
    // `role_id`, else the organization-level roles of `roles` (others are skipped, as the list may mix
    // levels); every named role must exist.
    let role_ids: Vec<Uuid> = match (&req.role_id, &req.roles) {
        (Some(raw), _) => {
            let role_id = crate::error::parse_uuid(raw, &["body", "role_id"])?;
            if !org_role(&role_id) {
                return Err(not_org_role(&["body", "role_id"]));
            }
            vec![role_id]
        }
        (None, Some(list)) => {
            let mut ids = Vec::new();
            for (i, raw) in list.iter().enumerate() {
                let index = i.to_string();
                let id = crate::error::parse_uuid(raw, &["body", "roles", &index])?;
                if db.roles.get(&id).is_none_or(|r| r.organization_id != org_id) {
                    return Err(ApiError::invalid(
                        &["body", "roles", &index],
                        "not a role of this organization",
                        "value_error",
                    ));
                }
                if org_role(&id) && !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.is_empty() {
                return Err(not_org_role(&["body", "roles"]));
            }
            ids
        }
        (None, None) => return Err(ApiError::invalid(&["body", "role_id"], "Field required", "missing")),
    };
    let role_id = role_ids[0];
    let now = Utc::now();
    if db.invitations.values().any(|i| {
        i.organization_id == org_id
            && i.email.eq_ignore_ascii_case(&email)
            && i.effective_status(now) == "pending"
    }) {
        return Err(ApiError::Conflict(format!("A pending invitation for {email} already exists")));
    }
    if let Some(user) = db.user_by_email(&email) {
        if !db.user_org_roles(&db.orgs[&org_id], user.id).is_empty() {
            return Err(ApiError::Conflict(format!("{email} is already a member of this organization")));
        }
    }
    let inv = Invitation {
        id: Uuid::new_v4(),
        email,
        organization_id: org_id,
        role_id: Some(role_id),
        inviter_id: Some(oc.user().0),
        status: "pending".into(),
        created: now,
        expires: Some(now + chrono::Duration::days(7)),
    };
    let inv_id = inv.id;
    db.invitations.insert(inv_id, inv);
    let grants =
        db.orgs.get_mut(&org_id).expect("checked").grants.entry(Subject::Invitation(inv_id)).or_default();
    grants.extend(role_ids.into_iter().map(Grant::org));
    Ok(Json(db.invitation_json(st.config.dialect, &db.invitations[&inv_id], now)))
}

pub async fn list_invitations(State(st): State<Arc<AppState>>, oc: OrgCaller, params: Params) -> ApiResult {
    let org_id = oc.org_id;
    // Without `only_pending`, every status is listed in both dialects (the server's default is unknown,
    // so the variant dialect makes a client that omits it see accepted, revoked and expired ones too).
    let only_pending = params.bool("only_pending")?.unwrap_or(false);
    let email = params.str("email");
    params.page()?;
    let db = lock(&st);
    oc.require(&db, Need::ReadAll)?;
    let now = Utc::now();
    let items = db
        .invitations
        .values()
        .filter(|i| i.organization_id == org_id)
        .filter(|i| !only_pending || i.effective_status(now) == "pending")
        .filter(|i| email.is_none_or(|e| i.email.eq_ignore_ascii_case(e)))
        .map(|i| (i.email.to_lowercase(), i.id, db.invitation_json(st.config.dialect, i, now)))
        .collect();
    paged(items, &params)
}

pub async fn revoke_invitation(
    State(st): State<Arc<AppState>>,
    oc: OrgCaller,
    Path((_, inv)): Path<(String, String)>,
) -> ApiResult {
    let org_id = oc.org_id;
    let inv_id = path_uuid(&inv, "invitation_id")?;
    let mut db = lock(&st);
    oc.require(&db, Need::Invite)?;
    let now = Utc::now();
    let inv = db
        .invitations
        .get_mut(&inv_id)
        .filter(|i| i.organization_id == org_id)
        .ok_or_else(|| ApiError::not_found("Invitation", inv_id))?;
    inv.status = "revoked".into();
    let json_inv = inv.clone();
    if let Some(org) = db.orgs.get_mut(&org_id) {
        org.grants.remove(&Subject::Invitation(inv_id));
    }
    for team in db.teams.values_mut() {
        team.members.remove(&Subject::Invitation(inv_id));
    }
    Ok(Json(db.invitation_json(st.config.dialect, &json_inv, now)))
}
