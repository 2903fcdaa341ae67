//! The writes on scoped roles: a workspace role given to, or taken back from, a user, a team or a
//! pending invitation. Each reads from the server what the holder holds of that role on that
//! workspace right before acting.

use zenml_cloud_api::{Role, RoleAssignment, RoleScope, Workspace};

use super::{Ctx, Entry, Write};
use crate::cache::{ActivityKind as K, PriorRole};
use crate::error::{CoreError, ErrorCode, Result};
use crate::grants::{entry_for, AccessEntry, Grantee};

/// A workspace role on a workspace, and who it goes to (or is taken from), resolved once.
pub(crate) struct Scoped {
    pub ws: Workspace,
    pub grantee: Grantee,
    pub role: Role,
}

impl Scoped {
    fn scope(&self) -> RoleScope {
        RoleScope { workspace_id: Some(self.ws.id), project_id: None }
    }
}

/// What a grant or revoke names, as the caller typed it.
pub(crate) struct Named<'a> {
    pub workspace: &'a str,
    pub who: &'a str,
    pub role: &'a str,
}

impl Named<'_> {
    fn resolve(&self, cx: Ctx<'_>) -> Result<Scoped> {
        let ws = cx.core.find_workspace(cx.account_id, cx.org_id, self.workspace)?;
        let grantee = cx.core.find_grantee(cx.account_id, cx.org_id, self.who)?;
        let role = cx.core.workspace_role(cx.account_id, cx.org_id, self.role)?;
        Ok(Scoped { ws, grantee, role })
    }
}

/// The holder's assignments of the role on the workspace, read from the server now. A server without
/// the holder filter's route (404) is asked for the workspace's assignments instead.
async fn held_now(cx: Ctx<'_>, s: &Scoped) -> Result<Vec<RoleAssignment>> {
    let (role_id, who, ws_id) = (s.role.id, s.grantee.assignee(), s.ws.id);
    let rows = cx
        .core
        .authed(cx.account_id, |c, t| async move { c.holder_assignments(&t, role_id, who).await })
        .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) if e.code == ErrorCode::NotFound => cx
            .core
            .authed(cx.account_id, |c, t| async move { c.all_workspace_assignments(&t, ws_id).await })
            .await?
            .items
            .into_iter()
            .filter(|a| a.role_id == role_id && a.held_by(who))
            .collect(),
        Err(e) => return Err(e),
    };
    Ok(rows.into_iter().filter(|a| a.workspace_id == Some(ws_id) && a.project_id.is_none()).collect())
}

fn entry(kind: K, s: &Scoped) -> Entry {
    Entry::new(kind, s.grantee.label.clone())
        .id(s.grantee.id)
        .detail(format!("{} on {}", s.role.name, s.ws.name))
}

/// A workspace role given on a workspace. Already holding it is not an error (nothing is sent).
pub(crate) struct GrantRole<'a>(pub Named<'a>);

impl Write for GrantRole<'_> {
    type Target = Scoped;
    /// The holder's assignments of the role on the workspace now.
    type State = Vec<RoleAssignment>;
    type Answer = AccessEntry;

    fn kind(&self) -> K {
        K::GrantAdd
    }

    fn named(&self) -> String {
        self.0.who.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Scoped> {
        self.0.resolve(cx)
    }

    async fn read(&self, cx: Ctx<'_>, s: &Scoped) -> Result<Self::State> {
        held_now(cx, s).await
    }

    async fn act(&self, cx: Ctx<'_>, s: &Scoped, held: &Self::State) -> Result<AccessEntry> {
        if held.is_empty() {
            let (role_id, who, scope) = (s.role.id, s.grantee.assignee(), s.scope());
            match cx
                .core
                .authed(cx.account_id, |c, t| async move { c.assign_role(&t, role_id, who, scope).await })
                .await
            {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::Conflict => {} // taken meanwhile
                Err(e) => return Err(e),
            }
            tracing::info!(org = %cx.org_id, workspace = %s.ws.id, role = %s.role.id, "workspace role granted");
        }
        Ok(entry_for(&s.ws, &s.grantee, &s.role))
    }

    fn cache(&self, _: Ctx<'_>, _: &Scoped, _: &Self::State, _: &AccessEntry) -> Result<()> {
        Ok(()) // assignments are read live, not cached
    }

    fn entry(&self, _: Ctx<'_>, s: &Scoped, _: Option<&Self::State>) -> Entry {
        entry(K::GrantAdd, s)
    }
}

/// A workspace role taken back on a workspace. Not holding it (on the server, now) is `not_found`,
/// and nothing is sent.
pub(crate) struct RevokeGrant<'a>(pub Named<'a>);

