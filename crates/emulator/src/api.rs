//! Handlers of the cloud API routes: users, organizations, members, invitations, roles, role
//! assignments, teams, service accounts and workspaces.
//!
//! Each handler locks the database once, checks the caller's access with [`Db::access`], and renders the
//! JSON shapes from [`crate::model`]. Lists are sorted (by name or email, ties by id), then paged.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::Caller;
use crate::dialect::Dialect;
use crate::error::{parse_body, path_uuid, ApiError, Params};
use crate::model::*;
use crate::AppState;

pub(crate) type ApiResult = Result<Json<Value>, ApiError>;

pub(crate) fn lock(st: &AppState) -> std::sync::MutexGuard<'_, Db> {
    st.db.lock().expect("db lock")
}

/// The caller's access to `org_id`; a non-member gets 404 as if the organization did not exist.
pub(crate) fn access(db: &Db, org_id: Uuid, caller: Caller) -> Result<OrgAccess, ApiError> {
    db.access(org_id, caller.0).ok_or_else(|| ApiError::not_found("Organization", org_id))
}

pub(crate) fn require_read_all(a: OrgAccess) -> Result<(), ApiError> {
    if a.can_read_all() {
        Ok(())
    } else {
        Err(ApiError::Forbidden("Organization Members cannot list this; ask an Organization Admin".into()))
    }
}

