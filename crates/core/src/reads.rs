//! Reads: everything answers from the cache, stamped with when it was fetched and whether it is
//! stale, so the app works the same offline. Switching the active organization is a cache write and
//! so also works offline.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{Invitation, Organization, Role, Team, Workspace};

use crate::cache::{Entity, Fetched, MemberKind, MemberPage, MemberQuery, SyncOutcome, SyncStateRecord};
use crate::error::{CoreError, ErrorCode, Result};
use crate::service::Core;

/// Cached data older than this is reported stale.
pub const STALE_AFTER: Duration = Duration::minutes(15);

/// Cached data with its age.
#[derive(Clone, Debug, Serialize)]
pub struct Cached<T> {
    pub value: T,
    /// When it was fetched from the server.
    pub fetched_at: DateTime<Utc>,
    /// Older than [`STALE_AFTER`], or the last attempt to refresh it failed.
    pub stale: bool,
    /// Why the last refresh failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// What kind of failure the last refresh was, when it failed and the kind is known (`offline`, …).
    /// A list hidden from the caller's role (403) is not a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<ErrorCode>,
    /// The server refused this list to the caller's role (403): it is not visible, which is not the
    /// same as empty.
    pub hidden: bool,
    /// Rows of the list the last fetch could not read and left out.
    pub skipped: usize,
}

/// One cached organization, and whether it is the account's active one.
#[derive(Clone, Debug, Serialize)]
pub struct OrgEntry {
    pub organization: Organization,
    pub active: bool,
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
}

/// The cached organizations of an account with the age of the list itself.
#[derive(Clone, Debug, Serialize)]
pub struct OrgList {
    pub entries: Vec<OrgEntry>,
    /// When the list of organizations was last fetched; `None` before the first sync.
    pub fetched_at: Option<DateTime<Utc>>,
    /// Older than [`STALE_AFTER`], never fetched, or the last refresh (of the list or of any
    /// organization) failed.
    pub stale: bool,
    /// Why the last refresh of the list failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// What kind of failure the last refresh of the list was, when it failed and the kind is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<ErrorCode>,
    /// Organizations the last sync could not read and left out.
    pub skipped: usize,
}

pub(crate) fn stale(fetched_at: DateTime<Utc>, failed: bool, now: DateTime<Utc>) -> bool {
    failed || now - fetched_at > STALE_AFTER
}

impl Core {
    fn stamp<T>(&self, account_id: &str, org_id: Uuid, entity: Entity, f: Fetched<T>) -> Result<Cached<T>> {
        // Only the rows this read is stamped with (a switch used to decode every organization's).
        let states = self.with_cache(|c| c.sync_states_of_org(account_id, org_id))?;
        let (last_error, last_error_code) = last_error(&states, Some(org_id), entity).unzip();
        let read = states.iter().find(|s| s.org_id == Some(org_id) && s.entity == entity).map(|s| &s.read);
        Ok(Cached {
            stale: stale(f.fetched_at, last_error.is_some(), Utc::now()),
            value: f.value,
            fetched_at: f.fetched_at,
            last_error,
            last_error_code: last_error_code.flatten(),
            hidden: read.is_some_and(|r| r.hidden),
            skipped: read.map_or(0, |r| r.notes.skipped),
        })
    }

    /// The cached organizations of an account, the active one marked.
    pub fn organizations(&self, account_id: &str) -> Result<Vec<OrgEntry>> {
        self.account(account_id)?;
        let (orgs, active, states) = self.with_cache(|c| {
            Ok((c.organizations(account_id)?, c.active_org(account_id)?, c.sync_states(account_id)?))
        })?;
        let now = Utc::now();
        Ok(orgs
            .into_iter()
            .map(|f| {
                let failed = last_error(&states, Some(f.value.id), Entity::Organization).is_some();
                OrgEntry {
                    active: Some(f.value.id) == active,
                    stale: stale(f.fetched_at, failed, now),
                    fetched_at: f.fetched_at,
                    organization: f.value,
                }
            })
            .collect())
    }

    /// The cached organizations of an account, with when the list was fetched and whether it is stale.
    pub fn organization_list(&self, account_id: &str) -> Result<OrgList> {
        let entries = self.organizations(account_id)?;
        let states = self.with_cache(|c| c.sync_states(account_id))?;
        let listing = states.iter().find(|s| s.org_id.is_none() && s.entity == Entity::Organizations);
        let (last_error, last_error_code) = listing.and_then(failure).unzip();
        let last_error_code = last_error_code.flatten();
        let fetched_at = listing.and_then(|s| s.fetched_at);
        let stale = match fetched_at {
            Some(at) => stale(at, last_error.is_some(), Utc::now()) || entries.iter().any(|e| e.stale),
            None => true,
        };
        let skipped = listing.map_or(0, |s| s.read.notes.skipped);
        Ok(OrgList { entries, fetched_at, stale, last_error, last_error_code, skipped })
    }

