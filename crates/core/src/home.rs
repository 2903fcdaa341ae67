//! The home page across organizations: one summary per cached organization of every signed-in
//! account, for the morning check at a glance — its plan, how many members it has, how many
//! invitations wait, its workspaces by status and by kind, and how fresh all of that is. From the cache, so it
//! answers offline; the counts come from one aggregate read per table (see `cache::home`).

use chrono::{DateTime, Utc};
use serde::Serialize;
use zenml_cloud_api::Organization;

use crate::cache::{Entity, SyncStateRecord};
use crate::error::{ErrorCode, Result};
use crate::model::account_label;
use crate::reads::{last_error, stale};
use crate::service::Core;

/// The lists one organization's summary is made of (besides its own record).
const SUMMED: [Entity; 3] = [Entity::Members, Entity::Invitations, Entity::Workspaces];

/// One organization of one account, summed up.
#[derive(Clone, Debug, Serialize)]
pub struct HomeOrg {
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    /// Its record, with the plan when the user's role may see it.
    pub organization: Organization,
    /// The account's active organization.
    pub active: bool,
    /// Users and service accounts; `None` when the member list is not visible to the user's role.
    pub members: Option<usize>,
    /// Invitations waiting for an answer; `None` when the invitation list is not visible.
    pub pending_invitations: Option<usize>,
    /// Workspaces per status, ordered by status; `None` when the workspace list is not visible.
    pub workspaces: Option<Vec<(String, usize)>>,
    /// Workspaces per kind (`zenml`, `kitaru`, or an unknown type's text), ZenML's first; `None` when
    /// the workspace list is not visible.
    pub workspace_kinds: Option<Vec<(String, usize)>>,
    /// When the oldest of what is shown was fetched (its record, members, invitations, workspaces).
    pub fetched_at: DateTime<Utc>,
    /// Older than [`crate::STALE_AFTER`], or the last refresh of it (or of its account's list of
    /// organizations) failed.
    pub stale: bool,
    pub last_error: Option<String>,
    pub last_error_code: Option<ErrorCode>,
}

/// Every cached organization of every signed-in account, summed up.
#[derive(Clone, Debug, Serialize)]
pub struct Home {
    /// Ordered by name (display name, else name, without regard to case), then by account.
    pub organizations: Vec<HomeOrg>,
    /// The signed-in accounts looked at.
    pub accounts: usize,
    /// The oldest of the organizations' times; `None` when there is none.
    pub fetched_at: Option<DateTime<Utc>>,
    /// Some organization is stale.
    pub stale: bool,
}

impl Core {
    /// One summary per cached organization of every signed-in account: see the module's docs.
    /// Offline, from the cache.
    pub fn home(&self) -> Result<Home> {
        let mut tallies = self.with_cache(|c| c.org_tallies())?;
        let accounts: Vec<_> = self.accounts()?.into_iter().filter(|a| a.signed_in).collect();
        let now = Utc::now();
        let mut organizations = Vec::new();
        for a in &accounts {
            let label = account_label(a);
            let entries = self.organizations(&a.id)?;
            let states = self.with_cache(|c| c.sync_states(&a.id))?;
            for e in entries {
                let id = e.organization.id;
                let tally = tallies.remove(&(a.id.clone(), id)).unwrap_or_default();
                let visible = |entity: Entity| !state_of(&states, id, entity).is_some_and(|s| s.read.hidden);
                let fetched_at = SUMMED
                    .iter()
                    .filter_map(|&entity| state_of(&states, id, entity).and_then(|s| s.fetched_at))
                    .fold(e.fetched_at, DateTime::min);
                let (last_error, code) = last_error(&states, Some(id), Entity::Organization).unzip();
                organizations.push(HomeOrg {
                    account_id: a.id.clone(),
                    account: label.clone(),
                    active: e.active,
                    members: visible(Entity::Members).then_some(tally.members),
                    pending_invitations: visible(Entity::Invitations).then_some(tally.pending_invitations),
                    workspaces: visible(Entity::Workspaces).then_some(tally.workspaces),
                    workspace_kinds: visible(Entity::Workspaces).then_some(tally.workspace_kinds),
                    fetched_at,
                    stale: stale(fetched_at, last_error.is_some(), now),
                    last_error,
                    last_error_code: code.flatten(),
                    organization: e.organization,
                });
            }
        }
        organizations.sort_by_cached_key(|o| {
            let shown = o.organization.display_name.as_deref().unwrap_or(&o.organization.name);
            (shown.to_lowercase(), o.organization.name.clone(), o.account.clone())
        });
        Ok(Home {
            fetched_at: organizations.iter().map(|o| o.fetched_at).min(),
            stale: organizations.iter().any(|o| o.stale),
            accounts: accounts.len(),
            organizations,
        })
    }
}

fn state_of(states: &[SyncStateRecord], org: uuid::Uuid, entity: Entity) -> Option<&SyncStateRecord> {
    states.iter().find(|s| s.org_id == Some(org) && s.entity == entity)
}
