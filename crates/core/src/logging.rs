//! The log: what the app and `zpro` did, on stderr and in a rotating file in the platform's log
//! directory, so that "what happened?" has an answer after the fact.
//!
//! - Where: `$ZENML_PRO_DESKTOP_LOG_DIR` when set; else `<data dir>/logs` when
//!   `$ZENML_PRO_DESKTOP_DATA_DIR` is set (tests and portable installs keep everything together); else
//!   the platform's place for such files (`~/.local/state/zenmlprodesktop/logs` on Linux,
//!   `~/Library/Logs/ZenML Pro Desktop` on macOS, the local app-data folder on Windows).
//! - One file a day per program (`zenml-pro-desktop.YYYY-MM-DD.log`, `zpro.YYYY-MM-DD.log`), the last
//!   seven kept.
//! - Level: `ZENML_PRO_DESKTOP_LOG_LEVEL` for the file (default `info`), `RUST_LOG` for stderr.
//!
//! Nothing secret can reach it: tokens, keys and passwords are types that print `<redacted>`, and the
//! client logs routes and counts, never bodies (a test signs in, syncs and checks the file).

use std::path::PathBuf;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Moves the log directory.
pub const LOG_DIR_ENV: &str = "ZENML_PRO_DESKTOP_LOG_DIR";
/// The file log's level (an `EnvFilter` directive; default `info`).
pub const LOG_LEVEL_ENV: &str = "ZENML_PRO_DESKTOP_LOG_LEVEL";
/// Days of log files kept.
const KEEP_FILES: usize = 7;

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
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // The log is the user's alone: the folder 0700 and the files already there 0600 (Unix).
    crate::cache::private(&dir, 0o700);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            crate::cache::private(&entry.path(), 0o600);
        }
    }
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&dir)
        .map_err(|e| format!("cannot write logs in {}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    Ok((writer, guard, dir))
}
