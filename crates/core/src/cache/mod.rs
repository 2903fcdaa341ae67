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
//! Opening never fails because of the file's contents: a file that is not a database, whose schema or
//! small tables fail SQLite's `quick_check`, or that was written by a newer build is moved aside and a
//! fresh cache is created, and [`Cache::open`] returns a [`CacheNotice`] saying so. The data comes back
//! with the next sync. The full check of a large file takes longer than start-up may, so it is
//! [`Cache::check_integrity`], run in the background after open, with [`Cache::rebuild`] on damage.

mod org;
mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRow, Organization, ReadNotes, Role, Team, Workspace};

/// Why a cache call failed. Messages are for people; none carries a secret (the cache holds none).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The database file is damaged beyond what opening can repair.
    #[error("the offline cache is damaged: {0}")]
    Corrupt(String),
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
    matches!(e.sqlite_error_code(), Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt))
}

/// Short for the cache's results.
pub type Result<T, E = CacheError> = std::result::Result<T, E>;

/// Something the user should be told about after opening the cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CacheNotice {
    /// The old file could not be used; it was moved to `moved_to` and an empty cache created.
    Rebuilt { moved_to: PathBuf, reason: String },
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
        }
    }
}

/// How an account signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// The device authorization flow in the browser.
    Device,
    /// A personal access token or service-account key, exchanged for short-lived tokens.
    Key,
    /// Username and password (self-hosted control planes).
    Password,
}

impl AuthMethod {
    /// The value stored in the cache.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Device => "device",
            Self::Key => "key",
            Self::Password => "password",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "device" => Ok(Self::Device),
            "key" => Ok(Self::Key),
            "password" => Ok(Self::Password),
            other => Err(CacheError::Corrupt(format!("unknown sign-in method {other:?}"))),
        }
    }
}

/// An account: one user on one server. Holds no secret; those are in the keyring under [`Self::id`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountRecord {
    /// [`account_id`] of `base_url` and `user_id`.
    pub id: String,
    pub base_url: String,
    pub user_id: Uuid,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub auth_method: AuthMethod,
    /// The device id from the last device-flow sign-in, reused at the next one.
    pub device_id: Option<Uuid>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// False after signing out without purging: the cached data stays readable.
    pub signed_in: bool,
}

/// The stable id of an account: a UUID v5 of `"<base_url without trailing slash>|<user_id>"`.
pub fn account_id(base_url: &str, user_id: Uuid) -> String {
    let name = format!("{}|{user_id}", base_url.trim_end_matches('/'));
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

/// A value read from the cache, with when it was fetched from the server.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fetched<T> {
    pub value: T,
    pub fetched_at: DateTime<Utc>,
}

/// Everything the cache keeps of one organization, as fetched by one sync.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgSnapshot {
    pub organization: Organization,
    pub workspaces: Vec<Workspace>,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<Invitation>,
    pub roles: Vec<Role>,
    pub teams: Vec<Team>,
    /// How each list's fetch went beyond its rows, by entity name (see [`entity`]); a list missing here
    /// was read fully.
    pub reads: std::collections::BTreeMap<String, ListRead>,
}

/// How one list's fetch went beyond its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ListRead {
    /// The server answered 403: the list is not visible to the caller's role (not the same as empty).
    pub hidden: bool,
    /// What reading it noticed: rows skipped, fields read as absent, unknown fields (names only).
    pub notes: ReadNotes,
}

/// What a member row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    User,
    ServiceAccount,
    Team,
    Invitation,
}

impl MemberKind {
    /// The value stored in the cache.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::ServiceAccount => "service_account",
            Self::Team => "team",
            Self::Invitation => "invitation",
        }
    }
}

/// A filtered, paged read of an organization's members.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberQuery {
    /// Case-insensitive substring of the name, email or username.
    pub search: Option<String>,
    /// Only rows holding this role (by name, case-insensitive; direct or through a team).
    pub role: Option<String>,
    pub kind: Option<MemberKind>,
    pub offset: usize,
    /// At most this many rows; `None` for all.
    pub limit: Option<usize>,
}

/// One page of members, ordered by name, and how many match in all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberPage {
    pub rows: Vec<MemberRow>,
    pub total: usize,
}

/// How the last attempt to fetch an entity went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "error", rename_all = "snake_case")]
pub enum SyncOutcome {
    Ok,
    Error(String),
}

