//! The writes on teams: create one, rename or re-describe it, delete it, add or remove its members,
//! give it an organization role. Each reads the team (or, for a new one, the organization's teams)
//! from the server right before acting.
//!
//! A change to what a team grants its members is followed by a re-fetch of the organization (its
//! member rows carry `via_team` roles the server computes); that re-fetch is part of acting, and a
//! failure of it is only logged (the change was made; the next sync corrects the cache).

use uuid::Uuid;
use zenml_cloud_api::{
    Assignee, InvitationStatus, MemberRole, Role, RoleLevel, RoleScope, Team, TeamCreate, TeamMember,
    TeamMemberRow, TeamUpdate,
};

use super::members::prior_roles;
use super::{Ctx, Entry, Write};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::resolve::same_email;
use crate::service::Core;
use crate::teams::{check_team_name, TeamCreated, TeamMemberOutcome};
use crate::validate::check_email;

fn invalid_name(m: String) -> CoreError {
    CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
}

/// Someone to add to or remove from a team, by email.
pub(crate) struct Person {
    pub email: String,
    pub who: TeamMember,
}

impl Core {
    /// The one user member an email names, else its one pending invitation, from the cache (see
    /// `resolve`: exact after ASCII case folding only, never the first of several), with the email as
    /// stored. `None`: neither.
    pub(crate) fn member_or_invitation(
        &self,
        account_id: &str,
        org_id: Uuid,
        email: &str,
    ) -> Result<Option<(TeamMember, String)>> {
        match self.find_member(account_id, org_id, email) {
            Ok(row) => {
                let user = row.user.and_then(|u| {
                    let stored = u.email.filter(|e| same_email(e, email))?;
                    Some((TeamMember::User(u.id), stored))
                });
                if user.is_some() {
                    return Ok(user);
                }
            }
            Err(e) if e.code == ErrorCode::NotFound => {}
            Err(e) => return Err(e),
        }
        match self.find_invitation(account_id, org_id, email) {
            Ok(i)
                if matches!(i.status, None | Some(InvitationStatus::Pending))
                    && same_email(&i.email, email) =>
            {
                Ok(Some((TeamMember::Invitation(i.id), i.email)))
            }
            Ok(_) => Ok(None),
            Err(e) if e.code == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The service account (a member: it holds a role) a name that is not an address stands for, from
/// the cache; `None` when no service account has that username.
fn service_account(cx: Ctx<'_>, name: &str) -> Result<Option<TeamMember>> {
    match cx.core.find_member(cx.account_id, cx.org_id, name) {
        Ok(row) => {
            Ok(row.user.filter(|u| u.is_service_account == Some(true)).map(|u| TeamMember::User(u.id)))
        }
        Err(e) if e.code == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Checks emails and finds who each names: a user member of the organization, else a pending
/// invitation. Nothing is sent.
fn people(cx: Ctx<'_>, emails: &[String]) -> Result<Vec<Person>> {
    let mut found: Vec<Person> = Vec::new();
    let mut bad = Vec::new();
    for raw in emails {
        let email = raw.trim().to_owned();
        if let Err(message) = check_email(&email) {
            // Not an address: a service account, named as it is (its email is not an address either,
            // `autobot`), once it is a member.
            match (email.contains('@'), service_account(cx, &email)?) {
                (false, Some(who)) if !found.iter().any(|p| same_email(&p.email, &email)) => {
                    found.push(Person { email, who })
                }
                (false, Some(_)) => {}
                (false, None) => bad.push(FieldMessage {
                    field: email,
                    message:
                        "not an email address, nor the name of a service account holding a role in this \
                              organization (a service account joins teams once it holds a role)"
                            .into(),
                }),
                (true, _) => bad.push(FieldMessage { field: email, message }),
            }
            continue;
        }
        if found.iter().any(|p| same_email(&p.email, &email)) {
            continue;
        }
        match cx.core.member_or_invitation(cx.account_id, cx.org_id, &email)? {
            Some((who, _)) => found.push(Person { email, who }),
            None => bad.push(FieldMessage {
                field: email,
                message: "neither a member nor a pending invitation of this organization (invite them first)"
                    .into(),
            }),
        }
    }
    if !bad.is_empty() {
        let list: Vec<String> = bad.iter().map(|f| format!("{} ({})", f.field, f.message)).collect();
        return Err(CoreError::invalid(format!("cannot use: {}", list.join("; ")), bad));
    }
    Ok(found)
}

/// The team as the server has it now; `not_found` when it no longer exists there.
pub(crate) async fn team_now(cx: Ctx<'_>, team: &Team) -> Result<Team> {
    let id = team.id;
    match cx.core.authed(cx.account_id, |c, t| async move { c.get_team(&t, id).await }).await {
        Err(e) if e.code == ErrorCode::NotFound => Err(gone(team)),
        other => other,
    }
}

fn gone(team: &Team) -> CoreError {
    CoreError::not_found(format!(
        "the team {} no longer exists on the server (already gone); nothing was changed",
        team.name
    ))
}

/// Re-fetches the organization after a change to what a team grants its members; a failure is
/// logged (the change itself was made), and the next sync corrects the cache.
async fn refetch(cx: Ctx<'_>) {
    if let Err(e) = cx.core.refresh_organization(cx.account_id, &cx.org_id.to_string()).await {
        tracing::warn!(org = %cx.org_id, code = e.code.as_str(), "re-fetch after a team change failed");
    }
}

/// Writes to the cache where acting cannot go on (the server changed already): a failure is logged.
fn keep(what: &str, result: Result<()>) {
    if let Err(e) = result {
        tracing::warn!(code = e.code.as_str(), error = %e, "{what}: the cache could not be updated");
    }
}

fn in_team(rows: &[TeamMemberRow], who: TeamMember) -> bool {
    rows.iter().any(|r| match who {
        TeamMember::User(id) => r.user.as_ref().is_some_and(|u| u.id == id),
        TeamMember::Invitation(id) => r.invitation.as_ref().is_some_and(|i| i.id == id),
    })
}

/// Sends each add or remove that the team's members on the server (`now`, when read) do not show
/// done already; the server's 409 on an add, 404 on a remove, also count as done. The first request's
/// offline, unauthorized or forbidden failure is the error of the whole, as with invitations.
async fn member_changes(
    cx: Ctx<'_>,
    team_id: Uuid,
    people: &[Person],
    now: Option<&[TeamMemberRow]>,
    add: bool,
) -> Result<Vec<TeamMemberOutcome>> {
    let mut outcomes = Vec::with_capacity(people.len());
    let mut sent = 0;
    let done = |email: &str, unchanged| TeamMemberOutcome {
        email: email.to_owned(),
        ok: true,
        unchanged,
        error: None,
    };
    for p in people {
        if now.is_some_and(|rows| in_team(rows, p.who) == add) {
            outcomes.push(done(&p.email, true));
            continue;
        }
        let who = p.who;
        let result = cx
            .core
            .authed(cx.account_id, |c, tok| async move {
                if add {
                    c.add_team_member(&tok, team_id, who).await
                } else {
                    c.remove_team_member(&tok, team_id, who).await
                }
            })
            .await;
        sent += 1;
        let already = if add { ErrorCode::Conflict } else { ErrorCode::NotFound };
        match result {
            Ok(()) => outcomes.push(done(&p.email, false)),
            Err(e) if e.code == already => outcomes.push(done(&p.email, true)),
            Err(e) if sent == 1 && e.ends_a_batch() => return Err(e),
            Err(e) => outcomes.push(TeamMemberOutcome {
                email: p.email.clone(),
                ok: false,
                unchanged: false,
                error: Some(e),
            }),
        }
    }
    Ok(outcomes)
}

/// A team created, then its initial members (users or pending invitations, by email) added.
pub(crate) struct CreateTeam<'a> {
    pub name: &'a str,
    pub description: Option<String>,
    pub members: &'a [String],
}

impl Write for CreateTeam<'_> {
    /// The name, trimmed, and the initial members.
    type Target = (String, Vec<Person>);
    /// Nothing: the read checks that no team on the server has the name now.
    type State = ();
    type Answer = TeamCreated;

    fn kind(&self) -> K {
        K::TeamCreate
    }

    fn named(&self) -> String {
        self.name.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Self::Target> {
        let name = self.name.trim().to_owned();
        check_team_name(&name).map_err(invalid_name)?;
        match cx.core.find_team(cx.account_id, cx.org_id, &name) {
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
        Ok((name, people(cx, self.members)?))
    }

    async fn read(&self, cx: Ctx<'_>, (name, _): &Self::Target) -> Result<()> {
        let org_id = cx.org_id;
        let teams =
            match cx.core.authed(cx.account_id, |c, t| async move { c.all_teams(&t, org_id).await }).await {
                Ok(l) => l.items,
                // Not readable by this role: the server decides.
                Err(e) if matches!(e.code, ErrorCode::Forbidden | ErrorCode::NotFound) => return Ok(()),
                Err(e) => return Err(e),
            };
        match teams.iter().find(|t| t.name.trim().eq_ignore_ascii_case(name)) {
            Some(t) => Err(CoreError::new(
                ErrorCode::Conflict,
                format!("a team named {:?} exists on the server now ({}); nothing was created", t.name, t.id),
            )),
            None => Ok(()),
        }
    }

    async fn act(&self, cx: Ctx<'_>, (name, people): &Self::Target, _: &()) -> Result<TeamCreated> {
        let create = TeamCreate {
            name: name.clone(),
            description: self.description.clone(),
            organization_id: cx.org_id,
        };
        let team = cx
            .core
            .authed(cx.account_id, |c, t| {
                let create = create.clone();
                async move { c.create_team(&t, &create).await }
            })
            .await?;
        tracing::info!(org = %cx.org_id, team = %team.id, "team created");
        if people.is_empty() {
            return Ok(TeamCreated { team, members: Vec::new() });
        }
        let members = match member_changes(cx, team.id, people, None, true).await {
            Ok(o) => o,
            Err(e) => {
                keep("a team created", cx.core.with_cache(|c| c.put_team(cx.account_id, cx.org_id, &team)));
                return Err(CoreError {
                    message: format!(
                        "the team {} was created, but adding its members failed: {}",
                        team.name, e.message
                    ),
                    ..e
                });
            }
        };
        refetch(cx).await;
        // As the re-fetch cached it, with its members counted.
        let team = cx.core.find_team(cx.account_id, cx.org_id, &team.id.to_string()).unwrap_or(team);
        Ok(TeamCreated { team, members })
    }

    fn cache(&self, cx: Ctx<'_>, _: &Self::Target, _: &(), created: &TeamCreated) -> Result<()> {
        cx.core.with_cache(|c| c.put_team(cx.account_id, cx.org_id, &created.team))
    }

    fn entry(&self, _: Ctx<'_>, (name, people): &Self::Target, _: Option<&()>) -> Entry {
        let e = Entry::new(K::TeamCreate, name.clone());
        if people.is_empty() {
            return e;
        }
        let emails: Vec<&str> = people.iter().map(|p| p.email.as_str()).collect();
        e.detail(format!("with {}", emails.join(", ")))
    }

    fn entries(&self, entry: Entry, created: &TeamCreated) -> Vec<Entry> {
        vec![entry.id(created.team.id)]
    }
}

/// A team renamed and/or re-described (`PATCH /teams/{id}` with only those fields).
pub(crate) struct UpdateTeam<'a> {
    pub team: &'a str,
    pub name: Option<String>,
    pub description: Option<String>,
}

impl Write for UpdateTeam<'_> {
    type Target = (Team, TeamUpdate);
    /// The team as the server has it now.
    type State = Team;
    type Answer = Team;

    fn kind(&self) -> K {
        if self.name.is_some() {
            K::TeamRename
        } else {
            K::TeamDescription
        }
    }

    fn named(&self) -> String {
        self.team.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Self::Target> {
        let found = cx.core.find_team(cx.account_id, cx.org_id, self.team)?;
        let name = self.name.as_ref().map(|n| n.trim().to_owned());
        if let Some(n) = &name {
            check_team_name(n).map_err(invalid_name)?;
            if let Ok(other) = cx.core.find_team(cx.account_id, cx.org_id, n) {
                if other.id != found.id {
                    return Err(CoreError::invalid(
                        format!("a team named {:?} already exists ({})", other.name, other.id),
                        vec![FieldMessage { field: "name".into(), message: "taken".into() }],
                    ));
                }
            }
        }
        if name.is_none() && self.description.is_none() {
            return Err(CoreError::invalid("nothing to change", Vec::new()));
        }
        Ok((found, TeamUpdate { name, description: self.description.clone() }))
    }

    async fn read(&self, cx: Ctx<'_>, (team, _): &Self::Target) -> Result<Team> {
        team_now(cx, team).await
    }

    async fn act(&self, cx: Ctx<'_>, (_, update): &Self::Target, now: &Team) -> Result<Team> {
        let id = now.id;
        cx.core
            .authed(cx.account_id, |c, t| {
                let update = update.clone();
                async move { c.update_team(&t, id, &update).await }
            })
            .await
    }

    fn cache(&self, cx: Ctx<'_>, _: &Self::Target, _: &Team, team: &Team) -> Result<()> {
        cx.core.with_cache(|c| c.put_team(cx.account_id, cx.org_id, team))
    }

    fn entry(&self, _: Ctx<'_>, (team, update): &Self::Target, now: Option<&Team>) -> Entry {
        let mut e = Entry::new(self.kind(), now.unwrap_or(team).name.clone()).id(team.id);
        if let Some(now) = now {
            e.replaced.name = update.name.as_ref().map(|_| now.name.clone());
            e.replaced.description =
                update.description.as_ref().map(|_| now.description.clone().unwrap_or_default());
        }
        e.detail = update.name.clone().or_else(|| update.description.clone());
        e
    }
}

/// A team deleted; its members lose what it granted.
pub(crate) struct DeleteTeam<'a> {
    pub team: &'a str,
}

impl Write for DeleteTeam<'_> {
    type Target = Team;
    /// The team as the server has it now.
    type State = Team;
    /// The team deleted, as it was.
    type Answer = Team;

    fn kind(&self) -> K {
        K::TeamDelete
    }

    fn named(&self) -> String {
        self.team.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Team> {
        cx.core.find_team(cx.account_id, cx.org_id, self.team)
    }

    async fn read(&self, cx: Ctx<'_>, team: &Team) -> Result<Team> {
        team_now(cx, team).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &Team, now: &Team) -> Result<Team> {
        let id = now.id;
        cx.core.authed(cx.account_id, |c, t| async move { c.delete_team(&t, id).await }).await?;
        tracing::info!(org = %cx.org_id, team = %id, "team deleted");
        refetch(cx).await;
        Ok(now.clone())
    }

    fn cache(&self, cx: Ctx<'_>, team: &Team, _: &Team, _: &Team) -> Result<()> {
        cx.core.with_cache(|c| c.remove_team(cx.account_id, cx.org_id, team.id))
    }

    fn entry(&self, _: Ctx<'_>, team: &Team, now: Option<&Team>) -> Entry {
        Entry::new(K::TeamDelete, now.unwrap_or(team).name.clone()).id(team.id)
    }
}

/// Users or pending invitations (by email) added to or removed from a team: one entry per email.
pub(crate) struct ChangeTeamMembers<'a> {
    pub team: &'a str,
    pub emails: &'a [String],
    pub add: bool,
}

impl Write for ChangeTeamMembers<'_> {
    type Target = (Team, Vec<Person>);
    /// The team's members on the server now.
    type State = Vec<TeamMemberRow>;
    type Answer = Vec<TeamMemberOutcome>;

    fn kind(&self) -> K {
        if self.add {
            K::TeamMemberAdd
        } else {
            K::TeamMemberRemove
        }
    }

    fn named(&self) -> String {
        self.emails.iter().map(|e| e.trim()).collect::<Vec<_>>().join(", ")
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Self::Target> {
        let team = cx.core.find_team(cx.account_id, cx.org_id, self.team)?;
        if self.emails.iter().all(|e| e.trim().is_empty()) {
            return Err(CoreError::invalid("give at least one email address", Vec::new()));
        }
        Ok((team, people(cx, self.emails)?))
    }

    async fn read(&self, cx: Ctx<'_>, (team, _): &Self::Target) -> Result<Self::State> {
        let id = team.id;
        match cx.core.authed(cx.account_id, |c, t| async move { c.all_team_members(&t, id).await }).await {
            Ok(listing) => Ok(listing.items),
            Err(e) if e.code == ErrorCode::NotFound => Err(gone(team)),
            Err(e) => Err(e),
        }
    }

    async fn act(
        &self,
        cx: Ctx<'_>,
        (team, people): &Self::Target,
        now: &Self::State,
    ) -> Result<Self::Answer> {
        let outcomes = member_changes(cx, team.id, people, Some(now), self.add).await?;
        if outcomes.iter().any(|o| o.ok && !o.unchanged) {
            refetch(cx).await;
        }
        Ok(outcomes)
    }

    fn cache(&self, _: Ctx<'_>, _: &Self::Target, _: &Self::State, _: &Self::Answer) -> Result<()> {
        Ok(()) // the re-fetch after the change wrote it
    }

    fn entry(&self, _: Ctx<'_>, (team, _): &Self::Target, _: Option<&Self::State>) -> Entry {
        Entry::new(self.kind(), self.named()).detail(format!("team {}", team.name))
    }

    fn entries(&self, entry: Entry, outcomes: &Self::Answer) -> Vec<Entry> {
        outcomes
            .iter()
            .map(|o| {
                let mut e = entry.clone();
                e.target = o.email.clone();
                e.error = o.error.clone();
                e
            })
            .collect()
    }
}

/// A team given an organization role: the new role assigned, then the team's other organization
/// roles on the server revoked, as a member's role change does.
pub(crate) struct SetTeamRole<'a> {
    pub team: &'a str,
    pub role: &'a str,
}

impl Write for SetTeamRole<'_> {
    type Target = (Team, Role);
    /// The team as the server has it now, and the organization roles it holds there.
    type State = (Team, Vec<MemberRole>);
    /// The team's organization roles afterwards.
    type Answer = Vec<MemberRole>;

