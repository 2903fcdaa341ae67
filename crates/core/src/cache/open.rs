//! Opening the cache file: read-only or read-write, its quick check, a file of a newer schema read
//! as it is, and a damaged file moved aside and replaced by an empty cache.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension};

use super::{
    is_corruption, journal, journal_path_of, private, schema, Cache, CacheError, CacheNotice, Result,
};

/// The page size of a new cache file, in bytes.
const PAGE_SIZE: i64 = 16384;

/// How long a statement waits for another connection's write lock before failing.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) enum OpenFailure {
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

/// The tables opening checks: the schema itself and the small tables every screen reads first.
const OPEN_CHECKED_TABLES: [&str; 6] =
    ["sqlite_schema", "settings", "accounts", "active_org", "organizations", "sync_state"];

/// `PRAGMA quick_check`, of one table (with its indexes) or of the whole file. `Ok(Err(reason))` when
/// it finds damage. A table this file does not have yet (before its first migration) is skipped.
pub(super) fn integrity(conn: &Connection, table: Option<&str>) -> Result<Result<(), String>, OpenFailure> {
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
pub(super) fn move_aside(path: &Path, suffix: &str) -> Result<PathBuf> {
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
