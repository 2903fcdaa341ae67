//! Offboarding a person from the window (from core's `offboard` and `steps`): the plan, each step's
//! result as it completes, and the report at the end.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::steps::{Blocked, Remaining, Step, StepAction, StepReport, StepResult, StepStatus};
use zenml_pro_core::{MemberKind, OffboardPlan};

use super::*;
use crate::error::IpcError;

/// What one step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum StepActionView {
    RemoveMember,
    RevokeInvitation,
    Invite,
    /// A workspace or project role taken away (the target is the role).
    RevokeRole,
    /// Taken out of a team (the target is the team).
    LeaveTeam,
}

impl From<StepActionView> for StepAction {
    fn from(a: StepActionView) -> Self {
        match a {
            StepActionView::RemoveMember => Self::RemoveMember,
            StepActionView::RevokeInvitation => Self::RevokeInvitation,
            StepActionView::Invite => Self::Invite,
            StepActionView::RevokeRole => Self::RevokeRole,
            StepActionView::LeaveTeam => Self::LeaveTeam,
        }
    }
}

/// A step of the plan the window showed, as the window sends it back to run: what it acts on, by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StepRefView {
    pub org_id: String,
    pub action: StepActionView,
    pub target_id: String,
    /// A role step's workspace and project, as the plan showed them (null otherwise).
    #[serde(default)]
    pub workspace_id: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
}

/// What the user confirmed on purpose before an offboarding runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OverridesView {
    /// Remove the account's own user too.
    pub remove_self: bool,
    /// Remove an organization's last Organization Admin too.
    pub last_admin: bool,
}

impl From<StepAction> for StepActionView {
    fn from(a: StepAction) -> Self {
        match a {
            StepAction::RemoveMember => Self::RemoveMember,
            StepAction::RevokeInvitation => Self::RevokeInvitation,
            StepAction::Invite => Self::Invite,
            StepAction::RevokeRole => Self::RevokeRole,
            StepAction::LeaveTeam => Self::LeaveTeam,
        }
    }
}

/// How a step went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum StepStatusView {
    Done,
    Failed,
    /// Not tried: an earlier step of its organization failed, or the run was cancelled.
    NotAttempted,
}

impl From<StepStatus> for StepStatusView {
    fn from(s: StepStatus) -> Self {
        match s {
            StepStatus::Done => Self::Done,
            StepStatus::Failed => Self::Failed,
            StepStatus::NotAttempted => Self::NotAttempted,
        }
    }
}

/// One write in one organization, through one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StepView {
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    pub org_id: String,
    pub org_name: String,
    pub action: StepActionView,
    /// The member's or invitation's id, the role's (a role step) or the team's (a team step): with
    /// `workspace_id` and `project_id`, what the window sends back to run exactly this step.
    pub target_id: Option<String>,
    pub workspace_id: Option<String>,
    pub project_id: Option<String>,
    /// A role or team step's person (their user id).
    pub member_id: Option<String>,
    /// A role or team step's object in words: "Workspace Developer on research", "team platform".
    pub on: Option<String>,
    /// `user` or `service_account` being removed, or an `invitation`.
    pub kind: MemberKind,
    /// Who, in words: their email (else name, else id).
    pub label: String,
    /// The roles it takes away.
    pub roles: Vec<String>,
    /// Something worth knowing before it runs ("keeps Organization Viewer through a team").
    pub note: Option<String>,
}

impl From<&Step> for StepView {
    fn from(s: &Step) -> Self {
        Self {
            account_id: s.account_id.clone(),
            account: s.account.clone(),
            org_id: s.org_id.to_string(),
            org_name: s.org_name.clone(),
            action: s.action.into(),
            target_id: s.target_id.map(|t| t.to_string()),
            workspace_id: s.workspace_id.map(|t| t.to_string()),
            project_id: s.project_id.map(|t| t.to_string()),
            member_id: s.member_id.map(|t| t.to_string()),
            on: s.on.clone(),
            kind: s.kind,
            label: s.label.clone(),
            roles: s.roles.clone(),
            note: s.note.clone(),
        }
    }
}

