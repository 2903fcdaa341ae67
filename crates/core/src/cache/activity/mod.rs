//! The `activity` table of the journal (`journal.sqlite3`, a file of its own beside the cache: see
//! `journal`): the local log of every change this app made on a server, with what each one
//! replaced and whether it was undone. It holds no secret: who (an account's id and email or name),
//! where (an organization's id and name), what, the target (an id and an email or name), the result
//! (the error's code and plain message) and what was there before (role, name and team ids and names).
//!
//! Entries are appended and never rewritten, except to mark one undone (once: the first undo wins) and
//! to claim one for an undo in progress ([`Cache::claim_undo`]: one claimant at a time, enforced by
//! the database, so two processes undoing one entry cannot both proceed). Old entries are pruned (see
//! `journal`).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::Serialize;

pub use super::activity_types::{ActivityKind, PriorRole, PriorTeam, Replaced};
use super::journal::{in_journal, UNDO_CLAIM_TTL};
use super::{parse_ts, ts, Cache, CacheError, Result};

/// An entry to append.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NewActivity {
    pub account_id: String,
    pub account_label: String,
    pub org_id: String,
    pub org_name: String,
    pub kind: Option<ActivityKind>,
    pub target_id: Option<String>,
    pub target_label: String,
    /// What it set, in words (the new role's name, the new name, the workspace role granted…).
    pub detail: Option<String>,
    pub replaced: Replaced,
    /// `None`: it succeeded; else the error's code and message.
    pub error: Option<(String, String)>,
    /// The entry this one undoes.
    pub undo_of: Option<i64>,
}

/// One logged change. Its serde names are the stable fields of `zpro log --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivityEntry {
    /// What `zpro undo` and the window's Undo name it by.
    pub id: i64,
    /// When the change was made (UTC).
    pub at: DateTime<Utc>,
    pub account_id: String,
    /// The account's email (else name, else server), as it was then.
    pub account: String,
    pub org_id: String,
    /// The organization's name, as it was then.
    pub org: String,
    pub kind: ActivityKind,
    /// The user's, invitation's, team's, workspace's or organization's id, when known.
    pub target_id: Option<String>,
    /// An email, or a team's, workspace's or organization's name.
    pub target: String,
    /// What it set, in words (a role's name, a new name, "ROLE on WORKSPACE", "team NAME").
    pub detail: Option<String>,
    pub ok: bool,
    /// The failure's [`crate::ErrorCode`] wire name.
    pub error_code: Option<String>,
    /// The failure's message.
    pub error: Option<String>,
    /// What it replaced: what an undo puts back.
    pub replaced: Replaced,
    /// Whether undo can reverse it now (a reversible kind that succeeded and is not undone yet).
    pub undoable: bool,
    pub undo_of: Option<i64>,
    pub undone_at: Option<DateTime<Utc>>,
    pub undone_by: Option<i64>,
}

/// Which entries to read, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    /// Only this account (its id).
    pub account_id: Option<String>,
    /// Only this organization: its id or name (case-insensitive), as logged.
    pub org: Option<String>,
    pub kind: Option<ActivityKind>,
    /// `Some(true)`: only failures; `Some(false)`: only successes.
    pub failed: Option<bool>,
    /// Only entries whose target (email, name or id) contains this (case-insensitive).
    pub search: Option<String>,
    pub offset: usize,
    pub limit: Option<usize>,
}

/// A page of entries and how many match in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub total: usize,
}

const COLUMNS: &str = "id, at, account_id, account_label, org_id, org_name, kind, target_id, target_label,
    detail, replaced, ok, error_code, error_message, undo_of, undone_at, undone_by";

/// A row as read, before its times, kind and `replaced` are parsed.
struct RawRow {
    entry: ActivityEntry,
    at: String,
    kind: String,
    replaced: Option<String>,
    undone_at: Option<String>,
}