    fn kind(&self) -> K {
        K::TeamRole
    }

    fn named(&self) -> String {
        self.team.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Self::Target> {
        let team = cx.core.find_team(cx.account_id, cx.org_id, self.team)?;
        Ok((team, cx.core.org_role(cx.account_id, cx.org_id, self.role)?))
    }

    async fn read(&self, cx: Ctx<'_>, (team, _): &Self::Target) -> Result<Self::State> {
        let now = team_now(cx, team).await?;
        let held = cx.core.server_direct_roles(cx.account_id, cx.org_id, Assignee::Team(team.id)).await?;
        Ok((now, held))
    }

    async fn act(
        &self,
        cx: Ctx<'_>,
        (_, role): &Self::Target,
        (team, held): &Self::State,
    ) -> Result<Self::Answer> {
        let (team_id, new_id, scope) = (team.id, role.id, RoleScope::default());
        if !held.iter().any(|r| r.role_id == new_id) {
            match cx
                .core
                .authed(cx.account_id, |c, t| async move {
                    c.assign_role(&t, new_id, Assignee::Team(team_id), scope).await
                })
                .await
            {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::Conflict => {} // taken meanwhile
                Err(e) => return Err(e),
            }
        }
        for old in held.iter().filter(|r| r.role_id != new_id) {
            let old_id = old.role_id;
            match cx
                .core
                .authed(cx.account_id, |c, t| async move {
                    c.revoke_role(&t, old_id, Assignee::Team(team_id), scope).await
                })
                .await
            {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => {
                    refetch(cx).await;
                    return Err(CoreError {
                        message: format!(
                            "the team {} now holds {}, but removing {} failed: {}",
                            team.name,
                            role.name,
                            old.label(),
                            e.message
                        ),
                        ..e
                    });
                }
            }
        }
        refetch(cx).await;
        Ok(vec![MemberRole {
            role_id: new_id,
            name: Some(role.name.clone()),
            level: Some(RoleLevel::Organization),
            via_team: false,
        }])
    }

    fn cache(&self, _: Ctx<'_>, _: &Self::Target, _: &Self::State, _: &Self::Answer) -> Result<()> {
        Ok(()) // the re-fetch after the change wrote it
    }

    fn entry(&self, _: Ctx<'_>, (team, role): &Self::Target, now: Option<&Self::State>) -> Entry {
        let name = now.map_or(&team.name, |(t, _)| &t.name);
        let mut e = Entry::new(K::TeamRole, name.clone()).id(team.id).detail(role.name.clone());
        e.replaced.roles = now.map(|(_, held)| prior_roles(held)).unwrap_or_default();
        e
    }
}

/// A user taken out of a team, by ids (an offboarding step). Not in the team on the server now, or
/// the team gone, is `not_found`, and nothing is sent.
pub(crate) struct LeaveTeam<'a> {
    pub team_id: Uuid,
    pub user_id: Uuid,
    /// The user's email (else name).
    pub label: &'a str,
    /// The team's name as the plan showed it.
    pub team_name: &'a str,
}

