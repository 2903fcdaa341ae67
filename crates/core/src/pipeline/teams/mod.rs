//! The writes on teams: create one, rename or re-describe it, delete it, add or remove its members,
//! give it an organization role. Each reads the team (or, for a new one, the organization's teams)
//! from the server right before acting.
//!
//! A change to what a team grants its members is followed by a re-fetch of the organization (its
//! member rows carry `via_team` roles the server computes); that re-fetch is part of acting, and a
//! failure of it is only logged (the change was made; the next sync corrects the cache).

mod lifecycle;
mod membership;
mod people;
mod role;

pub(crate) use lifecycle::{CreateTeam, DeleteTeam, UpdateTeam};
pub(crate) use membership::{ChangeTeamMembers, LeaveTeam};
pub(crate) use role::SetTeamRole;

use zenml_cloud_api::{Team, TeamMember, TeamMemberRow};

use super::Ctx;
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};

fn invalid_name(m: String) -> CoreError {
    CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
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