/// Something that cannot be done in one organization, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct BlockedView {
    pub org_id: String,
    pub org_name: String,
    pub account: Option<String>,
    /// What cannot be done; null for the whole organization (a member list not visible, say).
    pub action: Option<StepActionView>,
    pub label: Option<String>,
    pub roles: Vec<String>,
    pub reason: String,
}

impl From<&Blocked> for BlockedView {
    fn from(b: &Blocked) -> Self {
        Self {
            org_id: b.org_id.to_string(),
            org_name: b.org_name.clone(),
            account: b.account.clone(),
            action: b.action.map(Into::into),
            label: b.label.clone(),
            roles: b.roles.clone(),
            reason: b.reason.clone(),
        }
    }
}

/// What offboarding a person would do.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OffboardPlanView {
    pub email: String,
    pub name: Option<String>,
    /// Every write, in order: per organization, each workspace or project role, each team, the
    /// membership, then each pending invitation.
    pub steps: Vec<StepView>,
    pub blocked: Vec<BlockedView>,
    /// Organizations named on purpose where the cache shows nothing of the person.
    pub not_there: Vec<String>,
    /// How many organizations were looked at.
    pub organizations: u32,
    pub fetched_at: Option<String>,
    pub stale: bool,
    /// What no step can reach, in plain sentences (tokens already issued, workspace-level keys).
    pub out_of_reach: Vec<String>,
}

impl From<&OffboardPlan> for OffboardPlanView {
    fn from(p: &OffboardPlan) -> Self {
        Self {
            email: p.email.clone(),
            name: p.name.clone(),
            steps: p.steps.iter().map(StepView::from).collect(),
            blocked: p.blocked.iter().map(BlockedView::from).collect(),
            not_there: p.not_there.clone(),
            organizations: u32::try_from(p.organizations).unwrap_or(u32::MAX),
            fetched_at: iso_opt(p.fetched_at),
            stale: p.stale,
            out_of_reach: p.out_of_reach.clone(),
        }
    }
}

/// One step with how it went.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct StepResultView {
    pub step: StepView,
    pub status: StepStatusView,
    /// Why it failed, in plain words.
    pub error: Option<IpcError>,
    /// What else there is to say (why it was not attempted).
    pub detail: Option<String>,
}

impl From<&StepResult> for StepResultView {
    fn from(r: &StepResult) -> Self {
        Self {
            step: StepView::from(&r.step),
            status: r.status.into(),
            error: r.error.clone().map(IpcError::from),
            detail: r.detail.clone(),
        }
    }
}

/// One thing not done, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct RemainingView {
    pub org_id: String,
    pub org_name: String,
    pub account: Option<String>,
    pub action: Option<StepActionView>,
    pub label: Option<String>,
    /// A role or team step's object in words.
    pub on: Option<String>,
    /// `failed: …`, `not attempted: …` or `cannot: …`.
    pub why: String,
}

impl From<&Remaining> for RemainingView {
    fn from(r: &Remaining) -> Self {
        Self {
            org_id: r.org_id.to_string(),
            org_name: r.org_name.clone(),
            account: r.account.clone(),
            action: r.action.map(Into::into),
            label: r.label.clone(),
            on: r.on.clone(),
            why: r.why.clone(),
        }
    }
}

/// What a run did: every step with how it went, and exactly what remains.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OffboardReportView {
    pub results: Vec<StepResultView>,
    pub done: u32,
    pub failed: u32,
    pub not_attempted: u32,
    pub remaining: Vec<RemainingView>,
    /// Organizations whose cache could not be refreshed afterwards.
    pub refresh_failures: Vec<String>,
    /// What no step could reach, in plain sentences.
    pub out_of_reach: Vec<String>,
}

fn n(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

impl From<&StepReport> for OffboardReportView {
    fn from(r: &StepReport) -> Self {
        Self {
            results: r.results.iter().map(StepResultView::from).collect(),
            done: n(r.done),
            failed: n(r.failed),
            not_attempted: n(r.not_attempted),
            remaining: r.remaining.iter().map(RemainingView::from).collect(),
            refresh_failures: r.refresh_failures.clone(),
            out_of_reach: r.out_of_reach.clone(),
        }
    }
}
