//! Handlers of the team routes: an organization's team list, create, read, rename or re-describe,
//! delete, a team's member list, and adding or removing a member (a user or an invitation).
//!
//! Role rules: only Organization Admin and Manager change teams (others get 403); reading a team
//! follows the team list (every member of the organization, Organization Members refused in the
//! variant dialect); a team's member list follows the organization's member list (Organization
//! Members get 403). A caller outside the team's organization gets 404. Deleting a team removes its
//! role assignments, so its members lose the roles it granted (`via_team` entries).

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{access, lock, paged, require, ApiResult, Caller, Need, OrgCaller};
use crate::dialect::Dialect;
use crate::error::{parse_body, parse_uuid, path_uuid, ApiError, Params};
use crate::model::*;
use crate::AppState;

/// Longest team name, in characters.
pub const TEAM_NAME_MAX: usize = 100;

fn check_team_name(db: &Db, org_id: Uuid, name: &str, except: Option<Uuid>) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > TEAM_NAME_MAX || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            &["body", "name"],
            format!("Team names are 1 to {TEAM_NAME_MAX} characters, without control characters"),
            "value_error",
        ));
    }
    let taken = db
        .teams_by_org
        .get(&org_id)
        .into_iter()
        .flatten()
        .filter_map(|id| db.teams.get(id))
        .any(|t| Some(t.id) != except && t.name.eq_ignore_ascii_case(name));
    if taken {
        return Err(ApiError::Conflict(format!("A team named '{name}' already exists in this organization")));
    }
    Ok(name.to_string())
}

/// The team, or 404 when it does not exist or the caller is outside its organization.
fn team_of(db: &Db, team_id: Uuid, caller: Caller) -> Result<(&Team, crate::model::OrgAccess), ApiError> {
    let team = db.teams.get(&team_id).ok_or_else(|| ApiError::not_found("Team", team_id))?;
    let a = db.access(team.organization_id, caller.0).ok_or_else(|| ApiError::not_found("Team", team_id))?;
    Ok((team, a))
}

pub async fn list_teams(State(st): State<Arc<AppState>>, oc: OrgCaller, params: Params) -> ApiResult {
    let org_id = oc.org_id;
    params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    oc.require(&db, Need::RolesAndTeams(d))?;
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
    require(access(&db, team.organization_id, caller)?, Need::Manage)?;
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
    require(access(&db, team.organization_id, caller)?, Need::Manage)?;
    let subject = team_member_target(&db, team, &params)?;
    let team = db.teams.get_mut(&team_id).expect("checked");
    if !team.members.remove(&subject) {
        return Err(ApiError::NotFound("Not a member of this team".into()));
    }
    team.updated = Utc::now();
    Ok(Json(Value::Null))
}

#[derive(Deserialize)]
struct TeamCreate {
    name: Option<String>,
    description: Option<String>,
    organization_id: Option<String>,
}

pub async fn create_team(State(st): State<Arc<AppState>>, caller: Caller, body: Bytes) -> ApiResult {
    let create: TeamCreate = parse_body(&body)?;
    let raw_org = create
        .organization_id
        .ok_or_else(|| ApiError::invalid(&["body", "organization_id"], "Field required", "missing"))?;
    let org_id = parse_uuid(&raw_org, &["body", "organization_id"])?;
    let name =
        create.name.ok_or_else(|| ApiError::invalid(&["body", "name"], "Field required", "missing"))?;
    let mut db = lock(&st);
    require(access(&db, org_id, caller)?, Need::Manage)?;
    let name = check_team_name(&db, org_id, &name, None)?;
    let now = Utc::now();
    let team = Team {
        id: Uuid::new_v4(),
        organization_id: org_id,
        name,
        description: create.description,
        members: BTreeSet::new(),
        created: now,
        updated: now,
    };
    let id = team.id;
    db.teams_by_org.entry(org_id).or_default().push(id);
    db.teams.insert(id, team);
    Ok(Json(Db::team_json(st.config.dialect, &db.teams[&id])))
}

