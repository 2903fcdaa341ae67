//! The writes on an organization's members, invitations and settings: a role change, a removal, a
//! revocation, a rename or new description. Each reads its target from the server before acting.

use uuid::Uuid;
use zenml_cloud_api::{
    Assignee, Invitation, InvitationStatus, MemberRole, Organization, OrganizationUpdate, Role, RoleLevel,
    RoleScope,
};

use super::{Ctx, Entry, Write};
use crate::cache::{ActivityKind as K, PriorRole, PriorTeam, Replaced};
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::validate::check_org_name;

/// Roles as the journal keeps what a write replaced.
pub(crate) fn prior_roles(roles: &[MemberRole]) -> Vec<PriorRole> {
    roles
        .iter()
        .map(|r| PriorRole { id: r.role_id.to_string(), name: r.name.clone(), ..Default::default() })
        .collect()
}

/// What an invitation carried: its roles (the organization role first) and its teams.
pub(crate) fn carried(inv: &Invitation) -> Replaced {
    let mut roles: Vec<PriorRole> = inv
        .all_roles()
        .into_iter()
        .map(|r| PriorRole {
            id: r.id.to_string(),
            name: r.name,
            workspace_id: r.workspace_id.map(|w| w.to_string()),
            workspace: r.workspace_name,
        })
        .collect();
    if let Some(main) = &inv.role {
        let main_id = main.id.to_string();
        if let Some(i) = roles.iter().position(|r| r.id == main_id && r.workspace_id.is_none()) {
            let r = roles.remove(i);
            roles.insert(0, PriorRole { name: r.name.or_else(|| main.name.clone()), ..r });
        }
    }
    let teams = inv.teams.iter().map(|t| PriorTeam { id: t.id.to_string(), name: t.name.clone() }).collect();
    Replaced { roles, teams, ..Default::default() }
}

/// A member resolved once: their user id, how they are named, and the roles the cache saw them hold
/// through a team (a role change leaves those alone).
pub(crate) struct Member {
    pub user_id: Uuid,
    pub label: String,
    pub via_team: Vec<MemberRole>,
}

pub(crate) fn member(cx: Ctx<'_>, who: &str) -> Result<Member> {
    let row = cx.core.find_member(cx.account_id, cx.org_id, who)?;
    let user = row.user.as_ref().ok_or_else(|| CoreError::not_found("not a user"))?;
    Ok(Member {
        user_id: user.id,
        label: user.email.clone().or_else(|| user.name.clone()).unwrap_or_else(|| user.id.to_string()),
        via_team: row.roles.iter().filter(|r| r.via_team).cloned().collect(),
    })
}

fn new_role(role: &Role) -> MemberRole {
    MemberRole {
        role_id: role.id,
        name: Some(role.name.clone()),
        level: Some(RoleLevel::Organization),
        via_team: false,
    }
}

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

/// Whether a removal took, or found the member already gone on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removal {
    Removed,
    AlreadyGone,
}

/// A member removed from the organization (every direct organization role taken away).
pub(crate) struct RemoveMember {
    pub target: RemoveTarget,
}

/// Who a removal names: as typed (resolved from the cache), or the one user id a plan showed.
pub(crate) enum RemoveTarget {
    Named(String),
    Id { user_id: Uuid, label: String },
}

impl Write for RemoveMember {
    type Target = Member;
    type State = Vec<MemberRole>;
    type Answer = Removal;

    fn kind(&self) -> K {
        K::MemberRemoval
    }

