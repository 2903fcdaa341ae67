//! Inviting people to several organizations at once: one step per organization and email, planned
//! from the cache ([`Core::invite_plan`]) and carried out one at a time ([`Core::invite_many_orgs`]),
//! each with the same checks and requests as [`Core::invite_with`].
//!
//! Every email and every organization name is checked first (a wrong one is `invalid_input` and
//! nothing is sent). The role, workspace roles and teams are then resolved in each organization: an
//! organization where one of them does not exist has its steps refused there (they fail without a
//! request), and the other organizations go ahead. Each organization is invited through the account
//! named, else the active account when it has the organization cached, else one whose cached roles
//! are not known to lack the right. Within an organization a failure that would meet its other steps
//! too (offline, signed out, refused) leaves them not attempted; others (an email already invited)
//! do not. Nothing is retried.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::{checked_emails, InviteSpec};
use crate::cache::{AccountRecord, MemberKind};
use crate::error::{CoreError, Result};
use crate::model::account_label;
use crate::service::Core;
use crate::steps::{run_steps, Step, StepAction, StepProgress, StepReport};
use crate::writes::known_to_lack;

/// What inviting people to several organizations would do.
#[derive(Clone, Debug, Serialize)]
pub struct InvitePlan {
    /// One per organization and email, organization by organization in the order given.
    pub steps: Vec<Step>,
}

impl Core {
    /// The plan to invite `emails` to each of `orgs` with `spec`, through `account` (an account id)
    /// or the account chosen per organization: see the module's docs. From the cache, no request.
    pub fn invite_plan(
        &self,
        account: Option<&str>,
        emails: &[String],
        orgs: &[String],
        spec: &InviteSpec,
    ) -> Result<InvitePlan> {
        let emails = checked_emails(emails)?;
        if orgs.is_empty() {
            return Err(CoreError::invalid("name at least one organization (--org)", Vec::new()));
        }
        let accounts = self.signed_in_accounts(account)?;
        if accounts.is_empty() {
            return Err(CoreError::unauthorized("not signed in: run `zpro login` first"));
        }
        let active = self.active_account()?.map(|a| a.id);
        let mut steps = Vec::new();
        for target in self.orgs_named(orgs, &accounts)? {
            let mut ranked: Vec<(bool, bool, String, &AccountRecord)> = Vec::new();
            for a in &target.accounts {
                let lacks = known_to_lack(&self.my_roles(&a.id, target.org_id)?);
                ranked.push((lacks, active.as_deref() != Some(a.id.as_str()), account_label(a), a));
            }
            ranked.sort_by(|x, y| (x.0, x.1, &x.2).cmp(&(y.0, y.1, &y.2)));
            let Some(&(_, _, ref label, a)) = ranked.first() else { continue };
            let checked = self
                .invite_role(&a.id, target.org_id, &spec.role)
                .and_then(|(role, _)| self.invite_extras(&a.id, target.org_id, spec).map(|_| role));
            let (roles, refused) = match checked {
                Ok(role) => {
                    let mut roles = vec![role.name];
                    roles.extend(spec.workspace_roles.iter().map(|(ws, r)| format!("{r} on {ws}")));
                    roles.extend(spec.teams.iter().map(|t| format!("team {t}")));
                    (roles, None)
                }
                Err(e) => (vec![spec.role.clone()], Some(e)),
            };
            for email in &emails {
                steps.push(Step {
                    account_id: a.id.clone(),
                    account: label.clone(),
                    org_id: target.org_id,
                    org_name: target.org_name.clone(),
                    action: StepAction::Invite,
                    kind: MemberKind::Invitation,
                    target_id: None,
                    member_id: None,
                    workspace_id: None,
                    project_id: None,
                    on: None,
                    label: email.clone(),
                    roles: roles.clone(),
                    note: None,
                    refused: refused.clone(),
                });
            }
        }
        Ok(InvitePlan { steps })
    }

    /// Invites `emails` to each of `orgs`: [`Core::invite_plan`], then each step in turn, its result
    /// reported through `progress` as it completes. A step's result says the invitation sent; one
    /// whose workspace roles or teams did not all take says which failed.
    pub async fn invite_many_orgs(
        &self,
        account: Option<&str>,
        emails: &[String],
        orgs: &[String],
        spec: &InviteSpec,
        progress: impl Fn(StepProgress),
        cancel: CancellationToken,
    ) -> Result<StepReport> {
        let plan = self.invite_plan(account, emails, orgs, spec)?;
        Ok(self.invite_run(&plan, spec, progress, cancel).await)
    }

    /// Carries out an invitation plan made by [`Core::invite_plan`] with the same `spec`.
    pub async fn invite_run(
        &self,
        plan: &InvitePlan,
        spec: &InviteSpec,
        progress: impl Fn(StepProgress),
        cancel: CancellationToken,
    ) -> StepReport {
        let stops = |e: &CoreError| e.ends_a_batch();
        let mut report = run_steps(&plan.steps, &[], progress, &cancel, stops, |s: Step| async move {
            let mut outcomes =
                self.invite_with(&s.account_id, s.org_id, std::slice::from_ref(&s.label), spec).await?;
            let outcome =
                outcomes.pop().ok_or_else(|| CoreError::internal("no outcome of the invitation"))?;
            if let Some(e) = outcome.error {
                return Err(e);
            }
            let id = outcome.invitation.as_ref().map(|i| i.id.to_string()).unwrap_or_default();
            let failed: Vec<String> = outcome
                .failed()
                .map(|x| {
                    let why = x.error.as_ref().map_or("failed", |e| e.message.as_str());
                    format!("{}: {why}", x.extra.label())
                })
                .collect();
            Ok::<_, CoreError>(Some(if failed.is_empty() {
                format!("invitation {id}")
            } else {
                format!("invitation {id}, but these did not take: {}", failed.join("; "))
            }))
        })
        .await;
        report.refresh_failures = self.refresh_after(&report).await;
        report
    }
}
