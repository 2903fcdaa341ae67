//! Exports from the window: what to export and where, and what was written.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

/// What to export, in what format, from which organizations.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(default)]
pub struct ExportChoiceView {
    /// `members`, `invitations`, `people` or `access-review`.
    pub kind: String,
    /// `csv` or `json`.
    pub format: String,
    /// Every cached organization of every signed-in account; false: one organization.
    pub all_orgs: bool,
    /// The organization (id or name) of the active account; null: the active one.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub org: Option<String>,
    /// For the access review: its stale days and group.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub stale_days: Option<u32>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub group: Option<Vec<String>>,
}

/// Where an export goes by default.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ExportPathView {
    /// The Downloads folder (else the home folder, else the working folder) joined with the name.
    pub path: String,
    /// Like `acme-ml-members-2026-12-03.csv`.
    pub file_name: String,
    /// A file is there already (saving replaces it only when confirmed).
    pub exists: bool,
}

/// What a save wrote.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ExportSavedView {
    pub path: String,
    /// The rows of the export (a CSV file's records after its header; the same count for JSON).
    pub rows: u32,
    pub bytes: u32,
    /// A file that was there was replaced.
    pub replaced: bool,
}