/// The sync state of one entity of an account (and organization).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncStateRecord {
    /// `None` for account-level entities such as the list of organizations.
    pub org_id: Option<Uuid>,
    pub entity: String,
    /// When it was last fetched successfully.
    pub fetched_at: Option<DateTime<Utc>>,
    /// When it was last tried.
    pub attempted_at: DateTime<Utc>,
    pub outcome: SyncOutcome,
    /// How the last successful fetch went beyond its rows.
    pub read: ListRead,
}

/// The entity names [`Cache::record_sync`] and [`Cache::replace_org_snapshot`] use.
pub mod entity {
    /// The account's list of organizations (account-level).
    pub const ORGANIZATIONS: &str = "organizations";
    /// One organization's own record.
    pub const ORGANIZATION: &str = "organization";
    pub const WORKSPACES: &str = "workspaces";
    pub const MEMBERS: &str = "members";
    pub const INVITATIONS: &str = "invitations";
    pub const ROLES: &str = "roles";
    pub const TEAMS: &str = "teams";
    /// The entities one organization snapshot holds.
    pub const OF_ORG: [&str; 6] = [ORGANIZATION, WORKSPACES, MEMBERS, INVITATIONS, ROLES, TEAMS];
}

/// The offline cache: one SQLite connection.
#[derive(Debug)]
pub struct Cache {
    conn: Connection,
    path: Option<PathBuf>,
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
    /// Opens (creating if needed) the cache at `path`, running its migrations. A file this build cannot
    /// use is moved aside and replaced by an empty cache; the notice says so.
    pub fn open(path: &Path) -> Result<(Cache, Option<CacheNotice>)> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| CacheError::Io {
                action: "create the cache directory",
                path: parent.to_path_buf(),
                source,
            })?;
            private(parent, 0o700);
        }
        match Self::try_open(path) {
            Ok(cache) => Ok((cache, None)),
            Err(OpenFailure::Error(e)) => Err(e),
            Err(OpenFailure::Unusable { reason, suffix }) => {
                let moved_to = move_aside(path, suffix)?;
                tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %reason,
                    "moved an unusable offline cache aside and created a new one");
                match Self::try_open(path) {
                    Ok(cache) => Ok((cache, Some(CacheNotice::Rebuilt { moved_to, reason }))),
                    Err(OpenFailure::Error(e)) => Err(e),
                    Err(OpenFailure::Unusable { reason, .. }) => Err(CacheError::Corrupt(reason)),
                }
            }
        }
    }

    /// A private in-memory cache, for tests.
    pub fn open_in_memory() -> Result<Cache> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&conn)?;
        Ok(Cache { conn, path: None })
    }

    /// The file this cache lives in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn try_open(path: &Path) -> Result<Cache, OpenFailure> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let latest = schema::latest_version();
        if version > latest {
            return Err(OpenFailure::Unusable {
                reason: format!(
                    "it was written by a newer version of the app (cache schema {version}; this version \
                     knows up to {latest})"
                ),
                suffix: "newer",
            });
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
        migrate(&conn).map_err(|e| match e {
            CacheError::Corrupt(reason) => OpenFailure::Unusable { reason, suffix: "corrupt" },
            other => OpenFailure::Error(other),
        })?;
        // The cache is the user's alone (SQLite gives its -wal and -shm files the same mode).
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_os_string();
            p.push(suffix);
            private(Path::new(&p), 0o600);
        }
        Ok(Cache { conn, path: Some(path.to_path_buf()) })
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
    /// it must be closed first).
    pub fn rebuild(path: &Path, reason: &str) -> Result<(Cache, CacheNotice)> {
        let moved_to = move_aside(path, "corrupt")?;
        tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %reason,
            "moved a damaged offline cache aside and created a new one");
        match Self::try_open(path) {
            Ok(cache) => Ok((cache, CacheNotice::Rebuilt { moved_to, reason: reason.to_owned() })),
            Err(OpenFailure::Error(e)) => Err(e),
            Err(OpenFailure::Unusable { reason, .. }) => Err(CacheError::Corrupt(reason)),
        }
    }

    /// A write transaction that takes the write lock at once, so it never fails half-way on a lock.
    fn write_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?)
    }

    /// A read transaction: every statement in it sees the same committed state.
    fn read_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)?)
    }

    // ----- settings -----

    /// A setting (for example the per-installation `client_id`).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Stores a setting, replacing its old value.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    // ----- accounts -----

    /// Adds an account or updates every field of an existing one.
    pub fn upsert_account(&self, a: &AccountRecord) -> Result<()> {
        self.conn.execute(
            "INSERT INTO accounts (id, base_url, user_id, user_email, user_name, auth_method, device_id,
                                   token_expires_at, created_at, last_used_at, signed_in)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (id) DO UPDATE SET
                base_url = excluded.base_url, user_id = excluded.user_id, user_email = excluded.user_email,
                user_name = excluded.user_name, auth_method = excluded.auth_method,
                device_id = excluded.device_id, token_expires_at = excluded.token_expires_at,
                created_at = excluded.created_at, last_used_at = excluded.last_used_at,
                signed_in = excluded.signed_in",
            rusqlite::params![
                a.id,
                a.base_url,
                a.user_id.to_string(),
                a.user_email,
                a.user_name,
                a.auth_method.as_str(),
                a.device_id.map(|d| d.to_string()),
                a.token_expires_at.map(ts),
                ts(a.created_at),
                ts(a.last_used_at),
                a.signed_in,
            ],
        )?;
        Ok(())
    }

    /// Every account, most recently used first.
    pub fn accounts(&self) -> Result<Vec<AccountRecord>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("{ACCOUNT_SELECT} ORDER BY last_used_at DESC, id"))?;
        let rows = stmt.query_map([], account_row)?;
        rows.map(|r| r?).collect()
    }

    /// One account.
    pub fn account(&self, id: &str) -> Result<Option<AccountRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!("{ACCOUNT_SELECT} WHERE id = ?1"))?;
        stmt.query_row([id], account_row).optional()?.transpose()
    }

    /// Signs an account out of the cache. With `purge_cache` its row and (by cascade) all its cached
    /// data go; without, the row stays marked signed-out so its cached data stays readable. Deleting an
    /// unknown account is not an error.
    pub fn delete_account(&self, id: &str, purge_cache: bool) -> Result<()> {
        if purge_cache {
            self.conn.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
        } else {
            self.conn.execute("UPDATE accounts SET signed_in = 0 WHERE id = ?1", [id])?;
        }
        Ok(())
    }

    /// Marks an account signed in or out.
    pub fn set_signed_in(&self, id: &str, signed_in: bool) -> Result<()> {
        let n = self
            .conn
            .execute("UPDATE accounts SET signed_in = ?2 WHERE id = ?1", rusqlite::params![id, signed_in])?;
        if n == 0 {
            return Err(CacheError::NotFound(format!("account {id}")));
        }
        Ok(())
    }

    // ----- active organization -----

    /// Makes `org_id` the account's active organization (works offline; the organization need not be
    /// cached yet).
    pub fn set_active_org(&self, account_id: &str, org_id: Uuid) -> Result<()> {
        let tx = self.write_tx()?;
        require_account(&tx, account_id)?;
        tx.execute(
            "INSERT INTO active_org (account_id, org_id) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET org_id = excluded.org_id",
            [account_id, &org_id.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The account's active organization, if one was chosen.
    pub fn active_org(&self, account_id: &str) -> Result<Option<Uuid>> {
        let id: Option<String> = self
            .conn
            .query_row("SELECT org_id FROM active_org WHERE account_id = ?1", [account_id], |r| r.get(0))
            .optional()?;
        id.as_deref().map(uuid).transpose()
    }

    // ----- sync state -----

    /// Records how fetching `entity` went. `org_id` is `None` for account-level entities. A failure keeps
    /// the time of the last success, so reads still say how old their data is.
    pub fn record_sync(
        &self,
        account_id: &str,
        org_id: Option<Uuid>,
        entity: &str,
        at: DateTime<Utc>,
        outcome: std::result::Result<(), &str>,
    ) -> Result<()> {
        let outcome = outcome.map(|()| &NOTHING_TO_NOTE);
        record_sync_in(&self.conn, account_id, org_id, entity, at, outcome)
    }

    /// Records a successful fetch of `entity` with how it went beyond its rows.
    pub fn record_list_read(
        &self,
        account_id: &str,
        org_id: Option<Uuid>,
        entity: &str,
        at: DateTime<Utc>,
        read: &ListRead,
    ) -> Result<()> {
        record_sync_in(&self.conn, account_id, org_id, entity, at, Ok(read))
    }

    /// Every sync state of an account, account-level first, then by organization and entity.
    pub fn sync_states(&self, account_id: &str) -> Result<Vec<SyncStateRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT org_id, entity, fetched_at, attempted_at, outcome, error, hidden, notes FROM sync_state
             WHERE account_id = ?1 ORDER BY org_id, entity",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok((
                (
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ),
                (r.get::<_, bool>(6)?, r.get::<_, Option<String>>(7)?),
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let ((org_id, entity, fetched_at, attempted_at, outcome, error), (hidden, notes)) = row?;
            // Notes that do not parse (written by some other build) are as good as none.
            let notes = notes.and_then(|n| serde_json::from_str::<ReadNotes>(&n).ok()).unwrap_or_default();
            out.push(SyncStateRecord {
                org_id: if org_id.is_empty() { None } else { Some(uuid(&org_id)?) },
                entity,
                fetched_at: fetched_at.as_deref().map(parse_ts).transpose()?,
                attempted_at: parse_ts(&attempted_at)?,
                outcome: if outcome == "ok" {
                    SyncOutcome::Ok
                } else {
                    SyncOutcome::Error(error.unwrap_or_default())
                },
                read: ListRead { hidden, notes },
            });
        }
        Ok(out)
    }
}

