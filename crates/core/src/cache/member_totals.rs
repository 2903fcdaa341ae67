//! How many members match a query, remembered while the database is unchanged: counting a 20,000-member
//! organization reads every one of its index entries, and every page of the members list (each switch
//! to the organization, each Next) asks for the same total again.
//!
//! A remembered total is good until anything is written to the database: by this connection (its
//! `total_changes` moves with every row a statement changes) or by any other, in this process or
//! another (`PRAGMA data_version` moves when another connection commits). Either way every remembered
//! total is forgotten at the next read. The one exception is a write this connection declares cannot
//! touch a member row ([`MemberTotals::not_members`]): choosing the active organization, which every
//! switch writes just before the new organization's members are read.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use rusqlite::Connection;

use super::Result;

/// What a total depends on: the organization's key and the query's filters as the SQL gets them.
pub(super) type TotalKey = (i64, Option<String>, Option<&'static str>, Option<String>);

/// At most this many totals are kept (each distinct search is one); beyond it they are all forgotten.
const MAX_TOTALS: usize = 64;

#[derive(Debug, Default)]
pub(super) struct MemberTotals {
    memo: RefCell<Memo>,
    /// Rows this connection changed that are not member rows (left out of the stamp).
    unrelated: Cell<u64>,
}

#[derive(Debug, Default)]
struct Memo {
    /// The database's state when the totals were counted: `(data_version, total_changes)`.
    stamp: Option<(i64, u64)>,
    totals: HashMap<TotalKey, usize>,
}

impl MemberTotals {
    /// The state of the database as this connection sees it: moves with any write by anyone, but
    /// those declared [`Self::not_members`].
    fn stamp(&self, conn: &Connection) -> Result<(i64, u64)> {
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok((version, conn.total_changes().wrapping_sub(self.unrelated.get())))
    }

    /// The statement this connection ran last changed no member row (call right after it, before any
    /// other statement).
    pub(super) fn not_members(&self, conn: &Connection) {
        self.unrelated.set(self.unrelated.get().wrapping_add(conn.changes()));
    }

    /// The total for `key`: remembered if nothing was written since it was counted, else `count()`d
    /// (inside the caller's read transaction, so stamp and count see the same state).
    pub(super) fn get_or_count(
        &self,
        conn: &Connection,
        key: TotalKey,
        count: impl FnOnce() -> Result<usize>,
    ) -> Result<usize> {
        let now = self.stamp(conn)?;
        {
            let mut memo = self.memo.borrow_mut();
            if memo.stamp != Some(now) {
                memo.totals.clear();
                memo.stamp = Some(now);
            }
            if let Some(total) = memo.totals.get(&key) {
                return Ok(*total);
            }
        }
        let total = count()?;
        let mut memo = self.memo.borrow_mut();
        if memo.totals.len() >= MAX_TOTALS {
            memo.totals.clear();
        }
        memo.totals.insert(key, total);
        Ok(total)
    }
}
