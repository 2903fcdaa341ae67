//! A member: a user, service account, team or pending invitation holding roles in an organization.

use serde::Serialize;
use zenml_cloud_api::{MemberRole, MemberRow};

use crate::cache::MemberKind;
use crate::model;

/// One row of an organization's members, as every front end shows, prints and exports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Member {
    /// `user`, `service_account`, `team` or `invitation`.
    pub kind: MemberKind,
    /// The user's, team's or invitation's id.
    pub id: String,
    /// The user's name (else username) or the team's name; null for an invitation.
    pub name: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
    /// The names of the roles held, directly or through a team, at any level, each once.
    pub roles: Vec<String>,
    /// Every role held, with its id and whether it comes through a team.
    pub held_roles: Vec<HeldRole>,
    /// How the member is named in lists: the name, else username, else email, else id (a team's
    /// name; an invitation's email).
    pub label: String,
    /// Unique within the organization's list: `user:<id>`, `team:<id>` or `invitation:<id>`.
    pub key: String,
    /// False for a deactivated account; null for a team or an invitation, or when the server does
    /// not say.
    pub active: Option<bool>,
}

/// A role a member holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeldRole {
    pub id: String,
    /// Its name, else its id.
    pub name: String,
    /// Held through a team rather than directly.
    pub via_team: bool,
    /// Its name, and "(via a team)" when held through one.
    pub label: String,
}

impl HeldRole {
    pub fn new(r: &MemberRole) -> Self {
        let name = r.label();
        let label = if r.via_team { format!("{name} (via a team)") } else { name.clone() };
        Self { id: r.role_id.to_string(), name, via_team: r.via_team, label }
    }
}

impl Member {
    /// The record of a cached member row; `None` for a row that stands for nothing.
    pub fn new(row: &MemberRow) -> Option<Self> {
        let kind = model::member_kind(row)?;
        let mut roles: Vec<String> = Vec::new();
        for r in &row.roles {
            let name = r.label();
            if !roles.contains(&name) {
                roles.push(name);
            }
        }
        let (name, username) = match (&row.user, &row.team) {
            (Some(u), _) => (model::user_name(u).map(str::to_owned), u.username.clone()),
            (None, Some(t)) => (Some(t.name.clone()), None),
            (None, None) => (None, None),
        };
        Some(Self {
            kind,
            id: model::member_id(row)?.to_string(),
            name,
            email: model::member_email(row).map(str::to_owned),
            username,
            roles,
            held_roles: row.roles.iter().map(HeldRole::new).collect(),
            label: model::member_label(row),
            key: model::member_key(row)?,
            active: row.user.as_ref().and_then(|u| u.is_active),
        })
    }
}
