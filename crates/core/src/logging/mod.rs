//! The log: what the app and `zpro` did, on stderr and in a rotating file in the platform's log
//! directory, so that "what happened?" has an answer after the fact.
//!
//! - Where: `$ZENML_PRO_DESKTOP_LOG_DIR` when set; else `<data dir>/logs` when
//!   `$ZENML_PRO_DESKTOP_DATA_DIR` is set (tests and portable installs keep everything together); else
//!   the platform's place for such files (`~/.local/state/zenmlprodesktop/logs` on Linux,
//!   `~/Library/Logs/ZenML Pro Desktop` on macOS, the local app-data folder on Windows).
//! - One file a day per program (`zenml-pro-desktop.YYYY-MM-DD.log`, `zpro.YYYY-MM-DD.log`, by the UTC
//!   date), and a new one the same day when today's passes [`MAX_FILE_BYTES`]
//!   (`zpro.YYYY-MM-DD.1.log`, `.2.log`, ...); the last [`KEEP_FILES`] files of a program kept.
//! - Level: `ZENML_PRO_DESKTOP_LOG_LEVEL` for the file (default `info`), `RUST_LOG` for stderr.
//! - The user's alone, without touching what is not the log's: a folder it creates is made 0700 (an
//!   existing folder is left as it is), its files are created 0600, and a file of the program's that
//!   is more open than that is tightened through a handle opened without following a symbolic link
//!   (Unix). A symbolic link where a log file would be is never opened, written or changed.
//!
//! Nothing secret can reach it: tokens, keys and passwords are types that print `<redacted>`, and the
//! client logs routes and counts, never bodies (a test signs in, syncs and checks the file). A server's
//! error text is capped at 1 KiB where it is read (`zenml_cloud_api::cap_detail`).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Moves the log directory.
pub const LOG_DIR_ENV: &str = "ZENML_PRO_DESKTOP_LOG_DIR";
/// The file log's level (an `EnvFilter` directive; default `info`).
pub const LOG_LEVEL_ENV: &str = "ZENML_PRO_DESKTOP_LOG_LEVEL";
/// Files of a program kept (at most [`KEEP_FILES`] × [`MAX_FILE_BYTES`] on disk).
pub const KEEP_FILES: usize = 10;
/// A file grows to about this size (10 MiB) before the next line goes to a new one.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// A log file's mode (Unix).
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;
/// A log folder's mode when the log creates it (Unix).
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;

/// The directory the log files go to (see the module's doc).
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(LOG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os(crate::paths::DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("logs"));
    }
    let dirs = directories::ProjectDirs::from("io", "zenml", "ZenML Pro Desktop")?;
    if cfg!(target_os = "macos") {
        let home = directories::BaseDirs::new()?;
        return Some(home.home_dir().join("Library/Logs/ZenML Pro Desktop"));
    }
    Some(dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir()).join("logs"))
}

/// Keeps the file log writing; drop it last (at exit), so the last lines are flushed.
pub struct LogGuard {
    _file: Option<tracing_appender::non_blocking::WorkerGuard>,
    /// Where the file log is, when there is one.
    pub dir: Option<PathBuf>,
}

/// Sets up logging for `program`: stderr at `RUST_LOG` (else `stderr_default`), and the rotating file.
/// A log directory that cannot be created leaves only stderr, with a warning there: logging never
/// stops the program. Call once, first thing.
pub fn init(program: &str, stderr_default: &str) -> LogGuard {
    let stderr_filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(stderr_default));
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(stderr_filter);
    let (file, guard, dir, problem) = match open_file(program) {
        Ok((writer, guard, dir)) => {
            let level = std::env::var(LOG_LEVEL_ENV).ok().filter(|l| !l.trim().is_empty());
            let filter =
                level.and_then(|l| EnvFilter::try_new(l).ok()).unwrap_or_else(|| EnvFilter::new("info"));
            let layer =
                tracing_subscriber::fmt::layer().with_ansi(false).with_writer(writer).with_filter(filter);
            (Some(layer), Some(guard), Some(dir), None)
        }
        Err(e) => (None, None, None, Some(e)),
    };
    let _ = tracing_subscriber::registry().with(stderr).with(file).try_init();
    if let Some(e) = problem {
        tracing::warn!(error = %e, "no log file: logging to stderr only");
    }
    LogGuard { _file: guard, dir }
}

fn open_file(
    program: &str,
) -> Result<
    (tracing_appender::non_blocking::NonBlocking, tracing_appender::non_blocking::WorkerGuard, PathBuf),
    String,
> {
    let dir = log_dir().ok_or("no place for a log directory (no home directory)")?;
    create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut log = RollingLog::new(&dir, program, MAX_FILE_BYTES, KEEP_FILES);
    log.tighten_older();
    // Opened now, so that a folder it cannot write in says so here rather than losing every line.
    log.roll(Utc::now().date_naive()).map_err(|e| format!("cannot write logs in {}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(log);
    Ok((writer, guard, dir))
}

/// Creates the log folder (and any missing parent) 0700 on Unix; an existing one is left as it is.
fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

/// Opens `path` to append to, creating it 0600: never through a symbolic link (Unix: `O_NOFOLLOW`;
/// a link there is an error), and only when it is a regular file. A file of ours that is more open
/// than 0600 is tightened through the handle.
fn open_append(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // No blocking on a FIFO planted under the name either.
        options.mode(FILE_MODE).custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io::Error::other("a symbolic link, not a log file"));
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    tighten(&file, &meta);
    Ok(file)
}

/// Makes an open file of the log's 0600 when it is more open (Unix; through the handle, so nothing a
/// link points to). Failing to is not an error: the line still gets written.
fn tighten(file: &File, meta: &std::fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            let _ = file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE));
        }
    }
    #[cfg(not(unix))]
    let _ = (file, meta);
}

