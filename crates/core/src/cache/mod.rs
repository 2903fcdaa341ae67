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
mod open;
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

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
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

impl Cache {
    /// A write transaction that takes the write lock at once, so it never fails half-way on a lock.
    fn write_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?)
    }

    /// A read transaction: every statement in it sees the same committed state.
    fn read_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)?)
    }
}
/// The activity journal beside the cache file at `path`: `journal.sqlite3` in the same directory.
pub(crate) fn journal_path_of(path: &Path) -> PathBuf {
    path.with_file_name(crate::paths::JOURNAL_FILE)
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
