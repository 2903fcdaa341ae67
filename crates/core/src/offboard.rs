//! Offboarding a person in one step: every membership to remove and every pending invitation to
//! revoke, in every cached organization of every signed-in account (or the ones named), planned from
//! the cache ([`Core::offboard_plan`]) and carried out one step at a time ([`Core::offboard_run`]).
//!
//! An organization seen by several accounts is acted on once, through the account best placed to:
//! one whose cached roles are not known to lack the right (see [`known_to_lack`]), preferably not the
//! person's own account, then by the account's email. What cannot be done is said per organization:
//! every account there known to lack the right, a member list not visible or never fetched, roles
//! held only through a team (removing the membership would not take them away). As for
//! [`Core::person`], the caches of signed-out accounts are not looked at.
//!
//! Runs follow `steps`: organizations are independent, so a failure in one does not stop the others,
//! but it stops the rest of its own organization (its later steps are listed as remaining, not
//! tried). Each write updates the cache at once; afterwards every organization acted on is
//! refreshed from the server as well, and one that cannot be is named in the report.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{InvitationStatus, MemberRole, RoleLevel};

use crate::cache::{AccountRecord, Entity, MemberKind};
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::model::account_label;
use crate::people::PersonOrg;
use crate::pipeline::members::{Removal, RemoveMember, RemoveTarget, RevokeInvitation};
use crate::service::Core;
use crate::steps::{run_steps, Blocked, Step, StepAction, StepProgress, StepReport};
use crate::writes::known_to_lack;

/// What offboarding a person would do.
#[derive(Clone, Debug, Serialize)]
pub struct OffboardPlan {
    /// The person's email as given (trimmed), and their name when known.
    pub email: String,
    pub name: Option<String>,
    /// Every write, in order: per organization, the membership first, then each pending invitation.
    pub steps: Vec<Step>,
    /// What cannot be done, per organization, and why.
    pub blocked: Vec<Blocked>,
    /// Organizations named on purpose where the cache has neither a membership nor a pending
    /// invitation of theirs.
    pub not_there: Vec<String>,
    /// How many organizations were looked at, and when the oldest of the person's was fetched.
    pub organizations: usize,
    pub fetched_at: Option<DateTime<Utc>>,
    pub stale: bool,
}

/// The report of an offboarding run.
pub type OffboardReport = StepReport;

/// A step's detail when the server had already done it.
pub const ALREADY_GONE: &str = "already gone";

/// What the user allowed on purpose, beyond what a run does by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Remove the acting account's own user.
    pub remove_self: bool,
    /// Remove the last holder of Organization Admin of an organization.
    pub last_admin: bool,
}

/// One step of a plan as the window showed it: what it acts on, by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    pub org_id: Uuid,
    pub action: StepAction,
    pub target_id: Uuid,
}

impl OffboardPlan {
    /// The plan narrowed to exactly these steps, in the plan's order: what the user saw and chose. A
    /// step the plan (made again from the cache now) no longer has is refused as a `conflict` naming
    /// it, and so is an empty choice: nothing is run that was not shown.
    pub fn only(mut self, chosen: &[StepRef]) -> Result<OffboardPlan> {
        if chosen.is_empty() {
            return Err(CoreError::invalid("no step chosen: nothing to do", Vec::new()));
        }
        let is = |s: &Step, r: &StepRef| {
            s.org_id == r.org_id && s.action == r.action && s.target_id == Some(r.target_id)
        };
        let missing: Vec<String> = chosen
            .iter()
            .filter(|r| !self.steps.iter().any(|s| is(s, r)))
            .map(|r| format!("{} {} in organization {}", r.action.as_words(), r.target_id, r.org_id))
            .collect();
        if !missing.is_empty() {
            return Err(CoreError::new(
                ErrorCode::Conflict,
                format!(
                    "the plan changed since it was shown: {} is no longer in it; look at the plan again",
                    missing.join(", ")
                ),
            ));
        }
        self.steps.retain(|s| chosen.iter().any(|r| is(s, r)));
        let orgs: Vec<Uuid> = chosen.iter().map(|r| r.org_id).collect();
        self.blocked.retain(|b| orgs.contains(&b.org_id));
        Ok(self)
    }
}

