//! The activity journal: the log of every change this app made, in a SQLite file of its own beside
//! the cache (`<data_dir>/journal.sqlite3`, see [`crate::paths::journal_path`]).
//!
//! The cache can be thrown away and filled again from the server; the journal cannot, so it lives
//! apart: moving a damaged cache aside ([`Cache::open`], [`Cache::rebuild`]) never moves or empties
//! it. It has its own schema version (`PRAGMA user_version` of its file) and its own forward-only
//! migrations ([`MIGRATIONS`]), is created with mode 0600 (SQLite gives its `-wal` and `-shm` the
//! same), and runs in WAL mode like the cache.
//!
//! - **From an older cache**: entries an older build kept in the cache's own `activity` table are
//!   moved into the journal when found (copied in one transaction, keyed on their old id and time so a
//!   second copy adds nothing, then deleted from the cache). On the first copy they keep their ids.
//! - **Damage**: a journal that is not a database or fails its check is moved aside
//!   (`journal.sqlite3.corrupt-<time>`) with a [`CacheNotice::JournalMovedAside`]; one that cannot be
//!   opened at all is replaced by an in-memory journal for the session
//!   ([`CacheNotice::JournalUnavailable`]). Neither fails start-up. A journal written by a newer build
//!   is used as it is (its migrations only ever add).
//! - **Retention**: entries older than [`retention`](Cache::activity_retention_days) days (the
//!   journal's own setting [`RETENTION_KEY`], default [`DEFAULT_RETENTION_DAYS`]; `0` keeps every
//!   entry) are pruned at open and after each entry recorded.
//! - **Undo claims**: [`Cache::claim_undo`] marks an entry as being undone by one claimant, in one
//!   UPDATE, so two processes undoing the same entry cannot both proceed; a claim lapses after
//!   [`UNDO_CLAIM_TTL`].
//!
//! Like the cache, it holds no secret.

mod handle;
mod legacy;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use super::open::{integrity, move_aside, OpenFailure, BUSY_TIMEOUT};
use super::{private, ts, CacheError, CacheNotice, Result};
use legacy::legacy_rows_waiting;

// Named in the module's docs.
#[cfg(doc)]
use super::Cache;

/// How long an undo claim holds before another claimant may take the entry over (a process that
/// claimed it and died leaves it claimable again after this).
pub const UNDO_CLAIM_TTL: chrono::Duration = chrono::Duration::minutes(10);

/// The journal's setting of how many days entries are kept.
pub const RETENTION_KEY: &str = "activity_retention_days";

/// Entries are kept this many days unless [`RETENTION_KEY`] says otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 180;

/// Each entry takes a journal file from version `i` to `i + 1`. Append; never edit a shipped one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the journal's first schema. `activity` has the cache's old columns, plus the undo claim
    // (`claimed_by`, `claimed_at`) and, for entries copied from an older cache, their id and time
    // there (`legacy_id`, `legacy_at`: unique together, so copying twice adds nothing). AUTOINCREMENT:
    // an id is never given again once pruned or purged. `settings` holds the journal's own settings.
    r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE activity (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    account_label TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    org_name      TEXT NOT NULL,
    org_name_lc   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    target_id     TEXT,
    target_label  TEXT NOT NULL,
    target_lc     TEXT NOT NULL,
    detail        TEXT,
    replaced      TEXT,
    ok            INTEGER NOT NULL,
    error_code    TEXT,
    error_message TEXT,
    undo_of       INTEGER,
    undone_at     TEXT,
    undone_by     INTEGER,
    claimed_by    TEXT,
    claimed_at    TEXT,
    legacy_id     INTEGER,
    legacy_at     TEXT
);
CREATE INDEX activity_by_org ON activity (org_id, id);
CREATE INDEX activity_by_kind ON activity (kind, id);
CREATE INDEX activity_by_account ON activity (account_id, id);
CREATE INDEX activity_by_at ON activity (at);
CREATE INDEX activity_by_undo_of ON activity (undo_of) WHERE undo_of IS NOT NULL;
CREATE UNIQUE INDEX activity_by_legacy ON activity (legacy_id, legacy_at) WHERE legacy_id IS NOT NULL;
"#,
];

/// The journal schema version this build writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// One connection to the journal.
#[derive(Debug)]
pub(crate) struct Journal {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
    read_only: bool,
}

/// Turns damage found in the journal into [`CacheError::JournalCorrupt`], so it is never taken for
/// damage of the cache (which would rebuild the cache and leave the journal as it was).
pub(crate) fn in_journal<T>(r: Result<T>) -> Result<T> {
    r.map_err(|e| match e {
        CacheError::Corrupt(reason) => CacheError::JournalCorrupt(reason),
        other => other,
    })
}

fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Runs the journal migrations a file has not had yet, in one write transaction (the version is read
/// again inside it, so two processes never migrate one file twice).
fn migrate(conn: &Connection) -> Result<()> {
    let latest = latest_version();
    if version(conn)? >= latest {
        return Ok(());
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

/// Creates an empty file with mode 0600 unless one is there, so the journal (and the `-wal` and
/// `-shm` SQLite creates with its mode) is the user's alone from the start.
fn create_private(path: &Path) {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => tracing::warn!(path = %path.display(), error = %e, "could not create the journal file"),
    }
}

impl Journal {
    /// A private in-memory journal (tests, and a journal that cannot be opened).
    pub(crate) fn in_memory() -> Result<Journal> {
        let conn = Connection::open_in_memory()?;
        migrate(&conn)?;
        Ok(Journal { conn, path: None, read_only: false })
    }

    /// The file it lives in (`None` in memory).
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether it was opened read-only.
    pub(crate) fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Opens the journal at `path` (creating it if needed). Never fails: a damaged journal is moved
    /// aside and a new one created, one that cannot be opened is replaced by an in-memory journal; the
    /// notices say so. `read_only` opens it without the write lock when it is current and nothing
    /// waits to be copied into it. `legacy` is the cache's connection, whose old `activity` rows are
    /// moved into the journal.
    pub(crate) fn open(
        path: &Path,
        read_only: bool,
        legacy: Option<&Connection>,
    ) -> (Journal, Vec<CacheNotice>) {
        let pending = legacy.is_some_and(legacy_rows_waiting);
        if read_only && !pending && path.exists() {
            match Self::try_open_read_only(path) {
                Ok(Some(journal)) => return (journal, Vec::new()),
                Ok(None) => {}
                Err(e) => tracing::debug!(error = %e, "the journal could not be opened read-only"),
            }
        }
        let mut notices = Vec::new();
        let journal = match Self::try_open(path) {
            Ok(journal) => journal,
            Err(failure) => {
                let reason = match failure {
                    OpenFailure::Unusable { reason, suffix } => match move_aside(path, suffix) {
                        Ok(moved_to) => {
                            tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %reason,
                                "moved an unusable activity journal aside and created a new one");
                            notices.push(CacheNotice::JournalMovedAside { moved_to, reason });
                            match Self::try_open(path) {
                                Ok(journal) => return Self::finish(journal, legacy, pending, notices),
                                Err(OpenFailure::Unusable { reason, .. }) => reason,
                                Err(OpenFailure::Error(e)) => e.to_string(),
                            }
                        }
                        Err(e) => format!("{reason}; it could not be moved aside: {e}"),
                    },
                    OpenFailure::Error(e) => e.to_string(),
                };
                tracing::warn!(path = %path.display(), %reason,
                    "the activity journal could not be opened; this session's changes are logged in memory");
                notices.push(CacheNotice::JournalUnavailable { path: path.to_path_buf(), reason });
                match Self::in_memory() {
                    Ok(journal) => journal,
                    // An in-memory database that cannot be created: nothing else would work either.
                    Err(e) => panic!("cannot create an in-memory activity journal: {e}"),
                }
            }
        };
        Self::finish(journal, legacy, pending, notices)
    }

    /// Moves the old cache's entries in and prunes old ones (neither stops the journal being used).
    fn finish(
        journal: Journal,
        legacy: Option<&Connection>,
        pending: bool,
        notices: Vec<CacheNotice>,
    ) -> (Journal, Vec<CacheNotice>) {
        if let (Some(legacy), true) = (legacy, pending) {
            match journal.import_legacy(legacy) {
                Ok(n) if n > 0 => tracing::info!(entries = n, "moved the activity log into its journal"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not move the old activity log into its journal"),
            }
        }
        if !journal.read_only {
            if let Err(e) = journal.prune(Utc::now()) {
                tracing::warn!(error = %e, "could not prune the activity journal");
            }
        }
        (journal, notices)
    }

    /// A read-only connection, when the file is at this build's version or newer; `None` when it
    /// needs migrating (then it is opened read-write).
    fn try_open_read_only(path: &Path) -> Result<Option<Journal>> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if version(&conn)? < latest_version() {
            return Ok(None);
        }
        Ok(Some(Journal { conn, path: Some(path.to_path_buf()), read_only: true }))
    }

    fn try_open(path: &Path) -> Result<Journal, OpenFailure> {
        create_private(path);
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let found = version(&conn)?;
        let latest = latest_version();
        if found > latest {
            tracing::warn!(path = %path.display(), found, latest,
                "the activity journal was written by a newer version of the app; using it as it is");
        }
        // The journal is small (pruned to its retention), so the whole of it is checked.
        if let Err(reason) = integrity(&conn, None)? {
            return Err(OpenFailure::Unusable { reason, suffix: "corrupt" });
        }
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&conn).map_err(|e| match e {
            CacheError::Corrupt(reason) => OpenFailure::Unusable { reason, suffix: "corrupt" },
            other => OpenFailure::Error(other),
        })?;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_os_string();
            p.push(suffix);
            private(Path::new(&p), 0o600);
        }
        Ok(Journal { conn, path: Some(path.to_path_buf()), read_only: false })
    }

    /// Deletes entries older than the retention. Returns how many went.
    pub(crate) fn prune(&self, now: DateTime<Utc>) -> Result<usize> {
        let days = self.retention_days()?;
        if days == 0 {
            return Ok(0);
        }
        // A retention longer than the calendar reaches back keeps every entry (and never panics).
        let Some(cutoff) =
            chrono::Duration::try_days(i64::from(days)).and_then(|d| now.checked_sub_signed(d))
        else {
            return Ok(0);
        };
        Ok(self.conn.execute("DELETE FROM activity WHERE at < ?1", [ts(cutoff)])?)
    }

    /// The retention in days (`0`: every entry is kept).
    pub(crate) fn retention_days(&self) -> Result<u32> {
        Ok(self.setting(RETENTION_KEY)?.and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_RETENTION_DAYS))
    }

    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub(crate) fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}
