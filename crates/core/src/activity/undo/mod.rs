//! Undoing a journaled change, safely over time:
//!
//! - the entry is checked first (it exists, it succeeded, its kind is reversible, it was not undone);
//!   an entry older than [`UNDO_FORCE_AFTER_DAYS`] needs `force` (`--force`, a confirmation in the
//!   window);
//! - the entry's organization is refreshed from the server, and what will change is worked out
//!   against that fresh state ([`Core::undo_preview`] shows it without acting); when someone changed
//!   the target since the entry was made, the undo is refused as a `conflict` and nothing is sent;
//! - only one process undoes an entry: a claim in the journal's database is taken before anything is
//!   sent, and released when the undo fails;
//! - the reversal goes through the write pipeline like any write, each of its entries naming the entry
//!   it undoes, and every reversible kind's reversal is reversible in turn (an undo can be undone).
//!
//! What each kind's reversal is: a role change puts back the direct organization roles held before
//! (one that gave a member back their roles is reversed by removing them again); a revocation invites
//! the same email again with the same roles and teams; an invitation is revoked; a removal gives the
//! user their previous organization roles again (or, where the server does not allow that, invites
//! them with those roles); a rename (of the organization, a team or a workspace) restores the name; a
//! service account or key activated or deactivated is set back, once the server shows it as the entry

mod carry;
mod reverse;

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;

use crate::cache::{ActivityEntry, ActivityKind as K, PriorRole};
use crate::error::{CoreError, ErrorCode, Result};
use crate::pipeline::UNDO_OF;
use crate::service::Core;
use reverse::describe;

/// Entries older than this many days are undone only with `force`.
pub const UNDO_FORCE_AFTER_DAYS: i64 = 7;

/// What an undo did.
#[derive(Clone, Debug, Serialize)]
pub struct UndoOutcome {
    /// The entry undone, now marked undone.
    pub undone: ActivityEntry,
    /// The newest entry the undo logged (the write that reversed it).
    pub by: Option<ActivityEntry>,
    /// In words: what was put back.
    pub message: String,
}

/// What an undo would do, worked out against the organization as just refreshed from the server.
#[derive(Clone, Debug, Serialize)]
pub struct UndoPreview {
    pub entry: ActivityEntry,
    /// In words: what will change.
    pub will: String,
    /// The entry is older than [`UNDO_FORCE_AFTER_DAYS`]: undoing it needs `force`.
    pub needs_force: bool,
    /// How many whole days ago the entry was made.
    pub age_days: i64,
}

fn conflict(message: String) -> CoreError {
    CoreError::new(ErrorCode::Conflict, message)
}

fn uuid_of(e: &ActivityEntry, what: &str) -> Result<Uuid> {
    e.target_id.as_deref().and_then(|t| Uuid::parse_str(t).ok()).ok_or_else(|| {
        CoreError::invalid(format!("entry #{} does not say which {what} it changed", e.id), Vec::new())
    })
}

fn role_label(r: &PriorRole) -> String {
    let name = r.name.clone().unwrap_or_else(|| r.id.clone());
    match r.workspace.as_deref().or(r.workspace_id.as_deref()) {
        Some(ws) => format!("{name} on {ws}"),
        None => name,
    }
}

fn labels(roles: &[PriorRole]) -> String {
    roles.iter().map(role_label).collect::<Vec<_>>().join(", ")
}

fn age_days(e: &ActivityEntry) -> i64 {
    (Utc::now() - e.at).num_days()
}

impl Core {
    /// What undoing an entry would do, against its organization refreshed from the server now; a
    /// `conflict` when the target changed since the entry was made. Sends no write.
    pub async fn undo_preview(&self, entry_id: i64) -> Result<UndoPreview> {
        let (e, org_id) = self.undo_entry(entry_id)?;
        self.refresh_for_undo(&e, org_id).await?;
        let reverse = self.reverse_plan(&e, org_id)?;
        let reverse = Box::pin(self.check_live(&e, org_id, reverse)).await?;
        let age = age_days(&e);
        Ok(UndoPreview {
            will: describe(&e, &reverse),
            needs_force: age >= UNDO_FORCE_AFTER_DAYS,
            age_days: age,
            entry: e,
        })
    }

