//! Resending an invitation with everything it carried: its organization role, its other roles and
//! its teams, attached again to the new invitation.

use uuid::Uuid;
use zenml_cloud_api::Invitation;

use super::{InviteExtra, InviteOutcome};
use crate::error::{CoreError, Result};
use crate::pipeline::invites::Resend;
use crate::service::Core;

impl Core {
    /// What an invitation carries beyond its organization role, as extras to attach again, named from
    /// the invitation, else the cache, else by id.
    pub(crate) fn extras_of(
        &self,
        account_id: &str,
        org_id: Uuid,
        inv: &Invitation,
    ) -> Result<Vec<InviteExtra>> {
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

    /// Sends an invitation again, as the server has it now: revokes it if still pending (one the
    /// server no longer has, or that was accepted, is refused), then invites the same email with the
    /// organization role it carries and attaches its other roles and teams to the new one. The
    /// outcome says which of those took. Journaled.
    pub async fn resend_invitation_with_outcome(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_email: &str,
    ) -> Result<InviteOutcome> {
        self.run(account_id, org_id, &Resend { id_or_email }).await
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
