//! Handlers of the organization routes: list, read by id or name, create, and change.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{lock, paged, ApiResult, Caller, Need, OrgCaller};
use crate::error::{parse_body, ApiError, Params};
use crate::model::*;
use crate::AppState;

fn find_org(db: &Db, id_or_name: &str) -> Option<Uuid> {
    match Uuid::parse_str(id_or_name) {
        Ok(id) => db.orgs.contains_key(&id).then_some(id),
        Err(_) => db.orgs.values().find(|o| o.name == id_or_name).map(|o| o.id),
    }
}

pub async fn list_orgs(State(st): State<Arc<AppState>>, caller: Caller, params: Params) -> ApiResult {
    params.page()?;
    let db = lock(&st);
    let items = db
        .orgs
        .values()
        .filter_map(|o| {
            let a = db.access(o.id, caller.0)?;
            Some((o.name.clone(), o.id, db.org_json(st.config.dialect, o, a.billing)))
        })
        .collect();
    paged(items, &params)
}

pub async fn get_org(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id_or_name): Path<String>,
) -> ApiResult {
    let db = lock(&st);
    let org_id =
        find_org(&db, &id_or_name).ok_or_else(|| ApiError::not_found("Organization", &id_or_name))?;
    let a = db.access(org_id, caller.0).ok_or_else(|| ApiError::not_found("Organization", &id_or_name))?;
    Ok(Json(db.org_json(st.config.dialect, &db.orgs[&org_id], a.billing)))
}

#[derive(Deserialize)]
struct OrgUpdate {
    name: Option<String>,
    description: Option<String>,
    display_name: Option<String>,
    logo_url: Option<String>,
}

fn check_org_name(db: &Db, name: &str, except: Option<Uuid>) -> Result<(), ApiError> {
    if !valid_org_name(name) {
        return Err(ApiError::invalid(
            &["body", "name"],
            "Organization names are 1 to 50 characters: letters, digits, spaces, '_' and '-'",
            "value_error",
        ));
    }
    if db.orgs.values().any(|o| Some(o.id) != except && o.name.eq_ignore_ascii_case(name)) {
        return Err(ApiError::Conflict(format!("An organization named '{name}' already exists")));
    }
    Ok(())
}

pub async fn update_org(State(st): State<Arc<AppState>>, oc: OrgCaller, body: Bytes) -> ApiResult {
    let org_id = oc.org_id;
    let update: OrgUpdate = parse_body(&body)?;
    let mut db = lock(&st);
    if !db.orgs.contains_key(&org_id) {
        return Err(ApiError::not_found("Organization", org_id));
    }
    let a = oc.require(&db, Need::Manage)?;
    if let Some(name) = &update.name {
        check_org_name(&db, name, Some(org_id))?;
    }
    let org = db.orgs.get_mut(&org_id).expect("checked");
    if let Some(name) = update.name {
        org.name = name;
    }
    if let Some(d) = update.description {
        org.description = Some(d);
    }
    if let Some(d) = update.display_name {
        org.display_name = d;
    }
    if let Some(l) = update.logo_url {
        org.logo_url = Some(l);
    }
    org.updated = Utc::now();
    Ok(Json(db.org_json(st.config.dialect, &db.orgs[&org_id], a.billing)))
}

#[derive(Deserialize)]
struct OrgCreate {
    name: Option<String>,
    description: Option<String>,
}

pub async fn create_org(State(st): State<Arc<AppState>>, caller: Caller, body: Bytes) -> ApiResult {
    let create: OrgCreate = parse_body(&body)?;
    let name =
        create.name.ok_or_else(|| ApiError::invalid(&["body", "name"], "Field required", "missing"))?;
    let mut db = lock(&st);
    check_org_name(&db, &name, None)?;
    let now = Utc::now();
    let org_id = Uuid::new_v4();
    db.orgs.insert(
        org_id,
        Org {
            id: org_id,
            name: name.clone(),
            description: create.description,
            display_name: name,
            logo_url: None,
            owner_id: caller.0,
            plan: "free".into(),
            trial_expiry: None,
            has_active_subscription: false,
            created: now,
            updated: now,
            grants: Default::default(),
        },
    );
    let mut admin_role = None;
    for (role_name, level, description) in BUILTIN_ROLES {
        let role_id = Uuid::new_v4();
        if *role_name == ORG_ADMIN {
            admin_role = Some(role_id);
        }
        db.roles.insert(
            role_id,
            Role {
                id: role_id,
                name: role_name.to_string(),
                description: description.to_string(),
                level: *level,
                organization_id: org_id,
                system_managed: true,
                permissions: Permissions::default(),
            },
        );
    }
    let org = db.orgs.get_mut(&org_id).expect("inserted");
    org.grants
        .entry(Subject::User(caller.0))
        .or_default()
        .insert(Grant::org(admin_role.expect("built-in admin role")));
    Ok(Json(db.org_json(st.config.dialect, &db.orgs[&org_id], true)))
}