    /// One cached organization by id or name, or `not_found`.
    pub fn organization(&self, account_id: &str, id_or_name: &str) -> Result<Cached<Organization>> {
        let f = self.with_cache(|c| c.organization(account_id, id_or_name))?.ok_or_else(|| {
            CoreError::not_found(format!(
                "no organization {id_or_name:?} in the cache: sync, or check the name"
            ))
        })?;
        let id = f.value.id;
        self.stamp(account_id, id, Entity::Organization, f)
    }

    /// Resolves an organization argument (id or name; `None` = the active one) to its id.
    pub fn resolve_org(&self, account_id: &str, id_or_name: Option<&str>) -> Result<Uuid> {
        match id_or_name {
            Some(s) => Ok(self.organization(account_id, s)?.value.id),
            None => self.with_cache(|c| c.active_org(account_id))?.ok_or_else(|| {
                CoreError::invalid("no active organization: choose one first (switch)", Vec::new())
            }),
        }
    }

    /// Makes an organization the account's active one. Works offline; one switch at a time.
    pub async fn switch_organization(&self, account_id: &str, id_or_name: &str) -> Result<Organization> {
        let _one_at_a_time = self.switch_lock.lock().await;
        let org = self.organization(account_id, id_or_name)?.value;
        self.with_cache(|c| c.set_active_org(account_id, org.id))?;
        tracing::info!(account = %account_id, org = %org.name, "active organization switched");
        Ok(org)
    }

    /// The account's active organization id, if one is chosen.
    pub fn active_organization(&self, account_id: &str) -> Result<Option<Uuid>> {
        self.with_cache(|c| c.active_org(account_id))
    }

    pub fn members(&self, account_id: &str, org_id: Uuid, query: &MemberQuery) -> Result<Cached<MemberPage>> {
        let f = self.with_cache(|c| c.members(account_id, org_id, query))?;
        self.stamp(account_id, org_id, Entity::Members, f)
    }

    /// How many members of each kind the organization has, from one pass over its cached rows (kinds
    /// it has none of are left out); `hidden` when its member list is not visible to the user's role.
    pub fn member_counts(&self, account_id: &str, org_id: Uuid) -> Result<Cached<Vec<(MemberKind, usize)>>> {
        let f = self.with_cache(|c| c.member_counts(account_id, org_id))?;
        self.stamp(account_id, org_id, Entity::Members, f)
    }

    pub fn invitations(
        &self,
        account_id: &str,
        org_id: Uuid,
        only_pending: bool,
    ) -> Result<Cached<Vec<Invitation>>> {
        let f = self.with_cache(|c| c.invitations(account_id, org_id, only_pending))?;
        self.stamp(account_id, org_id, Entity::Invitations, f)
    }

    pub fn workspaces(&self, account_id: &str, org_id: Uuid) -> Result<Cached<Vec<Workspace>>> {
        let f = self.with_cache(|c| c.workspaces(account_id, org_id))?;
        self.stamp(account_id, org_id, Entity::Workspaces, f)
    }

    pub fn teams(&self, account_id: &str, org_id: Uuid) -> Result<Cached<Vec<Team>>> {
        let f = self.with_cache(|c| c.teams(account_id, org_id))?;
        self.stamp(account_id, org_id, Entity::Teams, f)
    }

    pub fn roles(&self, account_id: &str, org_id: Uuid) -> Result<Cached<Vec<Role>>> {
        let f = self.with_cache(|c| c.roles(account_id, org_id))?;
        self.stamp(account_id, org_id, Entity::Roles, f)
    }

    /// The organization-level role names the signed-in user holds in an organization (from the cache).
    pub fn my_roles(&self, account_id: &str, org_id: Uuid) -> Result<Vec<String>> {
        let account = self.account(account_id)?;
        self.with_cache(|c| c.my_roles(account_id, org_id, account.user_id))
    }
}

/// The message and code of a failed sync state (`None` for a success).
fn failure(s: &SyncStateRecord) -> Option<(String, Option<ErrorCode>)> {
    match &s.outcome {
        SyncOutcome::Error(e) => Some((e.clone(), s.error_code)),
        SyncOutcome::Ok => None,
    }
}

/// Why the last refresh of an entity failed: its own error, else the account-level listing's
/// (an offline sync fails there, before any organization is fetched).
pub(crate) fn last_error(
    states: &[SyncStateRecord],
    org_id: Option<Uuid>,
    entity: Entity,
) -> Option<(String, Option<ErrorCode>)> {
    states
        .iter()
        .filter(|s| s.org_id == org_id && (s.entity == entity || entity == Entity::Organization))
        .find_map(failure)
        .or_else(|| {
            states
                .iter()
                .filter(|s| s.org_id.is_none() && s.entity == Entity::Organizations)
                .find_map(failure)
        })
}