    /// Undoes a journaled change (see the module's doc). Refused before anything is sent: an entry
    /// undone already, failed, of a kind that cannot be undone or older than a week without `force`
    /// (`invalid_input`); one being undone by another process, or whose target changed since
    /// (`conflict`, saying how).
    pub async fn undo(&self, entry_id: i64, force: bool) -> Result<UndoOutcome> {
        let (e, org_id) = self.undo_entry(entry_id)?;
        let age = age_days(&e);
        if age >= UNDO_FORCE_AFTER_DAYS && !force {
            return Err(CoreError::invalid(
                format!(
                    "entry #{entry_id} was made {age} days ago; undoing a change older than \
                     {UNDO_FORCE_AFTER_DAYS} days needs --force (in the window: confirm it)"
                ),
                Vec::new(),
            ));
        }
        let claimant = Uuid::new_v4().to_string();
        if !self.with_cache(|c| c.claim_undo(entry_id, &claimant, Utc::now()))? {
            return Err(conflict(format!(
                "entry #{entry_id} is being undone elsewhere, or was just undone; nothing was sent"
            )));
        }
        let reversed = async {
            self.refresh_for_undo(&e, org_id).await?;
            let reverse = self.reverse_plan(&e, org_id)?;
            let reverse = Box::pin(self.check_live(&e, org_id, reverse)).await?;
            UNDO_OF.scope(entry_id, self.carry_out(&e, org_id, reverse)).await
        }
        .await;
        let message = match reversed {
            Ok(m) => m,
            Err(err) => {
                if let Err(r) = self.with_cache(|c| c.release_undo(entry_id, &claimant)) {
                    tracing::warn!(entry = entry_id, error = %r, "an undo claim could not be released");
                }
                return Err(err);
            }
        };
        if !self.with_cache(|c| c.mark_undone(entry_id, Utc::now()))? {
            tracing::warn!(entry = entry_id, "an undo took, but no logged entry of it was found to link");
        }
        // Each reversal's write updated the cache, except a removed member given their roles back: their
        // row (name, email, teams) is not in the cache any more, so the organization is read again.
        if e.kind == K::MemberRemoval {
            if let Err(err) = self.refresh_organization(&e.account_id, &org_id.to_string()).await {
                tracing::warn!(code = err.code.as_str(), "re-fetch after an undone removal failed");
            }
        }
        let undone = self.with_cache(|c| c.activity_entry(entry_id))?.unwrap_or(e);
        let by = match undone.undone_by {
            Some(id) => self.with_cache(|c| c.activity_entry(id))?,
            None => None,
        };
        Ok(UndoOutcome { undone, by, message })
    }

    /// The entry, checked: it exists, succeeded, is reversible and not undone; with its organization.
    fn undo_entry(&self, entry_id: i64) -> Result<(ActivityEntry, Uuid)> {
        let e = self
            .with_cache(|c| c.activity_entry(entry_id))?
            .ok_or_else(|| CoreError::not_found(format!("no entry #{entry_id} in the activity log")))?;
        if let Some(by) = e.undone_by {
            return Err(conflict(format!("entry #{entry_id} was already undone (by entry #{by})")));
        }
        if !e.ok {
            return Err(CoreError::invalid(
                format!("entry #{entry_id} failed, so it changed nothing and there is nothing to undo"),
                Vec::new(),
            ));
        }
        if !e.undoable {
            return Err(CoreError::invalid(
                format!(
                    "entry #{entry_id} ({}) cannot be undone; only role changes, invitations, revocations, \
                     removals, renames, and a service account's or key's activation or deactivation can",
                    e.kind.as_str().replace('_', " ")
                ),
                Vec::new(),
            ));
        }
        let org_id = Uuid::parse_str(&e.org_id).map_err(|_| {
            CoreError::invalid(format!("entry #{entry_id} names no organization"), Vec::new())
        })?;
        self.account(&e.account_id)?;
        Ok((e, org_id))
    }

    /// The entry's organization, fetched from the server again: what the undo is checked against.
    async fn refresh_for_undo(&self, e: &ActivityEntry, org_id: Uuid) -> Result<()> {
        self.refresh_organization(&e.account_id, &org_id.to_string()).await.map(|_| ()).map_err(|err| {
            CoreError {
                message: format!(
                    "the organization could not be read from the server, so the undo was not tried: {}",
                    err.message
                ),
                ..err
            }
        })
    }
}
