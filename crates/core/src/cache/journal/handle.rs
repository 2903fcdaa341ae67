//! The journal as a [`Cache`] exposes it: the retention setting, pruning, forgetting an account's
//! entries, where it is, and putting a damaged journal aside.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{in_journal, Journal, RETENTION_KEY};
use crate::cache::open::move_aside;
use crate::cache::{Cache, CacheNotice, Result};

impl Cache {
    /// How many days activity entries are kept (`0`: all of them).
    pub fn activity_retention_days(&self) -> Result<u32> {
        in_journal(self.journal.retention_days())
    }

    /// Sets how many days activity entries are kept (`0`: all of them), and prunes at once.
    pub fn set_activity_retention_days(&self, days: u32) -> Result<()> {
        in_journal(self.journal.set_setting(RETENTION_KEY, &days.to_string()))?;
        in_journal(self.journal.prune(Utc::now())).map(|_| ())
    }

    /// Deletes entries older than the retention, as of `now`. Returns how many went.
    pub fn prune_activity(&self, now: DateTime<Utc>) -> Result<usize> {
        in_journal(self.journal.prune(now))
    }

    /// Deletes every activity entry of one account (signing out with purge). Returns how many went.
    pub fn forget_activity(&self, account_id: &str) -> Result<usize> {
        in_journal(Ok(self
            .journal
            .conn
            .execute("DELETE FROM activity WHERE account_id = ?1", [account_id])?))
    }

    /// The journal's file (`None` in memory).
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.path()
    }

    /// Whether the journal connection only reads.
    pub fn journal_is_read_only(&self) -> bool {
        self.journal.is_read_only()
    }

    /// Moves a journal found damaged while in use aside and opens a new, empty one in its place (in
    /// memory if that fails too). The cache is not touched. Returns the notice to show.
    pub fn heal_journal(&mut self, reason: &str) -> CacheNotice {
        let Some(path) = self.journal.path().map(Path::to_path_buf) else {
            return CacheNotice::JournalUnavailable { path: PathBuf::new(), reason: reason.to_owned() };
        };
        let legacy = None;
        // Our connection is closed before the file is moved.
        match Journal::in_memory() {
            Ok(placeholder) => drop(std::mem::replace(&mut self.journal, placeholder)),
            Err(e) => return CacheNotice::JournalUnavailable { path, reason: format!("{reason}; {e}") },
        }
        let mut notices = Vec::new();
        match move_aside(&path, "corrupt") {
            Ok(moved_to) => {
                notices.push(CacheNotice::JournalMovedAside { moved_to, reason: reason.to_owned() });
                let (journal, more) = Journal::open(&path, false, legacy);
                self.journal = journal;
                notices.extend(more);
            }
            Err(e) => notices.push(CacheNotice::JournalUnavailable {
                path,
                reason: format!("{reason}; it could not be moved aside: {e}"),
            }),
        }
        CacheNotice::combine(notices).expect("at least one notice")
    }
}