impl Write for RevokeGrant<'_> {
    type Target = Scoped;
    /// The holder's assignments of the role on the workspace now: at least one.
    type State = Vec<RoleAssignment>;
    type Answer = AccessEntry;

    fn kind(&self) -> K {
        K::GrantRevoke
    }

    fn named(&self) -> String {
        self.0.who.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Scoped> {
        self.0.resolve(cx)
    }

    async fn read(&self, cx: Ctx<'_>, s: &Scoped) -> Result<Self::State> {
        let held = held_now(cx, s).await?;
        if held.is_empty() {
            return Err(CoreError::not_found(format!(
                "{} does not hold {} on {} on the server now (already taken away?); nothing was revoked",
                s.grantee.label, s.role.name, s.ws.name
            )));
        }
        Ok(held)
    }

    async fn act(&self, cx: Ctx<'_>, s: &Scoped, _: &Self::State) -> Result<AccessEntry> {
        let (role_id, who, scope) = (s.role.id, s.grantee.assignee(), s.scope());
        cx.core
            .authed(cx.account_id, |c, t| async move { c.revoke_role(&t, role_id, who, scope).await })
            .await?;
        tracing::info!(org = %cx.org_id, workspace = %s.ws.id, role = %s.role.id, "workspace role revoked");
        Ok(entry_for(&s.ws, &s.grantee, &s.role))
    }

    fn cache(&self, _: Ctx<'_>, _: &Scoped, _: &Self::State, _: &AccessEntry) -> Result<()> {
        Ok(()) // assignments are read live, not cached
    }

    fn entry(&self, _: Ctx<'_>, s: &Scoped, held: Option<&Self::State>) -> Entry {
        let mut e = entry(K::GrantRevoke, s);
        if held.is_some_and(|h| !h.is_empty()) {
            e.replaced.roles = vec![PriorRole {
                id: s.role.id.to_string(),
                name: Some(s.role.name.clone()),
                workspace_id: Some(s.ws.id.to_string()),
                workspace: Some(s.ws.name.clone()),
            }];
        }
        e
    }
}

/// One role assignment of a user, addressed by ids (an offboarding step): the role, the user, and
/// the workspace and project it applies to, with how each is named for the journal.
pub(crate) struct RevokeHeld<'a> {
    pub role_id: uuid::Uuid,
    pub user_id: uuid::Uuid,
    pub scope: RoleScope,
    /// The user's email (else name).
    pub label: &'a str,
    /// "Workspace Developer on research".
    pub what: &'a str,
}

impl RevokeHeld<'_> {
    fn gone(&self) -> CoreError {
        CoreError::not_found(format!(
            "{} does not hold {} on the server now (already taken away?); nothing was revoked",
            self.label, self.what
        ))
    }
}

impl Write for RevokeHeld<'_> {
    type Target = ();
    /// The user's assignments of the role in exactly that place, on the server now: at least one.
    type State = Vec<RoleAssignment>;
    type Answer = ();

    fn kind(&self) -> K {
        K::GrantRevoke
    }

    fn named(&self) -> String {
        self.label.to_owned()
    }

    fn resolve(&self, _: Ctx<'_>) -> Result<()> {
        if self.scope.workspace_id.is_none() && self.scope.project_id.is_none() {
            return Err(CoreError::invalid(
                "an organization-level role is taken away by removing the member, not here",
                Vec::new(),
            ));
        }
        Ok(())
    }

    async fn read(&self, cx: Ctx<'_>, _: &()) -> Result<Self::State> {
        let (role_id, who) = (self.role_id, zenml_cloud_api::Assignee::User(self.user_id));
        let rows = match cx
            .core
            .authed(cx.account_id, |c, t| async move { c.holder_assignments(&t, role_id, who).await })
            .await
        {
            Ok(rows) => rows,
            // The role itself is gone: so is the assignment.
            Err(e) if e.code == ErrorCode::NotFound => return Err(self.gone()),
            Err(e) => return Err(e),
        };
        let held: Vec<RoleAssignment> = rows
            .into_iter()
            .filter(|a| a.workspace_id == self.scope.workspace_id && a.project_id == self.scope.project_id)
            .collect();
        if held.is_empty() {
            return Err(self.gone());
        }
        Ok(held)
    }

    async fn act(&self, cx: Ctx<'_>, _: &(), _: &Self::State) -> Result<()> {
        let (role_id, who, scope) = (self.role_id, zenml_cloud_api::Assignee::User(self.user_id), self.scope);
        match cx
            .core
            .authed(cx.account_id, |c, t| async move { c.revoke_role(&t, role_id, who, scope).await })
            .await
        {
            Ok(()) => {}
            Err(e) if e.code == ErrorCode::NotFound => return Err(self.gone()), // taken meanwhile
            Err(e) => return Err(e),
        }
        tracing::info!(org = %cx.org_id, role = %self.role_id, "scoped role revoked");
        Ok(())
    }

    fn cache(&self, _: Ctx<'_>, _: &(), _: &Self::State, _: &()) -> Result<()> {
        Ok(()) // assignments are read live, not cached
    }

    fn entry(&self, _: Ctx<'_>, _: &(), _: Option<&Self::State>) -> Entry {
        Entry::new(K::GrantRevoke, self.label).id(self.user_id).detail(self.what)
    }
}
