//! How fresh a cached list is, and a list of records with it: the answer of every list read.

use serde::Serialize;

use crate::error::ErrorCode;
use crate::reads::Cached;

/// When a list was fetched, whether it is stale and why, and what the server kept from it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Freshness {
    /// When it was fetched from the server (RFC 3339); null when nothing was fetched yet.
    pub fetched_at: Option<String>,
    /// Older than 15 minutes, or its last refresh failed.
    pub stale: bool,
    /// Why the last refresh failed, if it did.
    pub last_error: Option<String>,
    /// What kind of failure `last_error` was (`offline` when the server could not be reached).
    pub error_code: Option<ErrorCode>,
    /// The server refused the list to the user's role: not visible, which is not the same as empty.
    pub hidden: bool,
    /// Rows the last sync could not read and left out.
    pub skipped: u32,
}

impl Freshness {
    /// The freshness of a cached value.
    pub fn of<T>(c: &Cached<T>) -> Self {
        Self {
            fetched_at: Some(super::time(c.fetched_at)),
            stale: c.stale,
            last_error: c.last_error.clone(),
            error_code: c.last_error_code,
            hidden: c.hidden,
            skipped: u32::try_from(c.skipped).unwrap_or(u32::MAX),
        }
    }
}

/// Records and how fresh they are.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct List<T> {
    pub items: Vec<T>,
    pub freshness: Freshness,
}

impl<T> List<T> {
    /// A cached list's rows projected into records (rows a record cannot stand for are left out).
    pub fn from_cached<W>(c: &Cached<Vec<W>>, record: impl FnMut(&W) -> Option<T>) -> Self {
        Self { items: c.value.iter().filter_map(record).collect(), freshness: Freshness::of(c) }
    }
}
