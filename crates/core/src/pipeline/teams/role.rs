//! A team's organization role: the new role assigned, the team's other organization roles revoked.

use zenml_cloud_api::{Assignee, MemberRole, Role, RoleLevel, RoleScope, Team};

use super::{refetch, team_now};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::members::prior_roles;
use crate::pipeline::{Ctx, Entry, Write};

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
