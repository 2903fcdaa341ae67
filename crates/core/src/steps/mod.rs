//! Writes across organizations carried out one step at a time: offboarding a person (see
//! `offboard`) and inviting people to several organizations (see `invites::many`).
//!
//! A plan is a list of [`Step`]s (each one write in one organization through one account) and the
//! things that cannot be done, each said with its reason ([`Blocked`]). Running it carries the steps
//! out in order, reports each result as it completes ([`StepProgress`]) and ends with a
//! [`StepReport`] whose `remaining` names exactly what was not done, and why.
//!
//! Organizations are independent: a failure in one never stops the others. Within one organization
//! the first failure that the plan's rule says ends it (offboarding: any failure; invitations: one
//! that would meet every other step too, see [`CoreError::ends_a_batch`]) leaves that organization's
//! later steps not attempted, listed as remaining. Nothing is retried.

use std::future::Future;

use serde::Serialize;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::cache::MemberKind;
use crate::error::{CoreError, Result};

mod targets;

/// What one step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// Remove a user or service account from the organization (all their organization roles).
    RemoveMember,
    /// Revoke a pending invitation.
    RevokeInvitation,
    /// Send an invitation.
    Invite,
    /// Revoke a role the person holds on a workspace or a project (`target_id` is the role).
    RevokeRole,
    /// Take the person out of a team (`target_id` is the team).
    LeaveTeam,
}

impl StepAction {
    /// In words: "remove member", "revoke invitation", "invite", "revoke role", "leave team".
    pub fn as_words(self) -> &'static str {
        match self {
            Self::RemoveMember => "remove member",
            Self::RevokeInvitation => "revoke invitation",
            Self::Invite => "invite",
            Self::RevokeRole => "revoke role",
            Self::LeaveTeam => "leave team",
        }
    }
}

/// One write in one organization, through one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub action: StepAction,
    /// Who it is about: a `user` or `service_account` being removed, an `invitation`.
    pub kind: MemberKind,
    /// The member's or invitation's id; `None` for an invitation not sent yet. For a role step the
    /// role's id, for a team step the team's.
    pub target_id: Option<Uuid>,
    /// For a role or team step: the person's user id (whose role or membership it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<Uuid>,
    /// For a role step: the workspace, and the project, it applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Uuid>,
    /// For a role or team step, what it acts on in words: "Workspace Developer on research",
    /// "team data-science".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// Who, in words: their email (else name, else id).
    pub label: String,
    /// The roles it takes away (or, for an invitation being sent, grants).
    pub roles: Vec<String>,
    /// Something worth knowing before it runs ("keeps Organization Viewer through a team").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Already refused by the checks made before any request: running it fails with this, sending
    /// nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<CoreError>,
}

impl Step {
    /// "remove member demo@zenml-pro.example in acme-ml"; "revoke role a@b.example (Workspace
    /// Developer on research) in acme-ml".
    pub fn describe(&self) -> String {
        format!("{} {} in {}", self.action.as_words(), self.what(), self.org_name)
    }

    /// Who, and what beside them when it is a role or a team: "a@b.example (team data-science)".
    pub fn what(&self) -> String {
        match &self.on {
            Some(on) => format!("{} ({on})", self.label),
            None => self.label.clone(),
        }
    }
}

/// Something of a plan that cannot be done, and why, in one organization.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Blocked {
    pub org_id: Uuid,
    pub org_name: String,
    /// The account it was looked at through, when one was.
    pub account: Option<String>,
    /// What cannot be done, when it is one thing (a membership, an invitation); `None` for the whole
    /// organization (for example a member list not visible).
    pub action: Option<StepAction>,
    pub kind: Option<MemberKind>,
    pub target_id: Option<Uuid>,
    pub label: Option<String>,
    pub roles: Vec<String>,
    pub reason: String,
}

/// How a step went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Done,
    Failed,
    /// Not tried: an earlier step of its organization failed, or the run was cancelled.
    NotAttempted,
}