fn entry(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    let entry = ActivityEntry {
        id: r.get(0)?,
        at: DateTime::<Utc>::UNIX_EPOCH,
        account_id: r.get(2)?,
        account: r.get(3)?,
        org_id: r.get(4)?,
        org: r.get(5)?,
        kind: ActivityKind::Invite,
        target_id: r.get(7)?,
        target: r.get(8)?,
        detail: r.get(9)?,
        ok: r.get(11)?,
        error_code: r.get(12)?,
        error: r.get(13)?,
        replaced: Replaced::default(),
        undoable: false,
        undo_of: r.get(14)?,
        undone_at: None,
        undone_by: r.get(16)?,
    };
    Ok(RawRow { entry, at: r.get(1)?, kind: r.get(6)?, replaced: r.get(10)?, undone_at: r.get(15)? })
}

/// Finishes a row: its times, kind and `replaced` read in Rust. A row of a kind this build does not
/// know (written by a newer one) is `None`, skipped rather than failing its list.
fn finish(row: RawRow) -> Result<Option<ActivityEntry>> {
    let mut e = row.entry;
    let Some(kind) = ActivityKind::parse(&row.kind) else { return Ok(None) };
    e.kind = kind;
    e.at = parse_ts(&row.at)?;
    // A `replaced` this build cannot read is read as nothing replaced.
    e.replaced = row.replaced.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
    e.undone_at = row.undone_at.as_deref().map(parse_ts).transpose()?;
    // A removal that found the member already gone changed nothing: there is nothing to put back.
    let changed_nothing = e.kind == ActivityKind::MemberRemoval && e.replaced.roles.is_empty();
    e.undoable = e.ok && e.kind.reversible() && e.undone_by.is_none() && !changed_nothing;
    Ok(Some(e))
}

impl Cache {
    /// Appends an entry; returns its id.
    pub fn record_activity(&self, a: &NewActivity, at: DateTime<Utc>) -> Result<i64> {
        in_journal(self.record_activity_inner(a, at))
    }

