//! Teams: create, rename or re-describe, delete, list a team's members, add and remove users and
//! pending invitations, give the team an organization role; and the read-only service-account list.
//!
//! As with the other writes ([`crate::writes`]), everything is checked before any request: the team
//! (by id or unique name, from the cache), every email (its syntax, and that it names a member or a
//! pending invitation of the organization), the role (an organization-level one). The server's 403
//! decides what the user may do. After a success the cache is written at once: the teams list, and,
//! where the team's members gain or lose what it grants, a re-fetch of the organization (its member
//! rows carry `via_team` roles computed by the server).

use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{
    Assignee, MemberRole, RoleLevel, RoleScope, ServiceAccount, Team, TeamCreate, TeamMember, TeamMemberRow,
    TeamUpdate,
};

use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::service::Core;
use crate::validate::check_email;
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

/// The organization's service accounts, or why the server does not offer them.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceAccounts {
    /// Whether the server offers the list to this caller (`false` on its 404 or 403).
    pub offered: bool,
    /// Why it is not offered, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub items: Vec<ServiceAccount>,
    /// Rows that could not be read.
    pub skipped: usize,
}

/// A checked member to add to or remove from a team.
struct Target {
    email: String,
    who: TeamMember,
}

impl Core {
    /// A cached team of the organization by id or by name: a team id first, then the one team whose
    /// name equals it (case-insensitive). Several teams of that name, or none, is `invalid_input`
    /// naming the candidates or the teams there are. Reads the cache only.
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
        if let Ok(id) = Uuid::parse_str(needle) {
            if let Some(t) = teams.iter().find(|t| t.id == id) {
                return Ok(t.clone());
            }
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

    /// Checks emails and finds who each names: a user member of the organization, else a pending
    /// invitation. Nothing is sent.
    fn team_targets(&self, account_id: &str, org_id: Uuid, emails: &[String]) -> Result<Vec<Target>> {
        let mut targets: Vec<Target> = Vec::new();
        let mut bad = Vec::new();
        for raw in emails {
            let email = raw.trim().to_owned();
            if let Err(message) = check_email(&email) {
                bad.push(FieldMessage { field: email, message });
                continue;
            }
            if targets.iter().any(|t| t.email.eq_ignore_ascii_case(&email)) {
                continue;
            }
            let user = match self.find_member(account_id, org_id, &email) {
                Ok(row) => {
                    row.user.filter(|u| u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&email)))
                }
                Err(e) if e.code == ErrorCode::NotFound => None,
                Err(e) => return Err(e),
            };
            if let Some(u) = user {
                targets.push(Target { email, who: TeamMember::User(u.id) });
                continue;
            }
            let pending = self
                .with_cache(|c| c.invitations_matching(account_id, org_id, &email))?
                .into_iter()
                .find(|i| {
                    i.email.eq_ignore_ascii_case(&email)
                        && i.status == Some(zenml_cloud_api::InvitationStatus::Pending)
                });
            match pending {
                Some(i) => targets.push(Target { email, who: TeamMember::Invitation(i.id) }),
                None => bad.push(FieldMessage {
                    field: email,
                    message:
                        "neither a member nor a pending invitation of this organization (invite them first)"
                            .into(),
                }),
            }
        }
        if !bad.is_empty() {
            let list: Vec<String> = bad.iter().map(|f| format!("{} ({})", f.field, f.message)).collect();
            return Err(CoreError::invalid(format!("cannot use: {}", list.join("; ")), bad));
        }
        Ok(targets)
    }

    /// Re-fetches the organization after a change to what a team grants its members; a failure is
    /// logged (the change itself was made), and the next sync corrects the cache.
    async fn refetch_after_team_change(&self, account_id: &str, org_id: Uuid) {
        if let Err(e) = self.refresh_organization(account_id, &org_id.to_string()).await {
            tracing::warn!(org = %org_id, code = e.code.as_str(), "re-fetch after a team change failed");
        }
    }

    /// Sends each add or remove; the first request's offline, unauthorized or forbidden failure is the
    /// error of the whole, as with invitations.
    async fn team_member_changes(
        &self,
        account_id: &str,
        team_id: Uuid,
        targets: Vec<Target>,
        add: bool,
    ) -> Result<Vec<TeamMemberOutcome>> {
        let mut outcomes = Vec::with_capacity(targets.len());
        for (i, t) in targets.into_iter().enumerate() {
            let who = t.who;
            let result = self
                .authed(account_id, |c, tok| async move {
                    if add {
                        c.add_team_member(&tok, team_id, who).await
                    } else {
                        c.remove_team_member(&tok, team_id, who).await
                    }
                })
                .await;
            let already = if add { ErrorCode::Conflict } else { ErrorCode::NotFound };
            match result {
                Ok(()) => outcomes.push(TeamMemberOutcome {
                    email: t.email,
                    ok: true,
                    unchanged: false,
                    error: None,
                }),
                Err(e) if e.code == already => outcomes.push(TeamMemberOutcome {
                    email: t.email,
                    ok: true,
                    unchanged: true,
                    error: None,
                }),
                Err(e) if i == 0 && e.ends_a_batch() => return Err(e),
                Err(e) => outcomes.push(TeamMemberOutcome {
                    email: t.email,
                    ok: false,
                    unchanged: false,
                    error: Some(e),
                }),
            }
        }
        Ok(outcomes)
    }

    /// Creates a team, then adds its initial members (users or pending invitations, by email). The
    /// name (not empty, not a cached team's name) and every email are checked before any request.
    /// Logged in the activity log.
    pub async fn create_team(
        &self,
        account_id: &str,
        org_id: Uuid,
        name: &str,
        description: Option<String>,
        member_emails: &[String],
    ) -> Result<TeamCreated> {
        let draft = self.draft_team_create(account_id, org_id, name, member_emails);
        self.logged(draft, self.create_team_now(account_id, org_id, name, description, member_emails)).await
    }

    async fn create_team_now(
        &self,
        account_id: &str,
        org_id: Uuid,
        name: &str,
        description: Option<String>,
        member_emails: &[String],
    ) -> Result<TeamCreated> {
        let name = name.trim().to_owned();
        check_team_name(&name).map_err(|m| {
            CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
        })?;
        match self.find_team(account_id, org_id, &name) {
            Ok(t) => {
                return Err(CoreError::invalid(
                    format!("a team named {:?} already exists ({})", t.name, t.id),
                    vec![FieldMessage { field: "name".into(), message: "taken".into() }],
                ))
            }
            Err(e)
                if e.code == ErrorCode::InvalidInput
                    && e.fields.iter().any(|f| f.message == "unknown team") => {}
            Err(e)
                if e.code == ErrorCode::InvalidInput && e.fields.iter().any(|f| f.message == "ambiguous") =>
            {
                return Err(CoreError::invalid(format!("teams named {name:?} already exist"), e.fields))
            }
            // Teams hidden from this role: the server decides.
            Err(e) if e.code == ErrorCode::InvalidInput => {}
            Err(e) => return Err(e),
        }
        let targets = self.team_targets(account_id, org_id, member_emails)?;
        let create = TeamCreate { name, description, organization_id: org_id };
        let team = self
            .authed(account_id, |c, t| {
                let create = create.clone();
                async move { c.create_team(&t, &create).await }
            })
            .await?;
        self.with_cache(|c| c.put_team(account_id, org_id, &team))?;
        tracing::info!(org = %org_id, team = %team.id, "team created");
        let members = if targets.is_empty() {
            Vec::new()
        } else {
            let outcomes = match self.team_member_changes(account_id, team.id, targets, true).await {
                Ok(o) => o,
                Err(e) => {
                    return Err(CoreError {
                        message: format!(
                            "the team {} was created, but adding its members failed: {}",
                            team.name, e.message
                        ),
                        ..e
                    })
                }
            };
            self.refetch_after_team_change(account_id, org_id).await;
            outcomes
        };
        let team = self.find_team(account_id, org_id, &team.id.to_string()).unwrap_or(team);
        Ok(TeamCreated { team, members })
    }

    /// Renames a team and/or changes its description (`PATCH /teams/{id}` with only those fields).
    /// Logged in the activity log.
    pub async fn update_team(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Team> {
        let draft = self.draft_team_update(account_id, org_id, team, name.as_deref(), description.as_deref());
        self.logged(draft, self.update_team_now(account_id, org_id, team, name, description)).await
    }

    async fn update_team_now(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Team> {
        let found = self.find_team(account_id, org_id, team)?;
        let name = name.map(|n| n.trim().to_owned());
        if let Some(n) = &name {
            check_team_name(n).map_err(|m| {
                CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
            })?;
            if let Ok(other) = self.find_team(account_id, org_id, n) {
                if other.id != found.id {
                    return Err(CoreError::invalid(
                        format!("a team named {:?} already exists ({})", other.name, other.id),
                        vec![FieldMessage { field: "name".into(), message: "taken".into() }],
                    ));
                }
            }
        }
        if name.is_none() && description.is_none() {
            return Err(CoreError::invalid("nothing to change", Vec::new()));
        }
        let update = TeamUpdate { name, description };
        let id = found.id;
        let team = self
            .authed(account_id, |c, t| {
                let update = update.clone();
                async move { c.update_team(&t, id, &update).await }
            })
            .await?;
        self.with_cache(|c| c.put_team(account_id, org_id, &team))?;
        Ok(team)
    }

    /// How many members a team has, from the cache (for a confirmation before deleting it).
    pub fn team_member_count(&self, account_id: &str, org_id: Uuid, team: &str) -> Result<Option<u64>> {
        Ok(self.find_team(account_id, org_id, team)?.member_count)
    }

    /// Deletes a team; its members lose what it granted. The cache forgets the team at once, then the
    /// organization is re-fetched so its members' rows lose the team's roles. Logged in the activity
    /// log.
    pub async fn delete_team(&self, account_id: &str, org_id: Uuid, team: &str) -> Result<Team> {
        let draft = self.draft_team_delete(account_id, org_id, team);
        self.logged(draft, self.delete_team_now(account_id, org_id, team)).await
    }

    async fn delete_team_now(&self, account_id: &str, org_id: Uuid, team: &str) -> Result<Team> {
        let found = self.find_team(account_id, org_id, team)?;
        let id = found.id;
        self.authed(account_id, |c, t| async move { c.delete_team(&t, id).await }).await?;
        self.with_cache(|c| c.remove_team(account_id, org_id, id))?;
        tracing::info!(org = %org_id, team = %id, "team deleted");
        self.refetch_after_team_change(account_id, org_id).await;
        Ok(found)
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

    /// Each email is logged in the activity log.
    async fn change_team_members(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        emails: &[String],
        add: bool,
    ) -> Result<Vec<TeamMemberOutcome>> {
        let draft = self.draft_team_members(account_id, org_id, team, emails, add);
        self.logged(draft, self.change_team_members_now(account_id, org_id, team, emails, add)).await
    }

    async fn change_team_members_now(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        emails: &[String],
        add: bool,
    ) -> Result<Vec<TeamMemberOutcome>> {
        let found = self.find_team(account_id, org_id, team)?;
        if emails.iter().all(|e| e.trim().is_empty()) {
            return Err(CoreError::invalid("give at least one email address", Vec::new()));
        }
        let targets = self.team_targets(account_id, org_id, emails)?;
        let outcomes = self.team_member_changes(account_id, found.id, targets, add).await?;
        if outcomes.iter().any(|o| o.ok && !o.unchanged) {
            self.refetch_after_team_change(account_id, org_id).await;
        }
        Ok(outcomes)
    }

    /// Gives a team an organization role (by id or name, see [`Core::org_role`]): assigns the new
    /// role, then revokes the team's other organization roles, as a member's role change does.
    /// Returns the team's organization roles now. Logged in the activity log.
    pub async fn set_team_role(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        role: &str,
    ) -> Result<Vec<MemberRole>> {
        let draft = self.draft_team_role(account_id, org_id, team, role);
        self.logged(draft, self.set_team_role_now(account_id, org_id, team, role)).await
    }

    async fn set_team_role_now(
        &self,
        account_id: &str,
        org_id: Uuid,
        team: &str,
        role: &str,
    ) -> Result<Vec<MemberRole>> {
        let found = self.find_team(account_id, org_id, team)?;
        let role = self.org_role(account_id, org_id, role)?;
        let held: Vec<MemberRole> = self
            .with_cache(|c| c.team_member_row(account_id, org_id, found.id))?
            .map(|r| r.roles)
            .unwrap_or_default();
        let (team_id, new_id, scope) = (found.id, role.id, RoleScope::default());
        match self
            .authed(account_id, |c, t| async move {
                c.assign_role(&t, new_id, Assignee::Team(team_id), scope).await
            })
            .await
        {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::Conflict => {}
            Err(e) => return Err(e),
        }
        let new_role = MemberRole {
            role_id: new_id,
            name: Some(role.name.clone()),
            level: Some(RoleLevel::Organization),
            via_team: false,
        };
        let mut roles = vec![new_role];
        for old in held.iter().filter(|r| r.role_id != new_id) {
            if !old.level.is_none_or(|l| l == RoleLevel::Organization) {
                roles.push(old.clone());
                continue;
            }
            let old_id = old.role_id;
            match self
                .authed(account_id, |c, t| async move {
                    c.revoke_role(&t, old_id, Assignee::Team(team_id), scope).await
                })
                .await
            {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => {
                    self.refetch_after_team_change(account_id, org_id).await;
                    return Err(CoreError {
                        message: format!(
                            "the team {} now holds {}, but removing {} failed: {}",
                            found.name,
                            role.name,
                            old.label(),
                            e.message
                        ),
                        ..e
                    });
                }
            }
        }
        self.refetch_after_team_change(account_id, org_id).await;
        Ok(roles)
    }

    /// The organization's service accounts, read live. When the server answers 404 (it has no such
    /// list) or 403 (not for this role), the result says it is not offered instead of failing.
    pub async fn service_accounts(&self, account_id: &str, org_id: Uuid) -> Result<ServiceAccounts> {
        let result =
            self.authed(account_id, |c, t| async move { c.all_service_accounts(&t, org_id).await }).await;
        match result {
            Ok(listing) => Ok(ServiceAccounts {
                offered: true,
                reason: None,
                skipped: listing.notes.skipped,
                items: listing.items,
            }),
            Err(e) if matches!(e.code, ErrorCode::NotFound | ErrorCode::Forbidden) => {
                let reason = if e.code == ErrorCode::NotFound {
                    "the server does not offer a list of service accounts"
                } else {
                    "the server does not offer the list of service accounts to your role"
                };
                Ok(ServiceAccounts {
                    offered: false,
                    reason: Some(reason.into()),
                    items: Vec::new(),
                    skipped: 0,
                })
            }
            Err(e) => Err(e),
        }
    }
}

/// Entities a team change may touch, for whoever announces changes.
pub const TEAM_ENTITIES: [Entity; 2] = [Entity::Teams, Entity::Members];
