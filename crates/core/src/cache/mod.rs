//! The SQLite offline cache: what the app shows when the server is slow or unreachable.
//!
//! One file, `<data_dir>/cache.sqlite3` (see [`crate::paths`]), in WAL mode so a reader on one
//! connection and a writer on another never block each other and a reader never sees half a write.
//! Every multi-row write is one transaction; every read that spans rows runs in one read transaction and
//! is stamped with when its data was fetched ([`Fetched`]).
//!
//! A [`Cache`] wraps one connection. It is `Send` but not `Sync`: put it in a mutex, or open one per
//! thread (both see each other's committed writes).
//!
//! Opening never fails because of the file's contents: a file that is not a database, or whose schema or
//! small tables fail SQLite's `quick_check`, is moved aside and a fresh cache is created, and
//! [`Cache::open`] returns a [`CacheNotice`] saying so. The data comes back with the next sync. The full
//! check of a large file takes longer than start-up may, so it is [`Cache::check_integrity`], run in the
//! background after open, with [`Cache::rebuild`] on damage.
//!
//! A file written by a newer build (a higher schema version) is not damage, and may be open in that
//! newer app at the same moment: it is never moved aside. It is opened read-only and read as far as this
//! build can, with a [`CacheNotice::NewerSchema`] saying so; writes to it fail.
//!
//! **Readers never wait on writers.** [`Cache::open_read_only`] (for commands that only list) opens the
//! file with `SQLITE_OPEN_READ_ONLY` and takes no write lock: WAL lets it read while another process
//! writes. Only a file that needs migrating (or is new, or damaged) is opened read-write instead, as
//! [`Cache::open`] would. Opening read-write migrates only when the schema version differs, so it too
//! takes the write lock only then.
//!
//! **The activity journal** (`journal`) lives in a file of its own beside the cache,
//! `journal.sqlite3`, with its own schema version: moving the cache aside or rebuilding it never touches
//! it, and a damaged journal is itself moved aside with a notice, never failing start-up. A [`Cache`]
//! holds a second connection, to the journal, which the `activity` methods use; an in-memory cache has an
//! in-memory journal.
//!
//! One module per table, each with its reads and writes: accounts, the active organization, settings, organizations, members, invitations, workspaces, teams, roles and the sync
//! state; `people` reads the people of every organization at once; `home` counts what the home page shows of each; `snapshot` writes a whole organization at once;
//! `activity` is the local log of changes made (with what each replaced and whether it was undone); `schema` holds the migrations.

mod accounts;
mod active_org;
mod activity;
mod activity_types;
pub mod entity;
mod home;
mod invitations;
mod journal;
mod member_rows;
mod member_totals;
mod members;
mod organizations;
mod people;
mod review;
mod roles;
mod schema;
mod settings;
mod snapshot;
mod sync_state;
mod teams;
mod workspaces;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use uuid::Uuid;

pub use accounts::{account_id, AccountRecord, AuthMethod};
pub use activity::{
    ActivityEntry, ActivityKind, ActivityPage, ActivityQuery, NewActivity, PriorRole, PriorTeam, Replaced,
};
pub use entity::Entity;
pub use home::OrgTally;
pub use journal::{DEFAULT_RETENTION_DAYS, RETENTION_KEY, UNDO_CLAIM_TTL};
pub use members::{MemberKind, MemberPage, MemberQuery, UserField};
use organizations::json_rows;
pub use people::{PeopleCoverage, PeopleKeys, PersonRow, PersonSource};
pub use review::{ReviewData, ReviewMember, ReviewOrgRow};
pub use snapshot::OrgSnapshot;
pub(crate) use sync_state::NOTHING_TO_NOTE;
pub use sync_state::{ListRead, SyncOutcome, SyncStateRecord};

