//! Offboarding a person in one step: in every cached organization of every signed-in account (or the
//! ones named), every workspace and project role they hold directly, every team they are in, their
//! membership, and every pending invitation of theirs, planned ([`Core::offboard_plan`]) and carried
//! out one step at a time ([`Core::offboard_run`]).
//!
//! The membership and invitations come from the cache. Role assignments and team members are not
//! cached, so the plan reads them from the server, through the account acting there: a plan that
//! cannot read them (offline, a role that may not) still lists what the cache shows, and says what
//! could not be read, and why. Within an organization the steps go: role assignments, team
//! memberships, the membership, then invitations, so nothing the person holds outlives the membership.
//! What no step can reach is said with every plan and report ([`OUT_OF_REACH`]).
//!
//! An organization seen by several accounts is acted on once, through the account best placed to:
//! one whose cached roles are not known to lack the right (see [`known_to_lack`]), preferably not the
//! person's own account, then by the account's email. What cannot be done is said per organization:
//! every account there known to lack the right, a member list not visible or never fetched, roles
//! held only through a team whose members could not be read. As for [`Core::person`], the caches of
//! signed-out accounts are not looked at.
//!
//! Runs follow `steps`: organizations are independent, so a failure in one does not stop the others,
//! but it stops the rest of its own organization (its later steps are listed as remaining, not
//! tried). Each write updates the cache at once; afterwards every organization acted on is
//! refreshed from the server as well, and one that cannot be is named in the report.

mod held;
mod plan;
mod run;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{CoreError, ErrorCode, Result};
use crate::steps::{Blocked, Step, StepAction, StepReport};

// Named in the module's docs.
#[cfg(doc)]
use crate::{service::Core, writes::known_to_lack};

/// What offboarding a person would do.
#[derive(Clone, Debug, Serialize)]
pub struct OffboardPlan {
    /// The person's email as given (trimmed), and their name when known.
    pub email: String,
    pub name: Option<String>,
    /// Every write, in order: per organization, each workspace or project role, each team, the
    /// membership, then each pending invitation.
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
    /// What no step can reach, in plain sentences ([`OUT_OF_REACH`]).
    pub out_of_reach: Vec<String>,
}

/// What offboarding cannot reach, said with every plan and report.
pub const OUT_OF_REACH: [&str; 2] = [
    "Tokens already issued to the person stay valid until they expire, up to an hour after the offboarding.",
    "Keys of legacy workspace-level service accounts are not visible to this app: check them in each \
     workspace.",
];

fn out_of_reach() -> Vec<String> {
    OUT_OF_REACH.iter().map(|s| (*s).to_owned()).collect()
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

/// One step of a plan as the window showed it: what it acts on, by id (a role step also by where the
/// role applies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    pub org_id: Uuid,
    pub action: StepAction,
    pub target_id: Uuid,
    #[serde(default)]
    pub workspace_id: Option<Uuid>,
    #[serde(default)]
    pub project_id: Option<Uuid>,
}

impl StepRef {
    /// The reference of a planned step (`None` for a step with no target).
    pub fn of(s: &Step) -> Option<StepRef> {
        Some(StepRef {
            org_id: s.org_id,
            action: s.action,
            target_id: s.target_id?,
            workspace_id: s.workspace_id,
            project_id: s.project_id,
        })
    }
}

impl OffboardPlan {
    /// The plan narrowed to exactly these steps, in the plan's order: what the user saw and chose. A
    /// step the plan (made again from the cache now) no longer has is refused as a `conflict` naming
    /// it, and so is an empty choice: nothing is run that was not shown.
    pub fn only(mut self, chosen: &[StepRef]) -> Result<OffboardPlan> {
        if chosen.is_empty() {
            return Err(CoreError::invalid("no step chosen: nothing to do", Vec::new()));
        }
        let is = |s: &Step, r: &StepRef| StepRef::of(s).as_ref() == Some(r);
        let missing: Vec<String> = chosen
            .iter()
            .filter(|r| !self.steps.iter().any(|s| is(s, r)))
            .map(|r| {
                let place = match (r.workspace_id, r.project_id) {
                    (_, Some(p)) => format!(" on project {p}"),
                    (Some(w), None) => format!(" on workspace {w}"),
                    _ => String::new(),
                };
                format!("{} {}{place} in organization {}", r.action.as_words(), r.target_id, r.org_id)
            })
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