/// One step with how it went.
#[derive(Clone, Debug, Serialize)]
pub struct StepResult {
    #[serde(flatten)]
    pub step: Step,
    pub status: StepStatus,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CoreError>,
    /// What else there is to say: the invitation sent, why it was not attempted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A step's result as soon as it is known (1-based `index` of `total`).
#[derive(Clone, Debug, Serialize)]
pub struct StepProgress {
    pub index: usize,
    pub total: usize,
    pub result: StepResult,
}

/// One thing not done, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Remaining {
    pub org_id: Uuid,
    pub org_name: String,
    pub account: Option<String>,
    pub action: Option<StepAction>,
    pub kind: Option<MemberKind>,
    pub target_id: Option<Uuid>,
    pub label: Option<String>,
    /// For a role or team step, what it acts on in words (see [`Step::on`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// `failed: …`, `not attempted: …` or `cannot: …`.
    pub why: String,
}

/// What a run did.
#[derive(Clone, Debug, Serialize)]
pub struct StepReport {
    /// Every step of the plan, in order, with how it went.
    pub results: Vec<StepResult>,
    pub done: usize,
    pub failed: usize,
    pub not_attempted: usize,
    /// Exactly what was not done: failed steps, steps not attempted, and what the plan could not do.
    pub remaining: Vec<Remaining>,
    /// Organizations whose cache could not be refreshed afterwards (what was done is in the cache
    /// already: each write updates it at once).
    pub refresh_failures: Vec<String>,
    /// What a run cannot reach at all, in plain sentences (an offboarding's: tokens already issued,
    /// keys of workspace-level service accounts); empty when there is nothing to say.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub out_of_reach: Vec<String>,
}

impl StepReport {
    /// Every step was done and nothing remains.
    pub fn complete(&self) -> bool {
        self.failed == 0 && self.not_attempted == 0 && self.remaining.is_empty()
    }

    /// The error of the first failed step.
    pub fn first_error(&self) -> Option<&CoreError> {
        self.results.iter().find_map(|r| r.error.as_ref())
    }
}

/// Carries out `steps` in order with `exec`, one at a time: see the module's docs. `stops_org` says
/// whether a failure leaves the rest of its organization not attempted. `exec` answers a detail to
/// report on success.
pub(crate) async fn run_steps<F, Fut>(
    steps: &[Step],
    blocked: &[Blocked],
    progress: impl Fn(StepProgress),
    cancel: &CancellationToken,
    stops_org: impl Fn(&CoreError) -> bool,
    mut exec: F,
) -> StepReport
where
    F: FnMut(Step) -> Fut,
    Fut: Future<Output = Result<Option<String>>>,
{
    let total = steps.len();
    let mut stopped: Vec<(Uuid, String)> = Vec::new();
    let mut results = Vec::with_capacity(total);
    for (i, step) in steps.iter().enumerate() {
        let stop = stopped.iter().find(|(org, _)| *org == step.org_id).map(|(_, why)| why.clone());
        let (status, error, detail) = if let Some(why) = stop {
            (StepStatus::NotAttempted, None, Some(why))
        } else if cancel.is_cancelled() {
            (StepStatus::NotAttempted, None, Some("cancelled before it started".to_owned()))
        } else {
            let outcome = match &step.refused {
                Some(e) => Err(e.clone()),
                None => exec(step.clone()).await,
            };
            match outcome {
                Ok(detail) => (StepStatus::Done, None, detail),
                Err(e) => {
                    tracing::warn!(org = %step.org_id, action = step.action.as_words(), code = e.code.as_str(), "step failed");
                    if stops_org(&e) {
                        stopped.push((step.org_id, format!("an earlier step in {} failed", step.org_name)));
                    }
                    (StepStatus::Failed, Some(e), None)
                }
            }
        };
        let result = StepResult { step: step.clone(), status, error, detail };
        progress(StepProgress { index: i + 1, total, result: result.clone() });
        results.push(result);
    }
    report(results, blocked)
}

