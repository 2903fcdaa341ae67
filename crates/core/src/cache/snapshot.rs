//! One organization's whole snapshot, written by sync across its tables in one transaction.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use zenml_cloud_api::{Invitation, MemberRow, Organization, Role, Team, Workspace};

use super::accounts::require_account;
use super::members::{member_fields, replace_members};
use super::organizations::upsert_org;
use super::sync_state::record_sync_in;
use super::{invitations, roles, teams, ts, workspaces, Cache, Entity, ListRead, Result, NOTHING_TO_NOTE};

/// Everything the cache keeps of one organization, as fetched by one sync.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgSnapshot {
    pub organization: Organization,
    pub workspaces: Vec<Workspace>,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<Invitation>,
    pub roles: Vec<Role>,
    pub teams: Vec<Team>,
    /// How each list's fetch went beyond its rows; a list missing here was read fully.
    pub reads: BTreeMap<Entity, ListRead>,
}

impl Cache {
    /// Replaces everything cached about one organization with `snapshot`, in one transaction: the
    /// organization is upserted, its workspaces, invitations, roles and teams are deleted and inserted
    /// afresh, its members are made to match the snapshot's (so records gone from the server disappear,
    /// see `replace_members`), and the sync state of each entity is
    /// recorded as fetched at `fetched_at`. Readers see the old snapshot or the new one, never a mix.
    pub fn replace_org_snapshot(
        &self,
        account_id: &str,
        snapshot: &OrgSnapshot,
        fetched_at: DateTime<Utc>,
    ) -> Result<()> {
        // The member columns are worked out before the write lock is taken.
        let mut seen = HashSet::with_capacity(snapshot.members.len());
        let mut members = Vec::with_capacity(snapshot.members.len());
        for row in &snapshot.members {
            // A row the server lists twice (pages shifting under a sync) is kept once: the first.
            if let Some(f) = member_fields(row) {
                if seen.insert(f.row_key.clone()) {
                    members.push((f, row));
                }
            }
        }
        drop(seen);
        let skipped = snapshot.members.len() - members.len();
        if skipped > 0 {
            tracing::debug!(org_id = %snapshot.organization.id, skipped, "skipped empty or repeated member rows");
        }
        // In list order, so new rows and the list's index are written front to back.
        members.sort_unstable_by(|(a, _), (b, _)| (&a.name_lc, &a.row_key).cmp(&(&b.name_lc, &b.row_key)));

        let tx = self.write_tx()?;
        require_account(&tx, account_id)?;
        let key = upsert_org(&tx, account_id, &snapshot.organization, &ts(fetched_at))?;
        replace_members(&tx, key, &members)?;
        workspaces::replace(&tx, key, &snapshot.workspaces)?;
        invitations::replace(&tx, key, &snapshot.invitations)?;
        roles::replace(&tx, key, &snapshot.roles)?;
        teams::replace(&tx, key, &snapshot.teams)?;
        for e in Entity::OF_ORG {
            let read = snapshot.reads.get(&e).unwrap_or(&NOTHING_TO_NOTE);
            record_sync_in(&tx, account_id, Some(snapshot.organization.id), e, fetched_at, Ok(read))?;
        }
        tx.commit()?;
        Ok(())
    }
}