/// The log file of one program: a file a day, and a new one when the current one passes its size
/// limit, the oldest removed past a number of files. A writer for [`tracing_appender::non_blocking`].
pub struct RollingLog {
    dir: PathBuf,
    program: String,
    max_bytes: u64,
    keep: usize,
    current: Option<Current>,
}

struct Current {
    date: NaiveDate,
    part: u32,
    file: File,
    size: u64,
}

/// How many names in a row are tried when the ones there cannot be written (a link, a folder).
const OPEN_TRIES: u32 = 16;

impl RollingLog {
    /// A log of `program` in `dir` (which must exist): files up to about `max_bytes`, the last `keep`
    /// of them kept. Nothing is opened until the first line.
    pub fn new(dir: &Path, program: &str, max_bytes: u64, keep: usize) -> Self {
        Self { dir: dir.to_owned(), program: program.to_owned(), max_bytes, keep: keep.max(1), current: None }
    }

    fn file_name(&self, date: NaiveDate, part: u32) -> String {
        let date = date.format("%Y-%m-%d");
        if part == 0 {
            format!("{}.{date}.log", self.program)
        } else {
            format!("{}.{date}.{part}.log", self.program)
        }
    }

    /// The date and part of one of this program's file names.
    fn parse_name(&self, name: &str) -> Option<(NaiveDate, u32)> {
        let rest = name.strip_prefix(&self.program)?.strip_prefix('.')?.strip_suffix(".log")?;
        let (date, part) = match rest.split_once('.') {
            Some((date, part)) if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) => {
                (date, part.parse().ok()?)
            }
            Some(_) => return None,
            None => (rest, 0),
        };
        Some((NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?, part))
    }

    /// This program's files in the folder that are regular files (not links), oldest first.
    fn files(&self) -> Vec<(NaiveDate, u32, PathBuf)> {
        let mut out: Vec<(NaiveDate, u32, PathBuf)> = std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| {
                let (date, part) = self.parse_name(e.file_name().to_str()?)?;
                Some((date, part, e.path()))
            })
            .collect();
        out.sort();
        out
    }

    /// Tightens this program's files already there (see the module's docs): each opened without
    /// following a link and changed through its handle. Other files and folders are left alone.
    pub fn tighten_older(&self) {
        #[cfg(unix)]
        for (_, _, path) in self.files() {
            use std::os::unix::fs::OpenOptionsExt;
            let opened = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(&path);
            if let Ok(file) = opened {
                if let Some(meta) = file.metadata().ok().filter(|m| m.is_file()) {
                    tighten(&file, &meta);
                }
            }
        }
    }

    /// Moves to the next file: today's newest one when the date changed (or nothing is open), else
    /// the next part of today's. Then removes the oldest files past the number kept.
    pub fn roll(&mut self, today: NaiveDate) -> io::Result<()> {
        let mut part = match &self.current {
            Some(c) if c.date == today => c.part.saturating_add(1),
            _ => self.files().iter().filter(|(d, _, _)| *d == today).map(|(_, p, _)| *p).max().unwrap_or(0),
        };
        self.current = None;
        let mut last = io::Error::other("no file name left to write to");
        for _ in 0..OPEN_TRIES {
            match open_append(&self.dir.join(self.file_name(today, part))) {
                Ok(file) => {
                    let size = file.metadata()?.len();
                    if size < self.max_bytes {
                        self.current = Some(Current { date: today, part, file, size });
                        self.prune();
                        return Ok(());
                    }
                }
                Err(e) => last = e,
            }
            part = part.saturating_add(1);
        }
        Err(last)
    }

    fn prune(&self) {
        let files = self.files();
        let extra = files.len().saturating_sub(self.keep);
        let current = self.current.as_ref().map(|c| (c.date, c.part));
        for (date, part, path) in files.into_iter().take(extra) {
            if Some((date, part)) != current {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Writes `buf` as of `today`: to a new file when the date changed or it would take the current
    /// one past its limit (a file holds at least one write, however long).
    pub fn write_on(&mut self, today: NaiveDate, buf: &[u8]) -> io::Result<usize> {
        let len = u64::try_from(buf.len()).unwrap_or(u64::MAX);
        let roll = match &self.current {
            None => true,
            Some(c) => c.date != today || (c.size > 0 && c.size.saturating_add(len) > self.max_bytes),
        };
        if roll {
            self.roll(today)?;
        }
        let Some(c) = self.current.as_mut() else { return Err(io::Error::other("no log file open")) };
        c.file.write_all(buf)?;
        c.size = c.size.saturating_add(len);
        Ok(buf.len())
    }
}

impl Write for RollingLog {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_on(Utc::now().date_naive(), buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.current.as_mut() {
            Some(c) => c.file.flush(),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