/// Why a cache call failed. Messages are for people; none carries a secret (the cache holds none).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The database file is damaged beyond what opening can repair.
    #[error("the offline cache is damaged: {0}")]
    Corrupt(String),
    /// The activity journal is damaged (the cache may be sound: it is not rebuilt for this; the
    /// journal is moved aside at the next start).
    #[error("the activity journal is damaged: {0}")]
    JournalCorrupt(String),
    /// SQLite refused a statement.
    #[error("the offline cache could not be read or written: {0}")]
    Sqlite(rusqlite::Error),
    /// A file operation on the cache failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A cached record could not be turned into JSON or back.
    #[error("a cached record could not be read: {0}")]
    Json(#[from] serde_json::Error),
    /// The thing asked for is not in the cache (never fetched, or removed).
    #[error("{0} is not in the offline cache")]
    NotFound(String),
}

impl From<rusqlite::Error> for CacheError {
    fn from(e: rusqlite::Error) -> Self {
        if is_corruption(&e) {
            CacheError::Corrupt(e.to_string())
        } else {
            CacheError::Sqlite(e)
        }
    }
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode as Sqlite;
    matches!(e.sqlite_error_code(), Some(Sqlite::NotADatabase) | Some(Sqlite::DatabaseCorrupt))
}

/// Short for the cache's results.
pub type Result<T, E = CacheError> = std::result::Result<T, E>;

/// Something the user should be told about after opening the cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CacheNotice {
    /// The old file could not be used; it was moved to `moved_to` and an empty cache created.
    Rebuilt { moved_to: PathBuf, reason: String },
    /// The cache was written by a newer version of the app: it is read as far as this one can and
    /// left unchanged (opened read-only).
    NewerSchema { version: i64, known: i64 },
    /// The activity journal could not be used; it was moved to `moved_to` and an empty one created.
    JournalMovedAside { moved_to: PathBuf, reason: String },
    /// The activity journal could not be opened; this session's changes are logged in memory only.
    JournalUnavailable { path: PathBuf, reason: String },
    /// More than one of the above, in the order they happened.
    Several { notices: Vec<CacheNotice> },
}

impl CacheNotice {
    /// None, one notice, or [`CacheNotice::Several`].
    fn combine(mut notices: Vec<CacheNotice>) -> Option<CacheNotice> {
        match notices.len() {
            0 => None,
            1 => notices.pop(),
            _ => Some(CacheNotice::Several { notices }),
        }
    }
}

impl std::fmt::Display for CacheNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheNotice::Rebuilt { moved_to, reason } => write!(
                f,
                "The offline cache could not be used ({reason}). It was moved to {} and a new, empty cache \
                 was created; it fills again at the next sync.",
                moved_to.display()
            ),
            CacheNotice::NewerSchema { version, known } => write!(
                f,
                "The offline cache was written by a newer version of the app (cache schema {version}; this \
                 version knows up to {known}). It is read as it is and left unchanged: what this version \
                 cannot read is not shown, and sync cannot update it. Use the newer version, or close it \
                 and move the cache file aside to start a new cache."
            ),
            CacheNotice::JournalMovedAside { moved_to, reason } => write!(
                f,
                "The activity log could not be used ({reason}). It was moved to {} and a new, empty log was \
                 created; the earlier entries are in the moved file.",
                moved_to.display()
            ),
            CacheNotice::JournalUnavailable { path, reason } => write!(
                f,
                "The activity log at {} could not be opened ({reason}). Changes made now are logged for \
                 this session only.",
                path.display()
            ),
            CacheNotice::Several { notices } => {
                for (i, n) in notices.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{n}")?;
                }
                Ok(())
            }
        }
    }
}

/// A value read from the cache, with when it was fetched from the server.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fetched<T> {
    pub value: T,
    pub fetched_at: DateTime<Utc>,
}

/// The offline cache: one SQLite connection, and one to the activity journal beside it.
#[derive(Debug)]
pub struct Cache {
    conn: Connection,
    path: Option<PathBuf>,
    /// Opened with `SQLITE_OPEN_READ_ONLY` (a reader's open, or a file of a newer schema).
    read_only: bool,
    /// The activity journal (its own file; see `journal`).
    journal: journal::Journal,
    /// Member totals counted since the last write (see `member_totals`).
    member_totals: member_totals::MemberTotals,
}

/// The page size of a new cache file, in bytes.
const PAGE_SIZE: i64 = 16384;

/// How long a statement waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

