//! Carrying an undo's reversal out through the write pipeline.

use uuid::Uuid;
use zenml_cloud_api::{MemberRole, RoleLevel};

use super::reverse::Reverse;
use super::{labels, role_label};
use crate::cache::{ActivityEntry, ActivityKind as K};
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::members::{RemoveMember, RemoveTarget, SetRoles};
use crate::service::Core;

impl Core {
    /// Carries the reversal out through the write pipeline (its entries name the entry undone).
    pub(super) async fn carry_out(
        &self,
        e: &ActivityEntry,
        org_id: Uuid,
        reverse: Reverse,
    ) -> Result<String> {
        let account = e.account_id.as_str();
        match reverse {
            Reverse::SetRoles { user_id, roles } => {
                let wanted = roles
                    .iter()
                    .map(|r| {
                        let role_id = Uuid::parse_str(&r.id).map_err(|_| {
                            CoreError::invalid(
                                format!("entry #{} names a role without an id", e.id),
                                Vec::new(),
                            )
                        })?;
                        Ok(MemberRole {
                            role_id,
                            name: r.name.clone(),
                            level: Some(RoleLevel::Organization),
                            via_team: false,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let write = SetRoles { user_id, label: e.target.clone(), roles: wanted };
                match self.run(account, org_id, &write).await {
                    Ok(_) if e.kind == K::MemberRemoval => {
                        Ok(format!("{} is a member again with {}.", e.target, labels(&roles)))
                    }
                    Ok(_) => Ok(format!("{} holds {} again.", e.target, labels(&roles))),
                    // A server that gives roles only to members: invite them back instead.
                    Err(err)
                        if e.kind == K::MemberRemoval
                            && matches!(err.code, ErrorCode::NotFound | ErrorCode::InvalidInput)
                            && e.target.contains('@') =>
                    {
                        let first = &roles[0];
                        let outcome =
                            self.invite(account, org_id, std::slice::from_ref(&e.target), &first.id).await?;
                        if let Some(err) = outcome.into_iter().next().and_then(|o| o.error) {
                            return Err(err);
                        }
                        Ok(format!("{} was invited again with {}.", e.target, role_label(first)))
                    }
                    Err(err) => Err(err),
                }
            }
            Reverse::Remove { user_id } => {
                let target = RemoveTarget::Id { user_id, label: e.target.clone() };
                self.run(account, org_id, &RemoveMember { target }).await?;
                Ok(format!("{} is no longer a member.", e.target))
            }
            Reverse::InviteAgain { spec, carried } => {
                let outcome =
                    self.invite_with(account, org_id, std::slice::from_ref(&e.target), &spec).await?;
                let outcome = outcome
                    .into_iter()
                    .next()
                    .ok_or_else(|| CoreError::internal("no outcome of the invitation"))?;
                if let Some(err) = outcome.error.clone() {
                    return Err(err);
                }
                let missed: Vec<String> = outcome.failed().map(|a| a.extra.label()).collect();
                let mut message = format!("Invited {} again with {}.", e.target, carried.join(", "));
                if !missed.is_empty() {
                    message.push_str(&format!(" These did not take: {}.", missed.join(", ")));
                }
                Ok(message)
            }
            Reverse::Revoke { invitation_id } => {
                self.revoke_invitation(account, org_id, &invitation_id.to_string()).await?;
                Ok(format!("The invitation to {} is revoked.", e.target))
            }
            Reverse::RenameOrg(name) => {
                self.update_organization(account, org_id, Some(name.clone()), None).await?;
                Ok(format!("The organization is named {name} again."))
            }
            Reverse::RenameTeam { team_id, name } => {
                self.update_team(account, org_id, &team_id.to_string(), Some(name.clone()), None).await?;
                Ok(format!("The team is named {name} again."))
            }
            Reverse::RenameWorkspace { workspace_id, name } => {
                self.update_workspace(account, org_id, &workspace_id.to_string(), Some(name.clone()), None)
                    .await?;
                Ok(format!("The workspace is named {name} again."))
            }
            Reverse::ServiceAccountActive { sa_id, active } => {
                // Boxed: the undo's future stays small (each write's future is large in debug builds).
                Box::pin(self.set_service_account_active(account, org_id, &sa_id.to_string(), active))
                    .await?;
                Ok(format!("{} is {} again.", e.target, if active { "active" } else { "inactive" }))
            }
            Reverse::KeyActive { sa_id, key_id, active } => {
                let sa_id = sa_id.ok_or_else(|| CoreError::internal("the key's account was not found"))?;
                let key = key_id.to_string();
                Box::pin(self.set_api_key_active(account, org_id, &sa_id.to_string(), &key, active)).await?;
                Ok(format!("{} is {} again.", e.target, if active { "active" } else { "inactive" }))
            }
        }
    }
}
