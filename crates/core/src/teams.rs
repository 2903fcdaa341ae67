//! Teams: create, rename or re-describe, delete, list a team's members, add and remove users and
//! pending invitations, give the team an organization role. (Service accounts: `service_accounts`.)
//!
//! Every write goes through the write pipeline (`pipeline::teams`): everything is checked against the
//! cache before any request (the team by id or unique name, every email's syntax and that it names a
//! member or a pending invitation of the organization, the role an organization-level one), the team
//! is read from the server right before acting, and the change is journaled. The server's 403
//! decides what the user may do. After a success the cache is written at once: the teams list, and,
//! where the team's members gain or lose what it grants, a re-fetch of the organization (its member
//! rows carry `via_team` roles computed by the server).

use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{MemberRole, Team, TeamMemberRow};

use crate::error::{CoreError, FieldMessage, Result};
use crate::pipeline::teams::{ChangeTeamMembers, CreateTeam, DeleteTeam, SetTeamRole, UpdateTeam};
use crate::service::Core;
use crate::Entity;

/// Longest team name this app sends, in characters.
pub const TEAM_NAME_MAX: usize = 100;

/// Checks a team name: not empty, at most [`TEAM_NAME_MAX`] characters, no control characters.
pub fn check_team_name(name: &str) -> std::result::Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the team name is empty".into());
    }
    if name.chars().count() > TEAM_NAME_MAX {
        return Err(format!("the team name is longer than {TEAM_NAME_MAX} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("the team name contains control characters".into());
    }
    Ok(())
}

/// What one email of a team change came to.
#[derive(Clone, Debug, Serialize)]
pub struct TeamMemberOutcome {
    pub email: String,
    /// Done (or already so: the server's 409 on an add, 404 on a remove).
    pub ok: bool,
    /// It was already so.
    pub unchanged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CoreError>,
}

/// A team created, with what happened to each initial member.
#[derive(Clone, Debug, Serialize)]
pub struct TeamCreated {
    pub team: Team,
    pub members: Vec<TeamMemberOutcome>,
}

/// A team's members as the server lists them now, and how many rows could not be read.
#[derive(Clone, Debug, Serialize)]
pub struct TeamMembers {
    pub team: Team,
    pub members: Vec<TeamMemberRow>,
    pub skipped: usize,
}

impl Core {
    /// A cached team of the organization by id or by name: an id only as an id, else the one team
    /// whose name equals it (ASCII case-insensitive). Several teams of that name, or none, is
    /// `invalid_input` naming the candidates or the teams there are. Reads the cache only.
    pub fn find_team(&self, account_id: &str, org_id: Uuid, id_or_name: &str) -> Result<Team> {
        let cached = self.teams(account_id, org_id)?;
        if cached.hidden {
            return Err(CoreError::invalid(
                "the teams of this organization are not visible to your role",
                vec![FieldMessage { field: "team".into(), message: "teams not visible".into() }],
            ));
        }
        let needle = id_or_name.trim();
        let teams = cached.value;
        // An id matches only as an id (see `resolve`).
        if let Ok(id) = Uuid::parse_str(needle) {
            return teams.into_iter().find(|t| t.id == id).ok_or_else(|| {
                CoreError::invalid(
                    format!("no team with the id {id} in this organization (as last synced)"),
                    vec![FieldMessage { field: "team".into(), message: "unknown team".into() }],
                )
            });
        }
        let named: Vec<&Team> = teams.iter().filter(|t| t.name.trim().eq_ignore_ascii_case(needle)).collect();
        match named.len() {
            1 => Ok(named[0].clone()),
            0 => {
                let names: Vec<&str> = teams.iter().map(|t| t.name.as_str()).collect();
                let known = if names.is_empty() { "there are none".to_owned() } else { names.join(", ") };
                Err(CoreError::invalid(
                    format!("no team {needle:?} in this organization; teams: {known}"),
                    vec![FieldMessage { field: "team".into(), message: "unknown team".into() }],
                ))
            }
            n => {
                let ids: Vec<String> = named.iter().map(|t| format!("{} ({})", t.name, t.id)).collect();
                Err(CoreError::invalid(
                    format!("{n} teams are named {needle:?}: {}; say which by id", ids.join(", ")),
                    vec![FieldMessage { field: "team".into(), message: "ambiguous".into() }],
                ))
            }
        }
    }

    /// Creates a team, then adds its initial members (users or pending invitations, by email). The
    /// name (not empty, not a cached team's name, nor a team's on the server) and every email are
    /// checked before any change. Journaled.
    pub async fn create_team(
        &self,
        account_id: &str,
        org_id: Uuid,
        name: &str,
        description: Option<String>,
        member_emails: &[String],
    ) -> Result<TeamCreated> {
        self.run(account_id, org_id, &CreateTeam { name, description, members: member_emails }).await
    }

    /// Renames a team and/or changes its description (`PATCH /teams/{id}` with only those fields),
    /// once the server says the team still exists. Journaled, with what the server had before.
    pub async fn update_team(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Team> {
        self.run(account_id, org_id, &UpdateTeam { team, name, description }).await
    }

    /// How many members a team has, from the cache (for a confirmation before deleting it).
    pub fn team_member_count(&self, account_id: &str, org_id: Uuid, team: &str) -> Result<Option<u64>> {
        Ok(self.find_team(account_id, org_id, team)?.member_count)
    }

    /// Deletes a team, once the server says it still exists; its members lose what it granted. The
    /// organization is re-fetched so its members' rows lose the team's roles. Journaled.
    pub async fn delete_team(&self, account_id: &str, org_id: Uuid, team: &str) -> Result<Team> {
        self.run(account_id, org_id, &DeleteTeam { team }).await
    }

    /// A team's members, fetched from the server now (not cached).
    pub async fn team_members(&self, account_id: &str, org_id: Uuid, team: &str) -> Result<TeamMembers> {
        let found = self.find_team(account_id, org_id, team)?;
        let id = found.id;
        let listing = self.authed(account_id, |c, t| async move { c.all_team_members(&t, id).await }).await?;
        let skipped = listing.notes.skipped;
        if skipped > 0 {
            tracing::info!(team = %id, skipped, "team member rows that could not be read were skipped");
        }
        Ok(TeamMembers { team: found, members: listing.items, skipped })
    }

    /// Adds users or pending invitations (by email) to a team. Everything is checked before any
    /// request; a member already in the team counts as done.
    pub async fn add_to_team(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        emails: &[String],
    ) -> Result<Vec<TeamMemberOutcome>> {
        self.change_team_members(account_id, org_id, team, emails, true).await
    }

    /// Removes users or pending invitations (by email) from a team. A member not in the team counts
    /// as done.
    pub async fn remove_from_team(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        emails: &[String],
    ) -> Result<Vec<TeamMemberOutcome>> {
        self.change_team_members(account_id, org_id, team, emails, false).await
    }

    /// Adds (`add`) or removes users or pending invitations, by email, from the cached team, acting on
    /// what the team's members on the server are now. One journal entry per email.
    async fn change_team_members(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        emails: &[String],
        add: bool,
    ) -> Result<Vec<TeamMemberOutcome>> {
        self.run(account_id, org_id, &ChangeTeamMembers { team, emails, add }).await
    }

    /// Gives a team an organization role (by id or name, see [`Core::org_role`]): assigns the new
    /// role, then revokes the other organization roles the team holds on the server now, as a
    /// member's role change does. Returns the team's organization roles now. Journaled.
    pub async fn set_team_role(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        role: &str,
    ) -> Result<Vec<MemberRole>> {
        self.run(account_id, org_id, &SetTeamRole { team, role }).await
    }
}

/// Entities a team change may touch, for whoever announces changes.
pub const TEAM_ENTITIES: [Entity; 2] = [Entity::Teams, Entity::Members];