pub async fn get_team(State(st): State<Arc<AppState>>, caller: Caller, Path(id): Path<String>) -> ApiResult {
    let team_id = path_uuid(&id, "team_id")?;
    let d = st.config.dialect;
    let db = lock(&st);
    let (team, a) = team_of(&db, team_id, caller)?;
    require(a, Need::RolesAndTeams(d))?;
    Ok(Json(Db::team_json(d, team)))
}

#[derive(Deserialize)]
struct TeamUpdate {
    name: Option<String>,
    description: Option<String>,
}

pub async fn update_team(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let team_id = path_uuid(&id, "team_id")?;
    let update: TeamUpdate = parse_body(&body)?;
    let mut db = lock(&st);
    let (team, a) = team_of(&db, team_id, caller)?;
    require(a, Need::Manage)?;
    let org_id = team.organization_id;
    let name = match &update.name {
        Some(n) => Some(check_team_name(&db, org_id, n, Some(team_id))?),
        None => None,
    };
    let team = db.teams.get_mut(&team_id).expect("checked");
    if let Some(n) = name {
        team.name = n;
    }
    if let Some(d) = update.description {
        team.description = Some(d);
    }
    team.updated = Utc::now();
    Ok(Json(Db::team_json(st.config.dialect, &db.teams[&team_id])))
}

pub async fn delete_team(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    let team_id = path_uuid(&id, "team_id")?;
    let mut db = lock(&st);
    let (team, a) = team_of(&db, team_id, caller)?;
    require(a, Need::Manage)?;
    let org_id = team.organization_id;
    db.teams.remove(&team_id);
    if let Some(ids) = db.teams_by_org.get_mut(&org_id) {
        ids.retain(|t| *t != team_id);
    }
    if let Some(org) = db.orgs.get_mut(&org_id) {
        org.grants.remove(&Subject::Team(team_id));
    }
    Ok(Json(Value::Null))
}

/// One row of a team's member list: `{user, invitation}`, one of them set. The variant dialect leaves
/// out the key that is null.
pub fn team_member_json(d: Dialect, db: &Db, subject: Subject) -> Option<Value> {
    let (user, invitation) = match subject {
        Subject::User(u) => (Some(Db::user_json(d, db.users.get(&u)?)), None),
        Subject::Invitation(i) => (None, Some(db.invitation_json(d, db.invitations.get(&i)?, Utc::now()))),
        Subject::Team(_) => return None,
    };
    let mut m = Map::new();
    if !d.is_variant() || user.is_some() {
        m.insert("user".into(), user.unwrap_or(Value::Null));
    }
    if !d.is_variant() || invitation.is_some() {
        m.insert("invitation".into(), invitation.unwrap_or(Value::Null));
    }
    Some(d.object(m))
}

/// The sort key of a team member row: the email, lower-cased.
fn member_sort_key(db: &Db, subject: Subject) -> Option<(String, Uuid)> {
    match subject {
        Subject::User(u) => db.users.get(&u).map(|u| (u.email.to_lowercase(), u.id)),
        Subject::Invitation(i) => db.invitations.get(&i).map(|i| (i.email.to_lowercase(), i.id)),
        Subject::Team(_) => None,
    }
}

pub async fn list_team_members(
    State(st): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult {
    let team_id = path_uuid(&id, "team_id")?;
    params.page()?;
    let d = st.config.dialect;
    let db = lock(&st);
    let (team, a) = team_of(&db, team_id, caller)?;
    require(a, Need::ReadAll)?;
    let items = team
        .members
        .iter()
        .filter_map(|s| {
            let (key, id) = member_sort_key(&db, *s)?;
            Some((key, id, team_member_json(d, &db, *s)?))
        })
        .collect();
    paged(items, &params)
}

/// A sample of every shape a team member row takes, for the OpenAPI document.
pub fn team_member_samples(d: Dialect, db: &Db) -> Vec<Value> {
    db.teams.values().flat_map(|t| t.members.iter().filter_map(|s| team_member_json(d, db, *s))).collect()
}