enum OpenFailure {
    /// The file cannot be used as it is: move it aside (with this suffix) and start afresh.
    Unusable {
        reason: String,
        suffix: &'static str,
    },
    Error(CacheError),
}

impl From<rusqlite::Error> for OpenFailure {
    fn from(e: rusqlite::Error) -> Self {
        if is_corruption(&e) {
            OpenFailure::Unusable {
                reason: format!("the file is not a usable database: {e}"),
                suffix: "corrupt",
            }
        } else {
            OpenFailure::Error(e.into())
        }
    }
}

impl Cache {
    /// Opens (creating if needed) the cache at `path`, running its migrations, and the activity journal
    /// beside it. A file this build cannot use is moved aside and replaced by an empty cache; a file of a
    /// newer schema is opened read-only and left as it is; the notice says so.
    pub fn open(path: &Path) -> Result<(Cache, Option<CacheNotice>)> {
        Self::open_with(path, false)
    }

    /// Opens the cache for reading only, without taking the write lock (so it never waits on a writer
    /// in another process: WAL lets it read meanwhile). A file that does not exist yet, needs
    /// migrating or fails its check is opened as [`Cache::open`] would instead; the journal likewise.
    pub fn open_read_only(path: &Path) -> Result<(Cache, Option<CacheNotice>)> {
        Self::open_with(path, true)
    }