/// A role held directly at the organization's level (what removing a member takes away).
fn direct(r: &MemberRole) -> bool {
    !r.via_team && r.level.is_none_or(|l| l == RoleLevel::Organization)
}

impl Core {
    /// The plan to offboard the person with this email from the organizations named (ids or names;
    /// empty: every cached organization of every signed-in account). From the cache, with no request.
    /// A malformed email or an organization no signed-in account has cached is `invalid_input`; a
    /// person the cache does not know is `not_found`.
    pub fn offboard_plan(&self, email: &str, orgs: &[String]) -> Result<OffboardPlan> {
        let accounts = self.signed_in_accounts(None)?;
        let targets = self.orgs_named(orgs, &accounts)?;
        let person = self.person(email)?;
        // The organizations to look at, each with the accounts that have it cached.
        let mut scope: BTreeMap<Uuid, (String, Vec<AccountRecord>)> = BTreeMap::new();
        if orgs.is_empty() {
            for a in &accounts {
                for o in self.organizations(&a.id)? {
                    let e =
                        scope.entry(o.organization.id).or_insert_with(|| (o.organization.name, Vec::new()));
                    e.1.push(a.clone());
                }
            }
        } else {
            for t in targets.iter().cloned() {
                scope.insert(t.org_id, (t.org_name, t.accounts));
            }
        }
        let mut plan = OffboardPlan {
            email: email.trim().to_owned(),
            name: person.name.clone(),
            steps: Vec::new(),
            blocked: Vec::new(),
            not_there: Vec::new(),
            organizations: scope.len(),
            fetched_at: person.fetched_at,
            stale: person.stale,
        };
        // In the order given, else by name.
        let mut order: Vec<Uuid> = targets.iter().map(|t| t.org_id).collect();
        if order.is_empty() {
            let mut by_name: Vec<(&String, Uuid)> = scope.iter().map(|(id, (n, _))| (n, *id)).collect();
            by_name.sort();
            order = by_name.into_iter().map(|(_, id)| id).collect();
        }
        for org_id in order {
            let (org_name, org_accounts) = &scope[&org_id];
            let seen: Vec<&PersonOrg> = person
                .organizations
                .iter()
                .filter(|o| o.org_id == org_id && accounts.iter().any(|a| a.id == o.account_id))
                .collect();
            if seen.is_empty() {
                self.plan_absent(&mut plan, org_id, org_name, org_accounts, !orgs.is_empty())?;
                continue;
            }
            self.plan_org(&mut plan, &accounts, &seen)?;
        }
        Ok(plan)
    }

    /// An organization where the cache shows nothing of the person: whether that can be trusted.
    fn plan_absent(
        &self,
        plan: &mut OffboardPlan,
        org_id: Uuid,
        org_name: &str,
        accounts: &[AccountRecord],
        named: bool,
    ) -> Result<()> {
        let mut why = None;
        for a in accounts {
            let state = self.with_cache(|c| c.sync_state(&a.id, Some(org_id), Entity::Members))?;
            match state {
                Some(st) if st.read.hidden => {
                    why = Some((
                        account_label(a),
                        "its member list is not visible to your role, so whether they are a member is not known",
                    ));
                }
                Some(st) if st.fetched_at.is_some() => {
                    if named {
                        plan.not_there.push(org_name.to_owned());
                    }
                    return Ok(());
                }
                _ => why = why.or(Some((account_label(a), "its member list is not cached: run `zpro sync`"))),
            }
        }
        if let Some((account, reason)) = why {
            plan.blocked.push(Blocked {
                org_id,
                org_name: org_name.to_owned(),
                account: Some(account),
                action: None,
                kind: None,
                target_id: None,
                label: None,
                roles: Vec::new(),
                reason: reason.to_owned(),
            });
        }
        Ok(())
    }

