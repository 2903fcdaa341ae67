//! Resending an invitation with everything it carried: its organization role, its other roles and
//! its teams, attached again to the new invitation.

use uuid::Uuid;
use zenml_cloud_api::{Invitation, InvitationStatus, RoleRef};

use super::{InviteExtra, InviteOutcome};
use crate::error::{CoreError, ErrorCode, Result};
use crate::service::Core;

impl Core {
    /// What an invitation carries beyond its organization role, as extras to attach again, named from
    /// the invitation, else the cache, else by id.
    fn extras_of(&self, account_id: &str, org_id: Uuid, inv: &Invitation) -> Result<Vec<InviteExtra>> {
        let roles = self.roles(account_id, org_id)?.value;
        let workspaces = self.workspaces(account_id, org_id)?.value;
        let teams = self.teams(account_id, org_id)?.value;
        let mut extras = Vec::new();
        for r in inv.extra_roles() {
            let role = r
                .name
                .clone()
                .or_else(|| roles.iter().find(|x| x.id == r.id).map(|x| x.name.clone()))
                .unwrap_or_else(|| r.id.to_string());
            let workspace = r.workspace_name.clone().or_else(|| {
                let id = r.workspace_id?;
                workspaces.iter().find(|w| w.id == id).map(|w| w.name.clone())
            });
            extras.push(InviteExtra::Role { role_id: r.id, role, workspace_id: r.workspace_id, workspace });
        }
        for t in &inv.teams {
            let team = t
                .name
                .clone()
                .or_else(|| teams.iter().find(|x| x.id == t.id).map(|x| x.name.clone()))
                .unwrap_or_else(|| t.id.to_string());
            extras.push(InviteExtra::Team { team_id: t.id, team });
        }
        Ok(extras)
    }

    /// Sends an invitation again: revokes it if still pending, then invites the same email with the
    /// same organization role and attaches its other roles and teams to the new one. The outcome says
    /// which of those took. Logged in the activity log.
    pub async fn resend_invitation_with_outcome(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_email: &str,
    ) -> Result<InviteOutcome> {
        let draft = self.draft_resend(account_id, org_id, id_or_email);
        self.logged(draft, self.resend_now(account_id, org_id, id_or_email)).await
    }

    async fn resend_now(&self, account_id: &str, org_id: Uuid, id_or_email: &str) -> Result<InviteOutcome> {
        let old = self.find_invitation(account_id, org_id, id_or_email)?;
        let role = old.role.clone().ok_or_else(|| {
            CoreError::invalid(
                "this invitation carries no role, so it cannot be sent again as it was",
                Vec::new(),
            )
        })?;
        let role = RoleRef {
            name: role.name.clone().or_else(|| {
                self.with_cache(|c| c.role_by_id(account_id, org_id, role.id)).ok().flatten().map(|r| r.name)
            }),
            ..role
        };
        let extras = self.extras_of(account_id, org_id, &old)?;
        if old.status == Some(InvitationStatus::Pending) {
            let id = old.id;
            match self
                .authed(account_id, |c, t| async move { c.revoke_invitation(&t, org_id, id).await })
                .await
            {
                Ok(()) => {}
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => return Err(e),
            }
            let mut revoked = old.clone();
            revoked.status = Some(InvitationStatus::Revoked);
            self.with_cache(|c| c.put_invitation(account_id, org_id, &revoked))?;
        }
        self.send_invitation(account_id, org_id, &old.email, &role, &extras).await.map_err(|e| CoreError {
            message: format!("the old invitation was revoked but sending the new one failed: {}", e.message),
            ..e
        })
    }

    /// Sends an invitation again (see [`Core::resend_invitation_with_outcome`]) and returns the new
    /// one, as cached: it lists the roles and teams that took (a failure to attach one is logged).
    pub async fn resend_invitation(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_email: &str,
    ) -> Result<Invitation> {
        let outcome = self.resend_invitation_with_outcome(account_id, org_id, id_or_email).await?;
        let failed = outcome.failed().count();
        if failed > 0 {
            tracing::warn!(org = %org_id, failed, "some roles or teams of a resent invitation did not take");
        }
        outcome.invitation.ok_or_else(|| CoreError::internal("the server answered without the invitation"))
    }
}
