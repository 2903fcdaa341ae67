//! Who is in a team: members (users or pending invitations, by email) added or removed, and a user
//! taken out of a team by ids as an offboarding step.

use uuid::Uuid;
use zenml_cloud_api::{Team, TeamMember, TeamMemberRow};

use super::people::{people, Person};
use super::{gone, in_team, refetch};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::{Ctx, Entry, Write};
use crate::teams::TeamMemberOutcome;

/// Sends each add or remove that the team's members on the server (`now`, when read) do not show
/// done already; the server's 409 on an add, 404 on a remove, also count as done. The first request's
/// offline, unauthorized or forbidden failure is the error of the whole, as with invitations.
pub(super) async fn member_changes(
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