pub(crate) fn require_manage(a: OrgAccess) -> Result<(), ApiError> {
    if a.can_manage() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Creating and revoking invitations: Admin, Manager, or a custom role allowed to invite.
fn require_invite(a: OrgAccess) -> Result<(), ApiError> {
    if a.can_invite() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Roles and teams: every member in the default dialect; the variant dialect refuses Organization
/// Members (the contract's "403 on roles and teams for low roles").
pub(crate) fn require_roles_and_teams(d: Dialect, a: OrgAccess) -> Result<(), ApiError> {
    if d.is_variant() {
        require_read_all(a)
    } else {
        Ok(())
    }
}

fn sort_by_key<T>(items: &mut [(String, Uuid, T)]) {
    items.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
}

pub(crate) fn paged(mut items: Vec<(String, Uuid, Value)>, params: &Params) -> ApiResult {
    let page = params.page()?;
    sort_by_key(&mut items);
    Ok(Json(Value::Array(page.apply(items).into_iter().map(|(_, _, v)| v).collect())))
}

// ---- users ----

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

// ---- organizations ----

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

pub async fn update_org(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let update: OrgUpdate = parse_body(&body)?;
    let mut db = lock(&st);
    if !db.orgs.contains_key(&org_id) {
        return Err(ApiError::not_found("Organization", org_id));
    }
    let a = access(&db, org_id, caller)?;
    require_manage(a)?;
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

// ---- members ----

pub async fn list_members(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let page = params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    require_read_all(access(&db, org_id, caller)?)?;
    let org = &db.orgs[&org_id];
    let now = Utc::now();
    let order = member_order(&st, &db, org, now);
    let out: Vec<Value> = order
        .iter()
        .skip(page.offset)
        .take(page.limit)
        .filter_map(|row| db.member_row_json(d, org, *row, now))
        .collect();
    Ok(Json(Value::Array(out)))
}

/// How long a computed member order may be reused when nothing was written meanwhile (pending
/// invitations turn expired with time alone).
const MEMBER_ORDER_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// [`Db::member_order`], memoised: the big generated organization has tens of thousands of rows, so
/// the order is computed once and reused until a write or [`MEMBER_ORDER_TTL`] passes; each page then
/// costs only its own rows.
fn member_order(st: &AppState, db: &Db, org: &Org, now: chrono::DateTime<Utc>) -> Arc<Vec<MemberKey>> {
    let generation = st.generation.load(std::sync::atomic::Ordering::SeqCst);
    let mut memo = st.member_order.lock().expect("member order lock");
    if let Some((g, at, order)) = memo.get(&org.id) {
        if *g == generation && at.elapsed() < MEMBER_ORDER_TTL {
            return order.clone();
        }
    }
    let order = Arc::new(db.member_order(st.config.dialect, org, now));
    memo.insert(org.id, (generation, std::time::Instant::now(), order.clone()));
    order
}

fn is_admin_grant(db: &Db, g: &Grant) -> bool {
    g.workspace_id.is_none()
        && db.roles.get(&g.role_id).is_some_and(|r| r.system_managed && r.name == ORG_ADMIN)
}

pub async fn remove_member(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let user_id = params
        .uuid("user_id")?
        .ok_or_else(|| ApiError::invalid(&["query", "user_id"], "Field required", "missing"))?;
    let mut db = lock(&st);
    require_manage(access(&db, org_id, caller)?)?;
    let org = &db.orgs[&org_id];
    let grants = org.grants.get(&Subject::User(user_id)).cloned().unwrap_or_default();
    let (org_level, rest): (Vec<Grant>, Vec<Grant>) = grants.into_iter().partition(|g| db.is_org_level(g));
    if org_level.is_empty() {
        return Err(ApiError::NotFound(format!(
            "User {user_id} holds no organization-level role in this organization"
        )));
    }
    if org_level.iter().any(|g| is_admin_grant(&db, g)) && db.direct_admins(org).len() <= 1 {
        return Err(ApiError::Conflict(
            "Cannot remove the last Organization Admin of the organization".into(),
        ));
    }
    let org = db.orgs.get_mut(&org_id).expect("checked");
    if rest.is_empty() {
        org.grants.remove(&Subject::User(user_id));
    } else {
        org.grants.insert(Subject::User(user_id), rest.into_iter().collect());
    }
    Ok(Json(Value::Null))
}

// ---- invitations ----

#[derive(Deserialize)]
struct InvitationCreate {
    email: Option<String>,
    role_id: Option<String>,
    /// The form of invitations that carry several roles: role ids, the first organization-level one
    /// becoming the invitation's role and the other organization-level ones assigned to it too.
    roles: Option<Vec<String>>,
}

pub async fn create_invitation(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let req: InvitationCreate = parse_body(&body)?;
    let mut db = lock(&st);
    require_invite(access(&db, org_id, caller)?)?;
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
        inviter_id: Some(caller.0),
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

pub async fn list_invitations(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    // Without `only_pending`, every status is listed in both dialects (the server's default is unknown,
    // so the variant dialect makes a client that omits it see accepted, revoked and expired ones too).
    let only_pending = params.bool("only_pending")?.unwrap_or(false);
    let email = params.str("email");
    params.page()?;
    let db = lock(&st);
    require_read_all(access(&db, org_id, caller)?)?;
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
    caller: Caller,
    Path((org, inv)): Path<(String, String)>,
) -> ApiResult {
    let org_id = path_uuid(&org, "organization_id")?;
    let inv_id = path_uuid(&inv, "invitation_id")?;
    let mut db = lock(&st);
    require_invite(access(&db, org_id, caller)?)?;
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

// ---- roles and assignments ----

pub async fn list_roles(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    let level = match params.str("level") {
        None => None,
        Some(l) => Some(Level::parse(l).ok_or_else(|| {
            ApiError::invalid(
                &["query", "level"],
                "Input should be 'organization', 'workspace' or 'project'",
                "enum",
            )
        })?),
    };
    let name = params.str("name");
    params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    require_roles_and_teams(d, access(&db, org_id, caller)?)?;
    let items = db
        .roles
        .values()
        .filter(|r| r.organization_id == org_id)
        .filter(|r| level.is_none_or(|l| r.level == l))
        .filter(|r| name.is_none_or(|n| r.name == n))
        .map(|r| (r.name.clone(), r.id, Db::role_json(d, r)))
        .collect();
    paged(items, &params)
}

/// The subject and scope of a role-assignment request, checked against the role's organization.
fn assignment_target(db: &Db, role: &Role, params: &Params) -> Result<(Subject, Grant), ApiError> {
    let org_id = role.organization_id;
    let user = params.uuid("user_id")?;
    let invitation = params.uuid("invitation_id")?;
    let team = params.uuid("team_id")?;
    let subject = match (user, invitation, team) {
        (Some(u), None, None) => {
            if !db.users.contains_key(&u) {
                return Err(ApiError::not_found("User", u));
            }
            Subject::User(u)
        }
        (None, Some(i), None) => {
            if db.invitations.get(&i).map(|x| x.organization_id) != Some(org_id) {
                return Err(ApiError::not_found("Invitation", i));
            }
            Subject::Invitation(i)
        }
        (None, None, Some(t)) => {
            if db.teams.get(&t).map(|x| x.organization_id) != Some(org_id) {
                return Err(ApiError::not_found("Team", t));
            }
            Subject::Team(t)
        }
        _ => {
            return Err(ApiError::invalid(
                &["query", "user_id"],
                "Give exactly one of user_id, invitation_id and team_id",
                "value_error",
            ))
        }
    };
    let workspace_id = params.uuid("workspace_id")?;
    let project_id = params.uuid("project_id")?;
    if let Some(w) = workspace_id {
        if db.workspaces.get(&w).map(|x| x.organization_id) != Some(org_id) {
            return Err(ApiError::not_found("Workspace", w));
        }
    }
    match role.level {
        Level::Organization if workspace_id.is_some() || project_id.is_some() => {
            return Err(ApiError::invalid(
                &["query", "workspace_id"],
                "An organization-level role takes no workspace_id or project_id",
                "value_error",
            ))
        }
        Level::Workspace if workspace_id.is_none() || project_id.is_some() => {
            return Err(ApiError::invalid(
                &["query", "workspace_id"],
                "A workspace-level role needs a workspace_id (and no project_id)",
                "value_error",
            ))
        }
        Level::Project if workspace_id.is_none() || project_id.is_none() => {
            return Err(ApiError::invalid(
                &["query", "project_id"],
                "A project-level role needs a workspace_id and a project_id",
                "value_error",
            ))
        }
        _ => {}
    }
    Ok((subject, Grant { role_id: role.id, workspace_id, project_id }))
}

pub async fn assign_role(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let role_id = path_uuid(&id, "role_id")?;
    let mut db = lock(&st);
    let role = db.roles.get(&role_id).cloned().ok_or_else(|| ApiError::not_found("Role", role_id))?;
    require_manage(access(&db, role.organization_id, caller)?)?;
    let (subject, grant) = assignment_target(&db, &role, &params)?;
    let org = db.orgs.get_mut(&role.organization_id).expect("role's org");
    if !org.grants.entry(subject).or_default().insert(grant) {
        return Err(ApiError::Conflict(format!("The role '{}' is already assigned", role.name)));
    }
    Ok(Json(Value::Null))
}

pub async fn revoke_role(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let role_id = path_uuid(&id, "role_id")?;
    let mut db = lock(&st);
    let role = db.roles.get(&role_id).cloned().ok_or_else(|| ApiError::not_found("Role", role_id))?;
    require_manage(access(&db, role.organization_id, caller)?)?;
    let (subject, grant) = assignment_target(&db, &role, &params)?;
    let org = &db.orgs[&role.organization_id];
    if !org.grants.get(&subject).is_some_and(|g| g.contains(&grant)) {
        return Err(ApiError::NotFound(format!("The role '{}' is not assigned to it", role.name)));
    }
    if matches!(subject, Subject::User(_)) && is_admin_grant(&db, &grant) && db.direct_admins(org).len() <= 1
    {
        return Err(ApiError::Conflict(
            "Cannot revoke the last Organization Admin of the organization".into(),
        ));
    }
    let org = db.orgs.get_mut(&role.organization_id).expect("role's org");
    let set = org.grants.get_mut(&subject).expect("checked");
    set.remove(&grant);
    if set.is_empty() {
        org.grants.remove(&subject);
    }
    Ok(Json(Value::Null))
}

// ---- teams ----

pub async fn list_teams(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let org_id = path_uuid(&id, "organization_id")?;
    params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    require_roles_and_teams(d, access(&db, org_id, caller)?)?;
    let items = db
        .teams
        .values()
        .filter(|t| t.organization_id == org_id)
        .map(|t| (t.name.clone(), t.id, Db::team_json(d, t)))
        .collect();
    paged(items, &params)
}

fn team_member_target(db: &Db, team: &Team, params: &Params) -> Result<Subject, ApiError> {
    match (params.uuid("user_id")?, params.uuid("invitation_id")?) {
        (Some(u), None) => {
            if !db.users.contains_key(&u) {
                return Err(ApiError::not_found("User", u));
            }
            Ok(Subject::User(u))
        }
        (None, Some(i)) => {
            if db.invitations.get(&i).map(|x| x.organization_id) != Some(team.organization_id) {
                return Err(ApiError::not_found("Invitation", i));
            }
            Ok(Subject::Invitation(i))
        }
        _ => Err(ApiError::invalid(
            &["query", "user_id"],
            "Give exactly one of user_id and invitation_id",
            "value_error",
        )),
    }
}

pub async fn add_team_member(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let team_id = path_uuid(&id, "team_id")?;
    let mut db = lock(&st);
    let team = db.teams.get(&team_id).ok_or_else(|| ApiError::not_found("Team", team_id))?;
    require_manage(access(&db, team.organization_id, caller)?)?;
    let subject = team_member_target(&db, team, &params)?;
    let team = db.teams.get_mut(&team_id).expect("checked");
    if !team.members.insert(subject) {
        return Err(ApiError::Conflict("Already a member of this team".into()));
    }
    team.updated = Utc::now();
    Ok(Json(Value::Null))
}

pub async fn remove_team_member(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let team_id = path_uuid(&id, "team_id")?;
    let mut db = lock(&st);
    let team = db.teams.get(&team_id).ok_or_else(|| ApiError::not_found("Team", team_id))?;
    require_manage(access(&db, team.organization_id, caller)?)?;
    let subject = team_member_target(&db, team, &params)?;
    let team = db.teams.get_mut(&team_id).expect("checked");
    if !team.members.remove(&subject) {
        return Err(ApiError::NotFound("Not a member of this team".into()));
    }
    team.updated = Utc::now();
    Ok(Json(Value::Null))
}

// ---- workspaces ----

fn visible_workspace(db: &Db, ws: &Workspace, caller: Caller) -> Option<OrgAccess> {
    let a = db.access(ws.organization_id, caller.0)?;
    (a.can_read_all() || db.has_workspace_grant(ws, caller.0)).then_some(a)
}

pub async fn list_workspaces(State(st): State<Arc<AppState>>, caller: Caller, params: Params) -> ApiResult {
    params.page()?;
    let name = params.str("workspace_name");
    let url = params.str("url").map(|u| u.trim_end_matches('/'));
    let org_filter = params.uuid("organization_id")?;
    let status = params.str("status");
    if let Some(s) = status {
        if !WORKSPACE_STATUSES.contains(&s) {
            return Err(ApiError::invalid(
                &["query", "status"],
                format!("Input should be one of: {}", WORKSPACE_STATUSES.join(", ")),
                "enum",
            ));
        }
    }
    let member_only = params.bool("member_only")?.unwrap_or(false);
    let mut db = lock(&st);
    db.settle_workspaces(Instant::now());
    let items = db
        .workspaces
        .values()
        .filter(|w| name.is_none_or(|n| w.name == n))
        .filter(|w| url.is_none_or(|u| w.server_url == u || w.kitaru_url.as_deref() == Some(u)))
        .filter(|w| org_filter.is_none_or(|o| w.organization_id == o))
        .filter(|w| status.is_none_or(|s| w.status == s))
        .filter_map(|w| {
            let a = visible_workspace(&db, w, caller)?;
            // member_only: workspaces the caller can connect to: a workspace role, or Organization Admin.
            if member_only && !(db.has_workspace_grant(w, caller.0) || a.billing && a.can_manage()) {
                return None;
            }
            Some((w.name.clone(), w.id, db.workspace_json(st.config.dialect, w, a.billing)))
        })
        .collect();
    paged(items, &params)
}

fn find_workspace(db: &Db, name_or_id: &str) -> Option<Uuid> {
    match Uuid::parse_str(name_or_id) {
        Ok(id) => db.workspaces.contains_key(&id).then_some(id),
        Err(_) => db.workspaces.values().find(|w| w.name == name_or_id).map(|w| w.id),
    }
}

pub async fn get_workspace(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(name_or_id): Path<String>,
) -> ApiResult {
    let mut db = lock(&st);
    db.settle_workspaces(Instant::now());
    let ws = find_workspace(&db, &name_or_id)
        .and_then(|id| db.workspaces.get(&id))
        .ok_or_else(|| ApiError::not_found("Workspace", &name_or_id))?;
    let a =
        visible_workspace(&db, ws, caller).ok_or_else(|| ApiError::not_found("Workspace", &name_or_id))?;
    Ok(Json(db.workspace_json(st.config.dialect, ws, a.billing)))
}

#[derive(Deserialize)]
struct WorkspaceUpdate {
    name: Option<String>,
    desired_state: Option<String>,
    description: Option<String>,
    display_name: Option<String>,
}

pub async fn update_workspace(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let ws_id = path_uuid(&id, "workspace_id")?;
    let update: WorkspaceUpdate = parse_body(&body)?;
    if let Some(d) = &update.desired_state {
        if !DESIRED_STATES.contains(&d.as_str()) {
            return Err(ApiError::invalid(
                &["body", "desired_state"],
                format!("Input should be one of: {}", DESIRED_STATES.join(", ")),
                "enum",
            ));
        }
    }
    let now = Instant::now();
    let mut db = lock(&st);
    db.settle_workspaces(now);
    let ws = db.workspaces.get(&ws_id).ok_or_else(|| ApiError::not_found("Workspace", ws_id))?;
    let a = visible_workspace(&db, ws, caller).ok_or_else(|| ApiError::not_found("Workspace", ws_id))?;
    require_manage(a)?;
    if let Some(name) = &update.name {
        if !crate::grants::valid_workspace_name(name) {
            return Err(ApiError::invalid(
                &["body", "name"],
                "Workspace names are 1 to 50 lowercase letters, digits and '-'",
                "value_error",
            ));
        }
        if db.workspaces.values().any(|w| w.id != ws_id && w.name == *name) {
            return Err(ApiError::Conflict(format!("A workspace named '{name}' already exists")));
        }
    }
    let transition = st.config.workspace_transition;
    let ws = db.workspaces.get_mut(&ws_id).expect("checked");
    if let Some(n) = update.name {
        ws.name = n;
    }
    if let Some(d) = update.description {
        ws.description = Some(d);
    }
    if let Some(d) = update.display_name {
        ws.display_name = d;
    }
    if let Some(d) = update.desired_state {
        if d != ws.desired_state || d != ws.status {
            ws.desired_state = d;
            if transition.is_zero() {
                ws.transition_until = Some(now);
            } else {
                ws.status = "pending".into();
                ws.state_reason = format!("Moving to '{}'", ws.desired_state);
                ws.transition_until = Some(now + transition);
            }
            if ws.version.is_none() && ws.desired_state == "available" {
                ws.version = Some("0.84.0".into());
            }
        }
    }
    if transition.is_zero() {
        db.settle_workspaces(now);
    }
    let ws = &db.workspaces[&ws_id];
    Ok(Json(db.workspace_json(st.config.dialect, ws, a.billing)))
}