    fn open_with(path: &Path, read_only: bool) -> Result<(Cache, Option<CacheNotice>)> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| CacheError::Io {
                action: "create the cache directory",
                path: parent.to_path_buf(),
                source,
            })?;
            private(parent, 0o700);
        }
        let mut notices = Vec::new();
        let reader = if read_only && path.exists() { Self::try_open_read_only(path) } else { None };
        let opened = match reader {
            Some(opened) => opened,
            None => match Self::try_open(path) {
                Ok(opened) => opened,
                Err(OpenFailure::Error(e)) => return Err(e),
                Err(OpenFailure::Unusable { reason, suffix }) => {
                    let moved_to = move_aside(path, suffix)?;
                    tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %reason,
                        "moved an unusable offline cache aside and created a new one");
                    notices.push(CacheNotice::Rebuilt { moved_to, reason });
                    match Self::try_open(path) {
                        Ok(opened) => opened,
                        Err(OpenFailure::Error(e)) => return Err(e),
                        Err(OpenFailure::Unusable { reason, .. }) => return Err(CacheError::Corrupt(reason)),
                    }
                }
            },
        };
        let cache = Self::with_journal(opened, path, read_only, &mut notices);
        Ok((cache, CacheNotice::combine(notices)))
    }

    /// A private in-memory cache (with an in-memory journal), for tests.
    pub fn open_in_memory() -> Result<Cache> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&conn)?;
        Self::in_memory_with(conn)
    }

    /// A cache over an in-memory connection already migrated, with an in-memory journal.
    pub(crate) fn in_memory_with(conn: Connection) -> Result<Cache> {
        Ok(Cache {
            conn,
            path: None,
            read_only: false,
            journal: journal::Journal::in_memory()?,
            member_totals: Default::default(),
        })
    }

    /// The file this cache lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether this connection only reads ([`Cache::open_read_only`], or a file of a newer schema).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Adds the journal beside `path` to an opened connection; its notices join `notices`.
    fn with_journal(opened: Opened, path: &Path, read_only: bool, notices: &mut Vec<CacheNotice>) -> Cache {
        let Opened { conn, read_only: conn_read_only, newer } = opened;
        // A newer build has moved the old activity rows already (and its cache is not this one's to
        // change).
        let legacy = if newer.is_some() { None } else { Some(&conn) };
        let (journal, journal_notices) = journal::Journal::open(&journal_path_of(path), read_only, legacy);
        notices.extend(newer);
        notices.extend(journal_notices);
        Cache {
            conn,
            path: Some(path.to_path_buf()),
            read_only: conn_read_only,
            journal,
            member_totals: Default::default(),
        }
    }

    /// A read-only connection to an existing file at this build's schema (or a newer one) whose small
    /// tables pass their check; `None` when it needs more (a migration, a rebuild), which a read-write
    /// open does.
    fn try_open_read_only(path: &Path) -> Option<Opened> {
        let attempt = || -> Result<Option<Opened>, OpenFailure> {
            let conn = Connection::open_with_flags(path, read_only_flags())?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let latest = schema::latest_version();
            if version > latest {
                return Ok(Some(newer(conn, version, latest)));
            }
            if version < latest {
                return Ok(None);
            }
            for table in OPEN_CHECKED_TABLES {
                if integrity(&conn, Some(table))?.is_err() {
                    return Ok(None);
                }
            }
            conn.pragma_update(None, "foreign_keys", true)?;
            Ok(Some(Opened { conn, read_only: true, newer: None }))
        };
        attempt().unwrap_or(None)
    }

    fn try_open(path: &Path) -> Result<Opened, OpenFailure> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let latest = schema::latest_version();
        if version > latest {
            // Not damage: a newer build wrote it, and may have it open now. Read it as it is, never
            // moving or changing it.
            drop(conn);
            let conn = Connection::open_with_flags(path, read_only_flags())?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            return Ok(newer(conn, version, latest));
        }
        // The full check reads every page, too slow for opening a large cache at start-up; the small
        // tables every screen needs are checked here, the rest by `check_integrity` in the background.
        for table in OPEN_CHECKED_TABLES {
            if let Err(reason) = integrity(&conn, Some(table))? {
                return Err(OpenFailure::Unusable { reason, suffix: "corrupt" });
            }
        }
        // Takes effect only on a new, empty file (before its first table and before WAL mode). Large
        // pages keep a big organization's snapshot write and member scans to fewer, fuller pages.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&conn).map_err(|e| match e {
            CacheError::Corrupt(reason) => OpenFailure::Unusable { reason, suffix: "corrupt" },
            other => OpenFailure::Error(other),
        })?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > latest {
            // A newer build migrated it between the check above and the migration (which then left it).
            drop(conn);
            let conn = Connection::open_with_flags(path, read_only_flags())?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            return Ok(newer(conn, version, latest));
        }
        // The cache is the user's alone (SQLite gives its -wal and -shm files the same mode).
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_os_string();
            p.push(suffix);
            private(Path::new(&p), 0o600);
        }
        Ok(Opened { conn, read_only: false, newer: None })
    }

    /// Runs SQLite's full `quick_check` over the whole file. Opening checks only the small tables, so
    /// callers run this once in the background after open; on `Err(Corrupt)` they drop every connection
    /// and call [`Cache::rebuild`].
    pub fn check_integrity(&self) -> Result<()> {
        match integrity(&self.conn, None) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(CacheError::Corrupt(reason)),
            Err(OpenFailure::Error(e)) => Err(e),
            Err(OpenFailure::Unusable { reason, .. }) => Err(CacheError::Corrupt(reason)),
        }
    }

    /// Runs the full check of the file at `path` on a read-only connection of its own, so the app's
    /// connection stays free for reads meanwhile (WAL lets both run at once).
    pub fn check_file(path: &Path) -> Result<()> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        match integrity(&conn, None) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(CacheError::Corrupt(reason)),
            Err(OpenFailure::Error(e)) => Err(e),
            Err(OpenFailure::Unusable { reason, .. }) => Err(CacheError::Corrupt(reason)),
        }
    }

    /// Moves a damaged cache file aside and opens a fresh one in its place (every other connection to
    /// it must be closed first). The activity journal beside it is not touched.
    pub fn rebuild(path: &Path, reason: &str) -> Result<(Cache, CacheNotice)> {
        let moved_to = move_aside(path, "corrupt")?;
        tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %reason,
            "moved a damaged offline cache aside and created a new one");
        let opened = match Self::try_open(path) {
            Ok(opened) => opened,
            Err(OpenFailure::Error(e)) => return Err(e),
            Err(OpenFailure::Unusable { reason, .. }) => return Err(CacheError::Corrupt(reason)),
        };
        let mut notices = vec![CacheNotice::Rebuilt { moved_to, reason: reason.to_owned() }];
        let cache = Self::with_journal(opened, path, false, &mut notices);
        let notice = CacheNotice::combine(notices).expect("at least the rebuild's notice");
        Ok((cache, notice))
    }

    /// A write transaction that takes the write lock at once, so it never fails half-way on a lock.
    fn write_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?)
    }

    /// A read transaction: every statement in it sees the same committed state.
    fn read_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)?)
    }
}

