//! An invitation: an email asked to join an organization with roles and teams.

use chrono::{DateTime, Utc};
use serde::Serialize;
use zenml_cloud_api::InvitationStatus;

use super::opt_time;
use crate::model;

/// An invitation as every front end shows, prints and exports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Invitation {
    pub id: String,
    pub email: String,
    /// `pending`, `accepted`, `declined`, `revoked`, `expired` (or `other`); null when the server does
    /// not say (which counts as pending).
    pub status: Option<String>,
    /// Pending, yet past when it expires.
    pub lapsed: bool,
    /// Every role it carries, the organization role first, workspace roles with their workspace.
    pub roles: Vec<InvitationRole>,
    /// The teams it makes its person join.
    pub teams: Vec<InvitationTeam>,
    /// Who sent it: their email, else name, else username.
    pub inviter: Option<String>,
    pub created: Option<String>,
    pub expires: Option<String>,
    /// The organization role's name, else its id.
    pub role: Option<String>,
    pub role_id: Option<String>,
    /// The organization role's name, when the server says.
    pub role_name: Option<String>,
}

/// One role an invitation carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvitationRole {
    pub id: String,
    pub name: Option<String>,
    /// `organization`, `workspace` or `project`, when the server says.
    pub level: Option<String>,
    pub workspace_id: Option<String>,
    /// The workspace's name, when it is a workspace role and the name is known.
    pub workspace: Option<String>,
    /// With where it applies: "Workspace Developer on acme-prod".
    pub label: String,
}

/// A team an invitation joins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InvitationTeam {
    pub id: String,
    pub name: Option<String>,
    /// Its name, else its id.
    pub label: String,
}

impl Invitation {
    /// The record of a cached invitation, lapsed or not as of now.
    pub fn from_wire(i: &zenml_cloud_api::Invitation) -> Self {
        Self::new(i, Utc::now())
    }

    /// The record of a cached invitation; `now` decides whether a pending one has lapsed.
    pub fn new(i: &zenml_cloud_api::Invitation, now: DateTime<Utc>) -> Self {
        let pending = matches!(i.status, None | Some(InvitationStatus::Pending));
        Self {
            id: i.id.to_string(),
            email: i.email.clone(),
            status: i.status.map(|s| s.as_str().to_owned()),
            lapsed: pending && i.expires.is_some_and(|e| e <= now),
            roles: i
                .all_roles()
                .iter()
                .map(|r| InvitationRole {
                    id: r.id.to_string(),
                    name: r.name.clone(),
                    level: r.level.map(|l| l.as_str().to_owned()),
                    workspace_id: r.workspace_id.map(|w| w.to_string()),
                    workspace: r.workspace_name.clone(),
                    label: model::invitation_role_label(r),
                })
                .collect(),
            teams: i
                .teams
                .iter()
                .map(|t| InvitationTeam {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                    label: t.name.clone().unwrap_or_else(|| t.id.to_string()),
                })
                .collect(),
            inviter: i.inviter.as_ref().and_then(model::inviter_label).map(str::to_owned),
            created: opt_time(i.created),
            expires: opt_time(i.expires),
            role: i.role.as_ref().map(|r| r.name.clone().unwrap_or_else(|| r.id.to_string())),
            role_id: i.role.as_ref().map(|r| r.id.to_string()),
            role_name: i.role.as_ref().and_then(|r| r.name.clone()),
        }
    }
}

/// A role reads as its label: `roles == ["Organization Member", "Workspace Developer on acme-prod"]`.
impl PartialEq<&str> for InvitationRole {
    fn eq(&self, other: &&str) -> bool {
        self.label == *other
    }
}

/// A team reads as its label (its name, else its id).
impl PartialEq<&str> for InvitationTeam {
    fn eq(&self, other: &&str) -> bool {
        self.label == *other
    }
}