    fn named(&self) -> String {
        match &self.target {
            RemoveTarget::Named(n) => n.clone(),
            RemoveTarget::Id { label, .. } => label.clone(),
        }
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Member> {
        match &self.target {
            RemoveTarget::Named(who) => member(cx, who),
            RemoveTarget::Id { user_id, label } => {
                Ok(Member { user_id: *user_id, label: label.clone(), via_team: Vec::new() })
            }
        }
    }

    async fn read(&self, cx: Ctx<'_>, m: &Member) -> Result<Self::State> {
        cx.core.server_direct_roles(cx.account_id, cx.org_id, Assignee::User(m.user_id)).await
    }

    async fn act(&self, cx: Ctx<'_>, m: &Member, held: &Self::State) -> Result<Removal> {
        if held.is_empty() {
            return Ok(Removal::AlreadyGone);
        }
        let (org_id, user_id) = (cx.org_id, m.user_id);
        match cx
            .core
            .authed(cx.account_id, |c, t| async move { c.remove_member(&t, org_id, user_id).await })
            .await
        {
            Ok(()) => Ok(Removal::Removed),
            Err(e) if e.code == ErrorCode::NotFound => Ok(Removal::AlreadyGone),
            Err(e) => Err(e),
        }
    }

    fn cache(&self, cx: Ctx<'_>, m: &Member, _: &Self::State, _: &Removal) -> Result<()> {
        cx.core.with_cache(|c| c.remove_member(cx.account_id, cx.org_id, m.user_id))
    }

    fn entry(&self, _: Ctx<'_>, m: &Member, held: Option<&Self::State>) -> Entry {
        let mut e = Entry::new(K::MemberRemoval, m.label.clone()).id(m.user_id);
        e.replaced.roles = held.map(|h| prior_roles(h)).unwrap_or_default();
        e
    }

    fn entries(&self, entry: Entry, answer: &Removal) -> Vec<Entry> {
        match answer {
            Removal::Removed => vec![entry],
            // Nothing changed: an entry that says so, with nothing to undo.
            Removal::AlreadyGone => {
                let mut e = entry.detail("already gone");
                e.replaced = Replaced::default();
                vec![e]
            }
        }
    }
}

/// A pending invitation revoked: by email or id as typed, or the one id a plan showed.
pub(crate) struct RevokeInvitation<'a> {
    pub id_or_email: &'a str,
}

impl Write for RevokeInvitation<'_> {
    type Target = Invitation;
    /// The invitation as the server has it now, pending.
    type State = Invitation;
    type Answer = Invitation;

    fn kind(&self) -> K {
        K::Revoke
    }

    fn named(&self) -> String {
        self.id_or_email.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Invitation> {
        cx.core.find_invitation(cx.account_id, cx.org_id, self.id_or_email)
    }

    async fn read(&self, cx: Ctx<'_>, inv: &Invitation) -> Result<Invitation> {
        pending_now(cx, inv).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &Invitation, now: &Invitation) -> Result<Invitation> {
        let (org_id, id) = (cx.org_id, now.id);
        cx.core
            .authed(cx.account_id, |c, t| async move { c.revoke_invitation(&t, org_id, id).await })
            .await?;
        Ok(Invitation { status: Some(InvitationStatus::Revoked), ..now.clone() })
    }

    fn cache(&self, cx: Ctx<'_>, _: &Invitation, _: &Invitation, revoked: &Invitation) -> Result<()> {
        cx.core.with_cache(|c| c.put_invitation(cx.account_id, cx.org_id, revoked))
    }

    fn entry(&self, cx: Ctx<'_>, inv: &Invitation, now: Option<&Invitation>) -> Entry {
        let mut e = invitation_entry(K::Revoke, now.unwrap_or(inv));
        // The server's copy may name a role or workspace only by id: name them as the cache does.
        let cached = carried(inv);
        for r in e.replaced.roles.iter_mut() {
            let same = cached.roles.iter().find(|c| c.id == r.id && c.workspace_id == r.workspace_id);
            if r.name.is_none() {
                r.name = same.and_then(|c| c.name.clone()).or_else(|| {
                    let id = uuid::Uuid::parse_str(&r.id).ok()?;
                    cx.core
                        .with_cache(|c| c.role_by_id(cx.account_id, cx.org_id, id))
                        .ok()
                        .flatten()
                        .map(|x| x.name)
                });
            }
            if let (None, Some(ws)) = (&r.workspace, r.workspace_id.clone()) {
                r.workspace = same
                    .and_then(|c| c.workspace.clone())
                    .or_else(|| cx.core.find_workspace(cx.account_id, cx.org_id, &ws).ok().map(|w| w.name));
            }
        }
        for t in e.replaced.teams.iter_mut().filter(|t| t.name.is_none()) {
            t.name = cached.teams.iter().find(|c| c.id == t.id).and_then(|c| c.name.clone());
        }
        if e.detail.is_none() || e.replaced.roles.first().is_some_and(|r| r.name.is_some()) {
            e.detail = e.replaced.roles.first().map(|r| r.name.clone().unwrap_or_else(|| r.id.clone()));
        }
        e
    }
}