const ACCOUNT_SELECT: &str = "SELECT id, base_url, user_id, user_email, user_name, auth_method, device_id,
    token_expires_at, created_at, last_used_at, signed_in FROM accounts";

fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<AccountRecord>> {
    let user_id: String = r.get(2)?;
    let method: String = r.get(5)?;
    let device_id: Option<String> = r.get(6)?;
    let expires: Option<String> = r.get(7)?;
    let created: String = r.get(8)?;
    let used: String = r.get(9)?;
    let (id, base_url, user_email, user_name, signed_in) =
        (r.get(0)?, r.get(1)?, r.get(3)?, r.get(4)?, r.get(10)?);
    Ok((|| {
        Ok(AccountRecord {
            id,
            base_url,
            user_id: uuid(&user_id)?,
            user_email,
            user_name,
            auth_method: AuthMethod::parse(&method)?,
            device_id: device_id.as_deref().map(uuid).transpose()?,
            token_expires_at: expires.as_deref().map(parse_ts).transpose()?,
            created_at: parse_ts(&created)?,
            last_used_at: parse_ts(&used)?,
            signed_in,
        })
    })())
}

/// A list read fully, with nothing to note.
pub(crate) static NOTHING_TO_NOTE: ListRead = ListRead {
    hidden: false,
    notes: ReadNotes {
        skipped: 0,
        skip_reasons: std::collections::BTreeSet::new(),
        mistyped: std::collections::BTreeSet::new(),
        unknown: std::collections::BTreeSet::new(),
    },
};

