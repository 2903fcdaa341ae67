//! Carrying out an offboarding plan: each step through the write pipeline, the overrides it needs,
//! the other accounts' caches kept in step, and the organizations refreshed afterwards.

use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{InvitationStatus, RoleScope};

use super::{out_of_reach, OffboardPlan, OffboardReport, Overrides, ALREADY_GONE};
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::pipeline::grants::RevokeHeld;
use crate::pipeline::members::{Removal, RemoveMember, RemoveTarget, RevokeInvitation};
use crate::pipeline::teams::LeaveTeam;
use crate::service::Core;
use crate::steps::{run_steps, Step, StepAction, StepProgress, StepReport};

/// A refusal that asks for an override: which one is a field of the error, so the window needs no
/// words of it.
fn needs_override(which: &str, message: String) -> CoreError {
    CoreError {
        code: ErrorCode::Conflict,
        message,
        fields: vec![FieldMessage { field: "override".into(), message: which.into() }],
    }
}

impl Core {
    /// Carries out exactly the steps of an offboarding plan, one at a time, reporting each result
    /// through `progress` as it completes: see the module's docs. Stops starting steps once `cancel`
    /// fires. Each step goes through the write pipeline, so it reads its target from the server first:
    /// a member already gone is "already gone" (done, and the organization's invitation steps still
    /// run). Removing the account's own user, or the last holder of Organization Admin (as the server
    /// says right then), fails that step unless `overrides` allows it, and stops its organization.
    pub async fn offboard_run(
        &self,
        plan: &OffboardPlan,
        overrides: Overrides,
        progress: impl Fn(StepProgress),
        cancel: CancellationToken,
    ) -> OffboardReport {
        let exec = |s: Step| async move {
            let target = s.target_id.ok_or_else(|| CoreError::internal("a step without a target"))?;
            let detail = match s.action {
                StepAction::RemoveMember => {
                    self.check_overrides(&s, target, overrides).await?;
                    let write =
                        RemoveMember { target: RemoveTarget::Id { user_id: target, label: s.label.clone() } };
                    match self.run(&s.account_id, s.org_id, &write).await? {
                        Removal::Removed => None,
                        Removal::AlreadyGone => Some(ALREADY_GONE.to_owned()),
                    }
                }
                StepAction::RevokeInvitation => {
                    let id = target.to_string();
                    match self.run(&s.account_id, s.org_id, &RevokeInvitation { id_or_email: &id }).await {
                        Ok(_) => None,
                        Err(e) if e.code == ErrorCode::NotFound => Some(ALREADY_GONE.to_owned()),
                        Err(e) => return Err(e),
                    }
                }
                StepAction::RevokeRole => {
                    self.check_self(&s, overrides)?;
                    let user_id =
                        s.member_id.ok_or_else(|| CoreError::internal("a role step without a person"))?;
                    let what = s.on.clone().unwrap_or_else(|| target.to_string());
                    let write = RevokeHeld {
                        role_id: target,
                        user_id,
                        scope: RoleScope { workspace_id: s.workspace_id, project_id: s.project_id },
                        label: &s.label,
                        what: &what,
                    };
                    match self.run(&s.account_id, s.org_id, &write).await {
                        Ok(()) => None,
                        Err(e) if e.code == ErrorCode::NotFound => Some(ALREADY_GONE.to_owned()),
                        Err(e) => return Err(e),
                    }
                }
                StepAction::LeaveTeam => {
                    self.check_self(&s, overrides)?;
                    let user_id =
                        s.member_id.ok_or_else(|| CoreError::internal("a team step without a person"))?;
                    let id = target.to_string();
                    let name = s.on.as_deref().and_then(|o| o.strip_prefix("team ")).unwrap_or(&id);
                    let write = LeaveTeam { team_id: target, user_id, label: &s.label, team_name: name };
                    match self.run(&s.account_id, s.org_id, &write).await {
                        Ok(()) => None,
                        Err(e) if e.code == ErrorCode::NotFound => Some(ALREADY_GONE.to_owned()),
                        Err(e) => return Err(e),
                    }
                }
                StepAction::Invite => return Ok(None),
            };
            self.mirror(&s);
            Ok::<_, CoreError>(detail)
        };
        let mut report = run_steps(&plan.steps, &plan.blocked, progress, &cancel, |_| true, exec).await;
        report.refresh_failures = self.refresh_after(&report).await;
        report.out_of_reach = out_of_reach();
        report
    }