/// The entry of a write on an invitation: its id, email and what it carried.
pub(crate) fn invitation_entry(kind: K, inv: &Invitation) -> Entry {
    let mut e = Entry::new(kind, inv.email.clone()).id(inv.id);
    e.replaced = carried(inv);
    e.detail = e.replaced.roles.first().map(|r| r.name.clone().unwrap_or_else(|| r.id.clone()));
    e
}

/// The invitation as the server has it now, if it is still pending: else `not_found` (gone:
/// revoked, expired, declined or deleted) or `conflict` (accepted: the person is a member now).
pub(crate) async fn pending_now(cx: Ctx<'_>, inv: &Invitation) -> Result<Invitation> {
    let now = cx.core.server_invitation(cx.account_id, cx.org_id, inv.id, &inv.email).await?;
    let Some(now) = now else {
        return Err(CoreError::not_found(format!(
            "the invitation to {} no longer exists on the server (already gone)",
            inv.email
        )));
    };
    match now.status {
        None | Some(InvitationStatus::Pending) => Ok(now),
        Some(InvitationStatus::Accepted) => Err(CoreError::new(
            ErrorCode::Conflict,
            format!(
                "{} accepted the invitation since: they are a member now; nothing was revoked",
                inv.email
            ),
        )),
        Some(other) => Err(CoreError::not_found(format!(
            "the invitation to {} is {} on the server now, not pending (already gone)",
            inv.email,
            other.as_str()
        ))),
    }
}

/// The organization renamed and/or re-described.
pub(crate) struct UpdateOrg {
    pub name: Option<String>,
    pub description: Option<String>,
}

impl Write for UpdateOrg {
    type Target = OrganizationUpdate;
    /// The organization as the server has it now.
    type State = Organization;
    type Answer = Organization;

    fn kind(&self) -> K {
        if self.name.is_some() {
            K::OrgRename
        } else {
            K::OrgDescription
        }
    }

    fn named(&self) -> String {
        self.name.clone().or_else(|| self.description.clone()).unwrap_or_default()
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<OrganizationUpdate> {
        if let Some(n) = &self.name {
            check_org_name(n).map_err(|m| {
                CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
            })?;
        }
        if self.name.is_none() && self.description.is_none() {
            return Err(CoreError::invalid("nothing to change", Vec::new()));
        }
        Ok(OrganizationUpdate {
            name: self.name.as_ref().map(|n| n.trim().to_owned()),
            description: self.description.clone(),
            ..Default::default()
        })
    }

    async fn read(&self, cx: Ctx<'_>, _: &OrganizationUpdate) -> Result<Organization> {
        let org = cx.org_id.to_string();
        cx.core
            .authed(cx.account_id, |c, t| {
                let org = org.clone();
                async move { c.get_organization(&t, &org).await }
            })
            .await
    }

    async fn act(&self, cx: Ctx<'_>, update: &OrganizationUpdate, _: &Organization) -> Result<Organization> {
        let org_id = cx.org_id;
        cx.core
            .authed(cx.account_id, |c, t| {
                let update = update.clone();
                async move { c.update_organization(&t, org_id, &update).await }
            })
            .await
    }

    fn cache(&self, cx: Ctx<'_>, _: &OrganizationUpdate, _: &Organization, org: &Organization) -> Result<()> {
        cx.core.with_cache(|c| c.put_organization(cx.account_id, org))
    }

    fn entry(&self, cx: Ctx<'_>, update: &OrganizationUpdate, now: Option<&Organization>) -> Entry {
        let mut e = Entry::new(self.kind(), now.map_or_else(|| cx.org_id.to_string(), |o| o.name.clone()))
            .id(cx.org_id);
        if let Some(org) = now {
            e.replaced.name = update.name.as_ref().map(|_| org.name.clone());
            e.replaced.description =
                update.description.as_ref().map(|_| org.description.clone().unwrap_or_default());
        }
        e.detail = update.name.clone().or_else(|| update.description.clone());
        e
    }
}
