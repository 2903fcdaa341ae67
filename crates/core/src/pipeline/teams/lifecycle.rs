//! A team's own lifecycle: created (with its initial members), renamed or re-described, deleted.

use zenml_cloud_api::{Team, TeamCreate, TeamUpdate};

use super::membership::member_changes;
use super::people::{people, Person};
use super::{invalid_name, keep, refetch, team_now};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::pipeline::{Ctx, Entry, Write};
use crate::teams::{check_team_name, TeamCreated};

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