    /// The steps in one organization where the person appears, through the account best placed.
    fn plan_org(
        &self,
        plan: &mut OffboardPlan,
        accounts: &[AccountRecord],
        seen: &[&PersonOrg],
    ) -> Result<()> {
        // (known to lack the right, is the person's own account, account label, entry, its roles)
        let mut ranked: Vec<(bool, bool, String, &PersonOrg, Vec<String>)> = Vec::new();
        for o in seen {
            let Some(a) = accounts.iter().find(|a| a.id == o.account_id) else { continue };
            let mine = self.my_roles(&a.id, o.org_id)?;
            let is_self = o.member_id == Some(a.user_id);
            ranked.push((known_to_lack(&mine), is_self, account_label(a), o, mine));
        }
        ranked.sort_by(|x, y| (x.0, x.1, &x.2).cmp(&(y.0, y.1, &y.2)));
        let Some((lacks, is_self, account, o, mine)) = ranked.into_iter().next() else { return Ok(()) };
        let mut items: Vec<Step> = Vec::new();
        let mut blocked: Vec<Blocked> = Vec::new();
        let block = |step: &Step, reason: String| Blocked {
            org_id: step.org_id,
            org_name: step.org_name.clone(),
            account: Some(step.account.clone()),
            action: Some(step.action),
            kind: Some(step.kind),
            target_id: step.target_id,
            label: Some(step.label.clone()),
            roles: step.roles.clone(),
            reason,
        };
        let base = |action, kind, target_id, roles: Vec<String>| Step {
            account_id: o.account_id.clone(),
            account: account.clone(),
            org_id: o.org_id,
            org_name: o.org_name.clone(),
            action,
            kind,
            target_id,
            label: plan.email.clone(),
            roles,
            note: None,
            refused: None,
        };
        if let Some(member) = o.member_id {
            let kind = if o.kind == MemberKind::ServiceAccount { o.kind } else { MemberKind::User };
            let direct_roles: Vec<String> =
                o.roles.iter().filter(|r| direct(r)).map(MemberRole::label).collect();
            let through_team: Vec<String> =
                o.roles.iter().filter(|r| r.via_team).map(MemberRole::label).collect();
            let mut step = base(StepAction::RemoveMember, kind, Some(member), direct_roles.clone());
            if direct_roles.is_empty() && !through_team.is_empty() {
                let reason = format!(
                    "holds {} only through a team: remove them from the team (which teams is not cached; \
                     `zpro team` shows them)",
                    through_team.join(", ")
                );
                blocked.push(block(&step, reason));
            } else {
                let mut notes = Vec::new();
                if !through_team.is_empty() {
                    notes.push(format!("keeps {} through a team", through_team.join(", ")));
                }
                if is_self {
                    notes.push(
                        "this is the account's own user: afterwards it no longer sees this organization"
                            .into(),
                    );
                }
                step.note = (!notes.is_empty()).then(|| notes.join("; "));
                items.push(step);
            }
        }
        for inv in o.invitations.iter().filter(|i| i.status == "pending" && !i.lapsed) {
            items.push(base(
                StepAction::RevokeInvitation,
                MemberKind::Invitation,
                Some(inv.id),
                inv.roles.clone(),
            ));
        }
        if lacks {
            let reason = format!(
                "your role here ({}, account {account}) does not allow removing members or revoking invitations",
                mine.join(", ")
            );
            blocked.extend(items.drain(..).map(|s| block(&s, reason.clone())));
        }
        plan.steps.extend(items);
        plan.blocked.extend(blocked);
        Ok(())
    }

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
                StepAction::Invite => return Ok(None),
            };
            self.mirror(&s);
            Ok::<_, CoreError>(detail)
        };
        let mut report = run_steps(&plan.steps, &plan.blocked, progress, &cancel, |_| true, exec).await;
        report.refresh_failures = self.refresh_after(&report).await;
        report
    }

    /// Refuses removing the acting account's own user, or the organization's last Organization Admin
    /// (read from the server now), unless the user said so.
    async fn check_overrides(&self, s: &Step, user_id: Uuid, o: Overrides) -> Result<()> {
        let account = self.account(&s.account_id)?;
        // The override a refusal asks for is a field of the error, so the window needs no words of it.
        let needs = |which: &str, message: String| CoreError {
            code: ErrorCode::Conflict,
            message,
            fields: vec![FieldMessage { field: "override".into(), message: which.into() }],
        };
        if account.user_id == user_id && !o.remove_self {
            return Err(needs(
                "remove_self",
                format!(
                    "{} is the account you act as in {}: removing it takes away your own access there. \
                     Confirm it on purpose (zpro: --allow-self; the window: the checkbox)",
                    s.label, s.org_name
                ),
            ));
        }
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
                    StepAction::Invite => Ok(()),
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
