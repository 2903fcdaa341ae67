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

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use super::open::{integrity, move_aside, OpenFailure, BUSY_TIMEOUT};
use super::{private, ts, Cache, CacheError, CacheNotice, Result};

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

    /// Copies the rows of an older cache's `activity` table in (once: a row already copied is
    /// skipped), then deletes them from the cache. Returns how many were copied now.
    fn import_legacy(&self, cache: &Connection) -> Result<usize> {
        type LegacyRow = (i64, String, Vec<rusqlite::types::Value>, Option<i64>, Option<i64>);
        let rows: Vec<LegacyRow> = {
            let mut stmt = cache.prepare(
                "SELECT id, at, account_id, account_label, org_id, org_name, org_name_lc, kind, target_id,
                        target_label, target_lc, detail, replaced, ok, error_code, error_message, undone_at,
                        undo_of, undone_by
                 FROM activity ORDER BY id",
            )?;
            let mapped = stmt.query_map([], |r| {
                let mut values = Vec::with_capacity(15);
                for i in 2..17 {
                    values.push(r.get::<_, rusqlite::types::Value>(i)?);
                }
                Ok((r.get(0)?, r.get(1)?, values, r.get(17)?, r.get(18)?))
            })?;
            mapped.collect::<rusqlite::Result<_>>()?
        };
        if rows.is_empty() {
            return Ok(0);
        }
        let last = rows.last().map(|r| r.0);
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let mut max_id: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM activity", [], |r| r.get(0))?;
        let mut new_ids = std::collections::HashMap::new();
        let mut copied = 0;
        for (old_id, at, values, _, _) in &rows {
            // On the first copy an entry keeps its id (what `zpro log` showed it by); later it gets
            // the next free one.
            let id = (*old_id > max_id).then_some(*old_id);
            let mut args: Vec<rusqlite::types::Value> = vec![id.into(), at.clone().into()];
            args.extend(values.iter().cloned());
            args.push((*old_id).into());
            args.push(at.clone().into());
            let n = tx.execute(
                "INSERT OR IGNORE INTO activity (id, at, account_id, account_label, org_id, org_name,
                     org_name_lc, kind, target_id, target_label, target_lc, detail, replaced, ok, error_code,
                     error_message, undone_at, legacy_id, legacy_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                rusqlite::params_from_iter(args.iter()),
            )?;
            if n == 1 {
                let new_id = tx.last_insert_rowid();
                max_id = max_id.max(new_id);
                new_ids.insert(*old_id, new_id);
                copied += 1;
            }
        }
        // The links between entries (an undo and what it undid) follow their new ids: those copied
        // now, else the newest copy of that old id.
        for (old_id, _, _, undo_of, undone_by) in &rows {
            let Some(&id) = new_ids.get(old_id) else { continue };
            let link = |old: Option<i64>| -> Result<Option<i64>> {
                let Some(old) = old else { return Ok(None) };
                if let Some(&new) = new_ids.get(&old) {
                    return Ok(Some(new));
                }
                Ok(tx
                    .query_row(
                        "SELECT id FROM activity WHERE legacy_id = ?1 ORDER BY id DESC LIMIT 1",
                        [old],
                        |r| r.get(0),
                    )
                    .optional()?)
            };
            let (undo_of, undone_by) = (link(*undo_of)?, link(*undone_by)?);
            tx.execute(
                "UPDATE activity SET undo_of = ?2, undone_by = ?3 WHERE id = ?1",
                params![id, undo_of, undone_by],
            )?;
        }
        tx.commit()?;
        // Copied and committed: the cache's copy goes (a read-only cache keeps it until a later open;
        // copying it again adds nothing).
        if let Some(last_id) = last {
            if let Err(e) = cache.execute("DELETE FROM activity WHERE id <= ?1", [last_id]) {
                tracing::debug!(error = %e, "the old activity rows stay in the cache for now");
            }
        }
        Ok(copied)
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

/// Whether the cache has an old `activity` table with rows in it.
fn legacy_rows_waiting(cache: &Connection) -> bool {
    let table: Option<i64> = cache
        .query_row("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'activity'", [], |r| r.get(0))
        .optional()
        .unwrap_or(None);
    table.is_some()
        && cache
            .query_row("SELECT EXISTS (SELECT 1 FROM activity)", [], |r| r.get::<_, bool>(0))
            .unwrap_or(false)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A new journal gets its schema version; one written by a newer build is used as it is, not moved
    /// aside and not migrated; one at an older version is migrated forward.
    #[test]
    fn a_journal_has_its_own_version_and_a_newer_one_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::paths::JOURNAL_FILE);
        let (journal, notices) = Journal::open(&path, false, None);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(version(&journal.conn).unwrap(), latest_version());
        journal.conn.execute_batch("PRAGMA user_version = 77;").unwrap();
        drop(journal);
        for read_only in [false, true] {
            let (journal, notices) = Journal::open(&path, read_only, None);
            assert!(notices.is_empty(), "{notices:?}");
            assert_eq!(journal.read_only, read_only);
            assert_eq!(version(&journal.conn).unwrap(), 77, "left as the newer build wrote it");
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains(".corrupt-")), "{names:?}");
    }

    #[test]
    fn a_retention_past_the_calendar_prunes_nothing_and_does_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, _) = Journal::open(&dir.path().join(crate::paths::JOURNAL_FILE), false, None);
        for days in [u32::MAX, 100_000_000] {
            journal.set_setting(RETENTION_KEY, &days.to_string()).unwrap();
            assert_eq!(journal.retention_days().unwrap(), days);
            assert_eq!(journal.prune(chrono::Utc::now()).unwrap(), 0, "{days}");
        }
    }
}