fn report(results: Vec<StepResult>, blocked: &[Blocked]) -> StepReport {
    let count = |s: StepStatus| results.iter().filter(|r| r.status == s).count();
    let mut remaining: Vec<Remaining> = results
        .iter()
        .filter(|r| r.status != StepStatus::Done)
        .map(|r| {
            let why = match (&r.error, &r.detail) {
                (Some(e), _) => format!("failed: {}", e.message),
                (None, Some(d)) => format!("not attempted: {d}"),
                (None, None) => "not attempted".to_owned(),
            };
            Remaining {
                org_id: r.step.org_id,
                org_name: r.step.org_name.clone(),
                account: Some(r.step.account.clone()),
                action: Some(r.step.action),
                kind: Some(r.step.kind),
                target_id: r.step.target_id,
                label: Some(r.step.label.clone()),
                on: r.step.on.clone(),
                why,
            }
        })
        .collect();
    remaining.extend(blocked.iter().map(|b| Remaining {
        org_id: b.org_id,
        org_name: b.org_name.clone(),
        account: b.account.clone(),
        action: b.action,
        kind: b.kind,
        target_id: b.target_id,
        label: b.label.clone(),
        on: None,
        why: format!("cannot: {}", b.reason),
    }));
    StepReport {
        done: count(StepStatus::Done),
        failed: count(StepStatus::Failed),
        not_attempted: count(StepStatus::NotAttempted),
        results,
        remaining,
        refresh_failures: Vec::new(),
        out_of_reach: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use std::sync::Mutex;

    fn step(org: u128, label: &str) -> Step {
        Step {
            account_id: "a".into(),
            account: "admin@acme-ml.example".into(),
            org_id: Uuid::from_u128(org),
            org_name: format!("org-{org}"),
            action: StepAction::RemoveMember,
            kind: MemberKind::User,
            target_id: Some(Uuid::from_u128(100 + org)),
            member_id: None,
            workspace_id: None,
            project_id: None,
            on: None,
            label: label.into(),
            roles: vec!["Organization Member".into()],
            note: None,
            refused: None,
        }
    }

    fn run(
        steps: &[Step],
        fail: &'static [&'static str],
        cancel: &CancellationToken,
    ) -> (StepReport, Vec<String>, Vec<usize>) {
        let tried = Mutex::new(Vec::new());
        let seen = Mutex::new(Vec::new());
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let report = rt.block_on(run_steps(
            steps,
            &[],
            |p| seen.lock().unwrap().push(p.index),
            cancel,
            |_| true,
            |s: Step| {
                tried.lock().unwrap().push(s.label.clone());
                async move {
                    if fail.contains(&s.label.as_str()) {
                        Err(CoreError::new(ErrorCode::Server, "boom"))
                    } else {
                        Ok(None)
                    }
                }
            },
        ));
        (report, tried.into_inner().unwrap(), seen.into_inner().unwrap())
    }

    /// A failure stops the rest of its organization only; the other organizations carry on; nothing
    /// is tried twice; `remaining` names exactly the failed and the skipped steps.
    #[test]
    fn a_failure_stops_its_organization_and_not_the_others() {
        let steps = [step(1, "a1"), step(2, "b1"), step(2, "b2"), step(3, "c1"), step(2, "b3")];
        let (report, tried, seen) = run(&steps, &["b1"], &CancellationToken::new());
        assert_eq!(tried, ["a1", "b1", "c1"]);
        assert_eq!(seen, [1, 2, 3, 4, 5]);
        assert_eq!((report.done, report.failed, report.not_attempted), (2, 1, 2));
        let left: Vec<(&str, &str)> =
            report.remaining.iter().map(|r| (r.label.as_deref().unwrap(), r.why.as_str())).collect();
        assert_eq!(
            left,
            [
                ("b1", "failed: boom"),
                ("b2", "not attempted: an earlier step in org-2 failed"),
                ("b3", "not attempted: an earlier step in org-2 failed"),
            ]
        );
        assert!(!report.complete());
        assert_eq!(report.first_error().map(|e| e.code), Some(ErrorCode::Server));
    }

    /// A refused step fails without running; a cancelled run attempts nothing more.
    #[test]
    fn refused_steps_fail_unsent_and_cancelling_stops_the_rest() {
        let mut refused = step(1, "r1");
        refused.refused = Some(CoreError::invalid("no such role", Vec::new()));
        let (report, tried, _) = run(&[refused, step(2, "ok")], &[], &CancellationToken::new());
        assert_eq!(tried, ["ok"]);
        assert_eq!(report.results[0].status, StepStatus::Failed);
        assert_eq!(report.remaining.len(), 1);

        let cancel = CancellationToken::new();
        cancel.cancel();
        let (report, tried, _) = run(&[step(1, "x"), step(2, "y")], &[], &cancel);
        assert!(tried.is_empty());
        assert_eq!(report.not_attempted, 2);
        assert!(report.remaining.iter().all(|r| r.why.contains("cancelled")));
        let (report, _, _) = run(&[step(1, "x")], &[], &CancellationToken::new());
        assert!(report.complete());
    }
}
