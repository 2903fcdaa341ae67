//! Exports from the window: what to export, and what was written where (the file is chosen in the
//! desktop's native save dialog, opened from Rust: the window never sends a path).

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

/// How a save ended: what was written, or nothing when the save dialog was cancelled.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ExportOutcomeView {
    /// Null: the save dialog was cancelled and nothing was written.
    pub saved: Option<ExportSavedView>,
}
