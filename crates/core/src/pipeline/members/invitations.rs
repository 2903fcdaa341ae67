//! A pending invitation revoked, and what every write on an invitation reads and logs.

use zenml_cloud_api::{Invitation, InvitationStatus};

use super::carried;
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::{Ctx, Entry, Write};

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