fn record_sync_in(
    conn: &Connection,
    account_id: &str,
    org_id: Option<Uuid>,
    entity: &str,
    at: DateTime<Utc>,
    outcome: std::result::Result<&ListRead, &str>,
) -> Result<()> {
    let org = org_id.map(|o| o.to_string()).unwrap_or_default();
    let at = ts(at);
    match outcome {
        Ok(read) => {
            let notes = if read.notes.is_empty() { None } else { Some(serde_json::to_string(&read.notes)?) };
            conn.prepare_cached(
                "INSERT INTO sync_state (account_id, org_id, entity, fetched_at, attempted_at, outcome, error,
                                         hidden, notes)
                 VALUES (?1, ?2, ?3, ?4, ?4, 'ok', NULL, ?5, ?6)
                 ON CONFLICT (account_id, org_id, entity) DO UPDATE SET fetched_at = excluded.fetched_at,
                    attempted_at = excluded.attempted_at, outcome = 'ok', error = NULL,
                    hidden = excluded.hidden, notes = excluded.notes",
            )?
            .execute(rusqlite::params![account_id, org, entity, at, read.hidden, notes])?
        }
        Err(error) => conn.execute(
            "INSERT INTO sync_state (account_id, org_id, entity, fetched_at, attempted_at, outcome, error)
             VALUES (?1, ?2, ?3, NULL, ?4, 'error', ?5)
             ON CONFLICT (account_id, org_id, entity) DO UPDATE SET
                attempted_at = excluded.attempted_at, outcome = 'error', error = excluded.error",
            [account_id, &org, entity, &at, error],
        )?,
    };
    Ok(())
}

fn require_account(conn: &Connection, account_id: &str) -> Result<()> {
    let found: Option<i64> =
        conn.query_row("SELECT 1 FROM accounts WHERE id = ?1", [account_id], |r| r.get(0)).optional()?;
    found.map(|_| ()).ok_or_else(|| CacheError::NotFound(format!("account {account_id}")))
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

/// Runs the migrations a connection's file has not had yet, all in one write transaction (which also
/// keeps two processes opening a new cache at once from migrating it twice).
fn migrate(conn: &Connection) -> Result<()> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let latest = schema::latest_version();
    if version > latest {
        return Err(CacheError::Corrupt(format!("cache schema {version} is newer than this version knows")));
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
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