    /// Refuses taking a role or a team away from the acting account's own user unless the user said
    /// so, as removing it is (see [`Core::check_overrides`]).
    fn check_self(&self, s: &Step, o: Overrides) -> Result<()> {
        match s.member_id {
            Some(user_id) => self.check_own_user(s, user_id, o),
            None => Ok(()),
        }
    }

    /// Refuses acting on the acting account's own user unless the user said so.
    fn check_own_user(&self, s: &Step, user_id: Uuid, o: Overrides) -> Result<()> {
        let account = self.account(&s.account_id)?;
        if account.user_id == user_id && !o.remove_self {
            return Err(needs_override(
                "remove_self",
                format!(
                    "{} is the account you act as in {}: offboarding it takes away your own access there. \
                     Confirm it on purpose (zpro: --allow-self; the window: the checkbox)",
                    s.label, s.org_name
                ),
            ));
        }
        Ok(())
    }

    /// Refuses removing the acting account's own user, or the organization's last Organization Admin
    /// (read from the server now), unless the user said so.
    async fn check_overrides(&self, s: &Step, user_id: Uuid, o: Overrides) -> Result<()> {
        self.check_own_user(s, user_id, o)?;
        let needs = needs_override;
        if !o.last_admin {
            if let Some(admins) = self.server_admins(&s.account_id, s.org_id).await? {
                if admins == [user_id] {
                    return Err(needs(
                        "last_admin",
                        format!(
                            "{} is the last Organization Admin of {} on the server: removing them leaves no \
                             one to manage it. Confirm it on purpose (zpro: --allow-last-admin; the window: \
                             the checkbox)",
                            s.label, s.org_name
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A step done through one account, written into the cache of every other signed-in account that
    /// has the organization cached (each write updates only its own account's), so a later plan does
    /// not offer it again. A cache that cannot be written is logged; the next sync corrects it.
    fn mirror(&self, s: &Step) {
        let (Some(target), Ok(accounts)) = (s.target_id, self.signed_in_accounts(None)) else { return };
        for a in accounts.iter().filter(|a| a.id != s.account_id) {
            let written = self.with_cache(|c| {
                if c.organization(&a.id, &s.org_id.to_string())?.is_none() {
                    return Ok(());
                }
                match s.action {
                    StepAction::RemoveMember => c.remove_member(&a.id, s.org_id, target),
                    StepAction::RevokeInvitation => {
                        for mut inv in c.invitations_matching(&a.id, s.org_id, &target.to_string())? {
                            inv.status = Some(InvitationStatus::Revoked);
                            c.put_invitation(&a.id, s.org_id, &inv)?;
                        }
                        Ok(())
                    }
                    // Assignments are not cached; a team change re-fetched its organization.
                    StepAction::Invite | StepAction::RevokeRole | StepAction::LeaveTeam => Ok(()),
                }
            });
            if let Err(e) = written {
                tracing::warn!(org = %s.org_id, error = %e.message, "could not update another account's cache");
            }
        }
    }

    /// Refreshes every organization a step was tried in (once each, through its step's account); the
    /// ones that could not be refreshed, with why.
    pub(crate) async fn refresh_after(&self, report: &StepReport) -> Vec<String> {
        let mut done: Vec<(String, Uuid)> = Vec::new();
        let mut failures = Vec::new();
        let tried = |r: &&crate::steps::StepResult| {
            r.status != crate::steps::StepStatus::NotAttempted && r.step.refused.is_none()
        };
        for r in report.results.iter().filter(tried) {
            let key = (r.step.account_id.clone(), r.step.org_id);
            if done.contains(&key) {
                continue;
            }
            done.push(key);
            if let Err(e) = self.refresh_organization(&r.step.account_id, &r.step.org_id.to_string()).await {
                failures.push(format!("{}: {}", r.step.org_name, e.message));
            }
        }
        failures
    }
}