    fn record_activity_inner(&self, a: &NewActivity, at: DateTime<Utc>) -> Result<i64> {
        let kind = a.kind.ok_or_else(|| CacheError::Corrupt("an activity entry without a kind".into()))?;
        let replaced = if a.replaced.is_empty() { None } else { Some(serde_json::to_string(&a.replaced)?) };
        let (code, message) = match &a.error {
            Some((c, m)) => (Some(c.as_str()), Some(m.as_str())),
            None => (None, None),
        };
        let search = format!(
            "{}\n{}",
            a.target_label.to_lowercase(),
            a.target_id.as_deref().unwrap_or_default().to_lowercase()
        );
        let conn = &self.journal.conn;
        conn.execute(
            "INSERT INTO activity (at, account_id, account_label, org_id, org_name, org_name_lc, kind,
                 target_id, target_label, target_lc, detail, replaced, ok, error_code, error_message, undo_of)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                ts(at),
                a.account_id,
                a.account_label,
                a.org_id,
                a.org_name,
                a.org_name.to_lowercase(),
                kind.as_str(),
                a.target_id,
                a.target_label,
                search,
                a.detail,
                replaced,
                a.error.is_none(),
                code,
                message,
                a.undo_of,
            ],
        )?;
        let id = conn.last_insert_rowid();
        // Kept bounded: what is older than the retention goes (an indexed delete, usually of nothing).
        if let Err(e) = self.journal.prune(Utc::now()) {
            tracing::warn!(error = %e, "could not prune the activity journal");
        }
        Ok(id)
    }

    /// One entry by id.
    pub fn activity_entry(&self, id: i64) -> Result<Option<ActivityEntry>> {
        in_journal((|| {
            let row = self
                .journal
                .conn
                .query_row(&format!("SELECT {COLUMNS} FROM activity WHERE id = ?1"), [id], entry)
                .optional()?;
            match row {
                Some(row) => finish(row),
                None => Ok(None),
            }
        })())
    }

    /// The entries a query matches, newest first, with how many match in all.
    pub fn activity(&self, q: &ActivityQuery) -> Result<ActivityPage> {
        in_journal(self.activity_inner(q))
    }

    fn activity_inner(&self, q: &ActivityQuery) -> Result<ActivityPage> {
        let mut clauses: Vec<&str> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(a) = &q.account_id {
            clauses.push("account_id = ?");
            args.push(a.clone().into());
        }
        if let Some(o) = q.org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            clauses.push("(org_id = ? OR org_name_lc = ?)");
            args.push(o.to_owned().into());
            args.push(o.to_lowercase().into());
        }
        if let Some(k) = q.kind {
            clauses.push("kind = ?");
            args.push(k.as_str().to_owned().into());
        }
        match q.failed {
            Some(true) => clauses.push("ok = 0"),
            Some(false) => clauses.push("ok = 1"),
            None => {}
        }
        if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            clauses.push("instr(target_lc, ?) > 0");
            args.push(s.to_lowercase().into());
        }
        let filter =
            if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        // One read transaction: the count and the page see the same entries.
        let tx = Transaction::new_unchecked(&self.journal.conn, TransactionBehavior::Deferred)?;
        let total: i64 = tx.query_row(
            &format!("SELECT count(*) FROM activity {filter}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let limit = q.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
        let mut page_args = args.clone();
        page_args.push(limit.into());
        page_args.push(i64::try_from(q.offset).unwrap_or(i64::MAX).into());
        let mut stmt = tx
            .prepare(&format!("SELECT {COLUMNS} FROM activity {filter} ORDER BY id DESC LIMIT ? OFFSET ?"))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(page_args.iter()), entry)?;
        let mut entries = Vec::new();
        for row in rows {
            if let Some(e) = finish(row?)? {
                entries.push(e);
            }
        }
        Ok(ActivityPage { entries, total: total as usize })
    }

    /// Marks an entry undone by the newest successful entry that undoes it, and clears its undo
    /// claim. `false` when it was undone already, or when no successful entry undoes it.
    pub fn mark_undone(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
        let changed = in_journal(
            self.journal
                .conn
                .execute(
                    "UPDATE activity SET undone_at = ?2, claimed_by = NULL, claimed_at = NULL,
                 undone_by = (SELECT max(id) FROM activity WHERE undo_of = ?1 AND ok = 1)
             WHERE id = ?1 AND undone_by IS NULL
               AND EXISTS (SELECT 1 FROM activity WHERE undo_of = ?1 AND ok = 1)",
                    params![id, ts(at)],
                )
                .map_err(CacheError::from),
        )?;
        Ok(changed == 1)
    }

    /// Claims an entry for an undo by `claimant` (one id per process or attempt). `true` only for the
    /// one claimant that wins: the entry exists, is not undone, and is unclaimed or its claim is older
    /// than [`UNDO_CLAIM_TTL`] (its claimant is taken to have died). One UPDATE, so of two processes
    /// claiming at once exactly one wins. Release it with [`Cache::release_undo`] when the undo fails;
    /// [`Cache::mark_undone`] clears it when it succeeds.
    pub fn claim_undo(&self, entry_id: i64, claimant: &str, now: DateTime<Utc>) -> Result<bool> {
        let changed = in_journal(
            self.journal
                .conn
                .execute(
                    "UPDATE activity SET claimed_by = ?2, claimed_at = ?3
             WHERE id = ?1 AND undone_by IS NULL AND (claimed_by IS NULL OR claimed_at < ?4)",
                    params![entry_id, claimant, ts(now), ts(now - UNDO_CLAIM_TTL)],
                )
                .map_err(CacheError::from),
        )?;
        Ok(changed == 1)
    }

    /// Gives up `claimant`'s claim on an entry (nothing when the claim is no longer theirs).
    pub fn release_undo(&self, entry_id: i64, claimant: &str) -> Result<()> {
        in_journal(self.journal.conn.execute(
            "UPDATE activity SET claimed_by = NULL, claimed_at = NULL WHERE id = ?1 AND claimed_by = ?2",
            params![entry_id, claimant],
        ).map_err(CacheError::from))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