impl LeaveTeam<'_> {
    fn gone(&self) -> CoreError {
        CoreError::not_found(format!(
            "{} is not in the team {} on the server now (already gone); nothing was changed",
            self.label, self.team_name
        ))
    }
}

impl Write for LeaveTeam<'_> {
    type Target = ();
    /// The team's members on the server now (the user among them).
    type State = Vec<TeamMemberRow>;
    type Answer = ();

    fn kind(&self) -> K {
        K::TeamMemberRemove
    }

    fn named(&self) -> String {
        self.label.to_owned()
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<()> {
        Ok(())
    }

    async fn read(&self, cx: Ctx<'_>, _: &()) -> Result<Self::State> {
        let id = self.team_id;
        let rows =
            match cx.core.authed(cx.account_id, |c, t| async move { c.all_team_members(&t, id).await }).await
            {
                Ok(listing) => listing.items,
                Err(e) if e.code == ErrorCode::NotFound => return Err(self.gone()),
                Err(e) => return Err(e),
            };
        if !in_team(&rows, TeamMember::User(self.user_id)) {
            return Err(self.gone());
        }
        Ok(rows)
    }

    async fn act(&self, cx: Ctx<'_>, _: &(), _: &Self::State) -> Result<()> {
        let (team_id, who) = (self.team_id, TeamMember::User(self.user_id));
        match cx
            .core
            .authed(cx.account_id, |c, t| async move { c.remove_team_member(&t, team_id, who).await })
            .await
        {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::NotFound => return Err(self.gone()), // taken out meanwhile
            Err(e) => return Err(e),
        }
        tracing::info!(org = %cx.org_id, team = %team_id, "member taken out of a team");
        refetch(cx).await;
        Ok(())
    }

    fn cache(&self, _: Ctx<'_>, _: &(), _: &Self::State, _: &()) -> Result<()> {
        Ok(()) // the re-fetch after the change wrote it
    }

    fn entry(&self, _: Ctx<'_>, _: &(), _: Option<&Self::State>) -> Entry {
        Entry::new(K::TeamMemberRemove, self.label)
            .id(self.user_id)
            .detail(format!("team {}", self.team_name))
    }
}