/// A connection opened to a cache file, before its journal is added.
struct Opened {
    conn: Connection,
    read_only: bool,
    /// The notice of a file of a newer schema.
    newer: Option<CacheNotice>,
}

fn read_only_flags() -> rusqlite::OpenFlags {
    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// A read-only connection to a file of a newer schema, with its notice.
fn newer(conn: Connection, version: i64, known: i64) -> Opened {
    tracing::warn!(version, known, "the offline cache was written by a newer version; reading it as it is");
    Opened { conn, read_only: true, newer: Some(CacheNotice::NewerSchema { version, known }) }
}

/// The activity journal beside the cache file at `path`: `journal.sqlite3` in the same directory.
pub(crate) fn journal_path_of(path: &Path) -> PathBuf {
    path.with_file_name(crate::paths::JOURNAL_FILE)
}

/// The tables opening checks: the schema itself and the small tables every screen reads first.
const OPEN_CHECKED_TABLES: [&str; 6] =
    ["sqlite_schema", "settings", "accounts", "active_org", "organizations", "sync_state"];

/// `PRAGMA quick_check`, of one table (with its indexes) or of the whole file. `Ok(Err(reason))` when
/// it finds damage. A table this file does not have yet (before its first migration) is skipped.
fn integrity(conn: &Connection, table: Option<&str>) -> Result<Result<(), String>, OpenFailure> {
    if let Some(t) = table.filter(|t| *t != "sqlite_schema") {
        let exists: Option<i64> = conn
            .query_row("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", [t], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Ok(Ok(()));
        }
    }
    let sql = match table {
        Some(t) => format!("PRAGMA quick_check({t})"),
        None => "PRAGMA quick_check".to_owned(),
    };
    let mut problems = Vec::new();
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        problems.push(row.get::<_, String>(0)?);
    }
    if problems.len() == 1 && problems[0] == "ok" {
        Ok(Ok(()))
    } else {
        Ok(Err(format!("it failed its integrity check: {}", problems.join("; "))))
    }
}

/// Moves `path` and its `-wal`/`-shm` companions to `<path>.<suffix>-<unix time>` and returns the new
/// path of the main file.
fn move_aside(path: &Path, suffix: &str) -> Result<PathBuf> {
    let base = path.as_os_str().to_os_string();
    let stamp = Utc::now().timestamp();
    let mut target = None;
    for n in 0..1000 {
        let mut candidate = base.clone();
        candidate.push(format!(".{suffix}-{stamp}"));
        if n > 0 {
            candidate.push(format!("-{n}"));
        }
        let candidate = PathBuf::from(candidate);
        if !candidate.exists() {
            target = Some(candidate);
            break;
        }
    }
    let target = target.ok_or_else(|| CacheError::Io {
        action: "find a free name to move aside",
        path: path.to_path_buf(),
        source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
    })?;
    let io = |source| CacheError::Io { action: "move aside", path: path.to_path_buf(), source };
    std::fs::rename(path, &target).map_err(io)?;
    for companion in ["-wal", "-shm"] {
        let mut from = base.clone();
        from.push(companion);
        let from = PathBuf::from(from);
        if from.exists() {
            let mut to = target.as_os_str().to_os_string();
            to.push(companion);
            std::fs::rename(&from, PathBuf::from(to)).map_err(|source| CacheError::Io {
                action: "move aside",
                path: from.clone(),
                source,
            })?;
        }
    }
    Ok(target)
}

/// Makes a file or directory the user's alone (Unix); elsewhere, and when it fails, it is left as it is.
pub(crate) fn private(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if path.exists() {
            if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
                tracing::warn!(path = %path.display(), error = %e, "could not make it private");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Timestamps are stored as fixed-width RFC 3339 UTC text, so they sort as text.
fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| CacheError::Corrupt(format!("a stored time is not a time: {s:?}")))
}

fn uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| CacheError::Corrupt(format!("a stored id is not a UUID: {s:?}")))
}
