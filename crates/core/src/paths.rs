//! Where the app keeps its data on disk.
//!
//! Everything lives under one data directory: `$ZENML_PRO_DESKTOP_DATA_DIR` when it is set (tests and
//! portable installs), else the platform's app-data directory (for example
//! `~/.local/share/zenmlprodesktop` on Linux, `~/Library/Application Support/io.zenml.ZenML-Pro-Desktop`
//! on macOS, `%APPDATA%\zenml\ZenML Pro Desktop\data` on Windows).

use std::path::{Path, PathBuf};

/// The environment variable that moves the data directory.
pub const DATA_DIR_ENV: &str = "ZENML_PRO_DESKTOP_DATA_DIR";

/// The cache file's name inside the data directory.
pub const CACHE_FILE: &str = "cache.sqlite3";

/// The activity journal's file name, beside the cache (see `cache/journal.rs`).
pub const JOURNAL_FILE: &str = "journal.sqlite3";

/// Why the data directory could not be found.
#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    /// No home directory, so no platform app-data directory.
    #[error("cannot find the app data directory (no home directory); set {DATA_DIR_ENV} to choose one")]
    NoDataDir,
}

/// The data directory: `$ZENML_PRO_DESKTOP_DATA_DIR` if set and not empty, else the platform's.
pub fn data_dir() -> Result<PathBuf, PathsError> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("io", "zenml", "ZenML Pro Desktop")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or(PathsError::NoDataDir)
}

/// The SQLite cache inside a data directory: `<data_dir>/cache.sqlite3`.
pub fn cache_path(data_dir: &Path) -> PathBuf {
    data_dir.join(CACHE_FILE)
}

/// The activity journal inside a data directory: `<data_dir>/journal.sqlite3`. It outlives the cache.
pub fn journal_path(data_dir: &Path) -> PathBuf {
    data_dir.join(JOURNAL_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cache file sits directly in the data directory.
    #[test]
    fn cache_path_is_inside_the_data_dir() {
        assert_eq!(cache_path(Path::new("/d")), PathBuf::from("/d/cache.sqlite3"));
    }

    /// Without the variable the platform directory is used (it exists wherever there is a home).
    #[test]
    fn data_dir_resolves() {
        if std::env::var_os(DATA_DIR_ENV).is_none() {
            let dir = data_dir().unwrap();
            assert!(dir.is_absolute(), "{dir:?}");
        }
    }
}
