//! A member's direct organization roles set: to one role (`SetRole`), or to exactly a set of roles
//! (`SetRoles`, what an undo puts back).

use uuid::Uuid;
use zenml_cloud_api::{Assignee, MemberRole, Role, RoleScope};

use super::{member, new_role, prior_roles, Member};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::{Ctx, Entry, Write};

/// A member's organization role becomes exactly `role`: every other direct organization role they
/// hold on the server now is revoked; roles through a team stay, and the answer names them.
pub(crate) struct SetRole<'a> {
    pub who: &'a str,
    pub role: &'a str,
}

impl Write for SetRole<'_> {
    /// The member as cached, or (not a cached member, named by something other than an email) why
    /// not: a service account holding no role yet is not a member, and is looked for on the server.
    type Target = (std::result::Result<Member, CoreError>, Role);
    /// Who, and the direct organization roles they hold now.
    type State = (Member, Vec<MemberRole>);
    /// The roles held afterwards: the new one, then those through a team.
    type Answer = Vec<MemberRole>;

    fn kind(&self) -> K {
        K::RoleChange
    }

    fn named(&self) -> String {
        self.who.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Self::Target> {
        let m = match member(cx, self.who) {
            Ok(m) => Ok(m),
            Err(e) if e.code == ErrorCode::NotFound && !self.who.contains('@') => Err(e),
            Err(e) => return Err(e),
        };
        Ok((m, cx.core.org_role(cx.account_id, cx.org_id, self.role)?))
    }

    async fn read(&self, cx: Ctx<'_>, (m, _): &Self::Target) -> Result<Self::State> {
        let m = match m {
            Ok(m) => Member { user_id: m.user_id, label: m.label.clone(), via_team: m.via_team.clone() },
            // A service account of the organization with no role yet (service accounts are not
            // cached): found on the server by id or name, else not found as the cache said.
            Err(not_cached) => {
                match Box::pin(cx.core.server_service_account(cx.account_id, cx.org_id, self.who)).await {
                    Ok(sa) => Member {
                        user_id: sa.id,
                        label: crate::service_accounts::account_name(&sa),
                        via_team: Vec::new(),
                    },
                    Err(e) if matches!(e.code, ErrorCode::NotFound | ErrorCode::Forbidden) => {
                        return Err(not_cached.clone())
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        let held = cx.core.server_direct_roles(cx.account_id, cx.org_id, Assignee::User(m.user_id)).await?;
        if held.is_empty() && m.via_team.is_empty() && self.cached(cx, m.user_id) {
            return Err(CoreError::not_found(format!(
                "{} is no longer a member of this organization on the server; nothing was changed",
                m.label
            )));
        }
        Ok((m, held))
    }

    async fn act(
        &self,
        cx: Ctx<'_>,
        (cached, role): &Self::Target,
        (m, held): &Self::State,
    ) -> Result<Self::Answer> {
        exactly(cx, m, &[new_role(role)], held).await?;
        let mut roles = vec![new_role(role)];
        roles.extend(m.via_team.iter().cloned());
        if cached.is_err() {
            // A service account given its first role: its member row comes with the organization.
            let org = cx.org_id.to_string();
            if let Err(e) = Box::pin(cx.core.refresh_organization(cx.account_id, &org)).await {
                tracing::warn!(org = %cx.org_id, code = e.code.as_str(), "re-fetch after a first role failed");
            }
        }
        Ok(roles)
    }

    fn cache(&self, cx: Ctx<'_>, _: &Self::Target, (m, _): &Self::State, roles: &Self::Answer) -> Result<()> {
        cx.core.with_cache(|c| c.set_member_roles(cx.account_id, cx.org_id, m.user_id, roles))
    }

    fn entry(&self, _: Ctx<'_>, (cached, role): &Self::Target, now: Option<&Self::State>) -> Entry {
        let (label, id) = match (now, cached) {
            (Some((m, _)), _) | (None, Ok(m)) => (m.label.clone(), Some(m.user_id)),
            (None, Err(_)) => (self.who.trim().to_owned(), None),
        };
        let mut e = Entry::new(K::RoleChange, label).detail(role.name.clone());
        e.target_id = id.map(|i| i.to_string());
        e.replaced.roles = now.map(|(_, h)| prior_roles(h)).unwrap_or_default();
        e
    }
}

impl SetRole<'_> {
    /// Whether the cache holds the user as a member (a service account given its first role is not).
    fn cached(&self, cx: Ctx<'_>, user_id: Uuid) -> bool {
        !matches!(cx.core.with_cache(|c| c.user_member(cx.account_id, cx.org_id, user_id)), Ok(None))
    }
}

/// Makes a user's direct organization roles exactly `wanted`, from what they hold now (`held`, just
/// read from the server): each wanted role missing is assigned first, then each other one revoked, so
/// a failure never leaves them with no role.
async fn exactly(cx: Ctx<'_>, m: &Member, wanted: &[MemberRole], held: &[MemberRole]) -> Result<()> {
    let (user_id, scope) = (m.user_id, RoleScope::default());
    for role in wanted.iter().filter(|w| !held.iter().any(|h| h.role_id == w.role_id)) {
        let id = role.role_id;
        let assigned = cx
            .core
            .authed(cx.account_id, |c, t| async move {
                c.assign_role(&t, id, Assignee::User(user_id), scope).await
            })
            .await;
        match assigned {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::Conflict => {} // taken meanwhile
            Err(e) => return Err(e),
        }
    }
    for old in held.iter().filter(|h| !wanted.iter().any(|w| w.role_id == h.role_id)) {
        let id = old.role_id;
        let revoked = cx
            .core
            .authed(cx.account_id, |c, t| async move {
                c.revoke_role(&t, id, Assignee::User(user_id), scope).await
            })
            .await;
        match revoked {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::NotFound => {}
            Err(e) => {
                let now: Vec<String> = wanted.iter().map(MemberRole::label).collect();
                return Err(CoreError {
                    message: format!(
                        "{} now holds {}, but removing {} failed: {}",
                        m.label,
                        now.join(", "),
                        old.label(),
                        e.message
                    ),
                    ..e
                });
            }
        }
    }
    Ok(())
}

/// A user's direct organization roles set to exactly these role ids (what an undo puts back: the
/// roles before a role change, or a removed member's roles).
pub(crate) struct SetRoles {
    pub user_id: Uuid,
    pub label: String,
    pub roles: Vec<MemberRole>,
}

impl Write for SetRoles {
    type Target = Member;
    type State = Vec<MemberRole>;
    type Answer = Vec<MemberRole>;

    fn kind(&self) -> K {
        K::RoleChange
    }

    fn named(&self) -> String {
        self.label.clone()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Member> {
        if self.roles.is_empty() {
            return Err(CoreError::invalid("no role to give", Vec::new()));
        }
        let via_team = match cx.core.with_cache(|c| c.user_member(cx.account_id, cx.org_id, self.user_id))? {
            Some(row) => row.roles.into_iter().filter(|r| r.via_team).collect(),
            None => Vec::new(),
        };
        Ok(Member { user_id: self.user_id, label: self.label.clone(), via_team })
    }

    async fn read(&self, cx: Ctx<'_>, m: &Member) -> Result<Self::State> {
        cx.core.server_direct_roles(cx.account_id, cx.org_id, Assignee::User(m.user_id)).await
    }

    async fn act(&self, cx: Ctx<'_>, m: &Member, held: &Self::State) -> Result<Self::Answer> {
        exactly(cx, m, &self.roles, held).await?;
        let mut roles = self.roles.clone();
        roles.extend(m.via_team.iter().cloned());
        Ok(roles)
    }

    fn cache(&self, cx: Ctx<'_>, m: &Member, held: &Self::State, roles: &Self::Answer) -> Result<()> {
        if held.is_empty() {
            return Ok(()); // a member again: the organization's refresh after the undo brings their row
        }
        cx.core.with_cache(|c| c.set_member_roles(cx.account_id, cx.org_id, m.user_id, roles))
    }

    fn entry(&self, _: Ctx<'_>, m: &Member, held: Option<&Self::State>) -> Entry {
        let names: Vec<String> = self.roles.iter().map(MemberRole::label).collect();
        let mut e = Entry::new(K::RoleChange, m.label.clone()).id(m.user_id).detail(names.join(", "));
        e.replaced.roles = held.map(|h| prior_roles(h)).unwrap_or_default();
        e
    }
}
