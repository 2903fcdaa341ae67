//! The figures of the home page: for every cached organization of every signed-in account, how many
//! users and service accounts it has, how many invitations wait for an answer, and its workspaces by
//! status. Three aggregate reads over all organizations at once (one per table), not three per
//! organization.

use std::collections::HashMap;

use uuid::Uuid;

use zenml_cloud_api::WorkspaceKind;

use super::{uuid, Cache, Result};

/// Where a kind comes in a list of kinds: ZenML's, Kitaru's, then the others.
fn kind_rank(kind: &str) -> u8 {
    match WorkspaceKind::of(Some(kind)) {
        WorkspaceKind::Zenml => 0,
        WorkspaceKind::Kitaru => 1,
        WorkspaceKind::Other(_) => 2,
    }
}

/// The organizations of every signed-in account, by key.
const SIGNED_IN_ORGS: &str =
    "SELECT o.key FROM organizations o JOIN accounts a ON a.id = o.account_id WHERE a.signed_in = 1";

/// What the cache counts of one organization. A count is of the cached rows: whether the list behind
/// it was visible to the user's role is the sync state's to say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgTally {
    pub account_id: String,
    pub org_id: Uuid,
    /// Users and service accounts (teams and pending invitations are not members here).
    pub members: usize,
    /// Invitations still waiting for an answer (a record without a status counts as pending).
    pub pending_invitations: usize,
    /// Workspaces per status (`available`, `deactivated`, …), ordered by status; statuses it has none
    /// of are left out.
    pub workspaces: Vec<(String, usize)>,
    /// Workspaces per kind (`zenml`, `kitaru`, or an unknown type's text): ZenML's first, then
    /// Kitaru's, then the others by text; kinds it has none of are left out.
    pub workspace_kinds: Vec<(String, usize)>,
}

impl Cache {
    /// The tally of every cached organization of every signed-in account, keyed by account and
    /// organization, in one read transaction.
    pub fn org_tallies(&self) -> Result<HashMap<(String, Uuid), OrgTally>> {
        let tx = self.read_tx()?;
        let mut by_key: HashMap<i64, OrgTally> = HashMap::new();
        {
            let mut stmt = tx.prepare(
                "SELECT o.key, o.account_id, o.id FROM organizations o
                 JOIN accounts a ON a.id = o.account_id WHERE a.signed_in = 1",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (key, account_id, org_id): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
                by_key.insert(key, OrgTally { account_id, org_id: uuid(&org_id)?, ..Default::default() });
            }
        }
        let counts = [
            (
                "SELECT org_key, COUNT(*) FROM members
                 WHERE kind IN ('user', 'service_account') AND org_key IN (SELECT key FROM signed_in)
                 GROUP BY org_key",
                0,
            ),
            (
                "SELECT org_key, COUNT(*) FROM invitations
                 WHERE (status = 'pending' OR status IS NULL) AND org_key IN (SELECT key FROM signed_in)
                 GROUP BY org_key",
                1,
            ),
        ];
        for (sql, which) in counts {
            let mut stmt = tx.prepare(&format!("WITH signed_in AS ({SIGNED_IN_ORGS}) {sql}"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (key, n): (i64, i64) = (r.get(0)?, r.get(1)?);
                if let Some(t) = by_key.get_mut(&key) {
                    let n = usize::try_from(n).unwrap_or(0);
                    if which == 0 {
                        t.members = n;
                    } else {
                        t.pending_invitations = n;
                    }
                }
            }
        }
        {
            let mut stmt = tx.prepare(&format!(
                "WITH signed_in AS ({SIGNED_IN_ORGS})
                 SELECT org_key, status, COUNT(*) FROM workspaces
                 WHERE org_key IN (SELECT key FROM signed_in)
                 GROUP BY org_key, status ORDER BY org_key, status"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (key, status, n): (i64, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                if let Some(t) = by_key.get_mut(&key) {
                    t.workspaces.push((status, usize::try_from(n).unwrap_or(0)));
                }
            }
        }
        {
            // The type is kept in each workspace's stored record (no column of its own).
            let mut stmt = tx.prepare(&format!(
                "WITH signed_in AS ({SIGNED_IN_ORGS})
                 SELECT org_key, json_extract(json, '$.workspace_type'), COUNT(*) FROM workspaces
                 WHERE org_key IN (SELECT key FROM signed_in)
                 GROUP BY 1, 2"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (key, kind, n): (i64, Option<String>, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                if let Some(t) = by_key.get_mut(&key) {
                    let kind = WorkspaceKind::of(kind.as_deref()).as_str().to_owned();
                    let n = usize::try_from(n).unwrap_or(0);
                    match t.workspace_kinds.iter_mut().find(|(k, _)| *k == kind) {
                        Some((_, total)) => *total += n,
                        None => t.workspace_kinds.push((kind, n)),
                    }
                }
            }
            for t in by_key.values_mut() {
                t.workspace_kinds.sort_by_cached_key(|(k, _)| (kind_rank(k), k.clone()));
            }
        }
        tx.commit()?;
        Ok(by_key.into_values().map(|t| ((t.account_id.clone(), t.org_id), t)).collect())
    }
}
