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
mod tests {
    use super::*;

    fn change(kind: ActivityKind, org: &str, target: &str, error: Option<(&str, &str)>) -> NewActivity {
        NewActivity {
            account_id: "acc".into(),
            account_label: "admin@acme-ml.example".into(),
            org_id: format!("id-{org}"),
            org_name: org.into(),
            kind: Some(kind),
            target_id: Some(format!("id-{target}")),
            target_label: target.into(),
            detail: Some("Organization Viewer".into()),
            replaced: Replaced {
                roles: vec![PriorRole {
                    id: "r1".into(),
                    name: Some("Organization Member".into()),
                    ..Default::default()
                }],
                ..Default::default()
            },
            error: error.map(|(c, m)| (c.to_owned(), m.to_owned())),
            undo_of: None,
        }
    }

    /// Entries read back newest first with every field; each filter narrows them; paging counts all.
    #[test]
    fn entries_are_filtered_and_paged_newest_first() {
        let cache = Cache::open_in_memory().unwrap();
        let t0 = Utc::now();
        let a = cache
            .record_activity(&change(ActivityKind::RoleChange, "acme-ml", "Ana@x.example", None), t0)
            .unwrap();
        let b = cache
            .record_activity(
                &change(ActivityKind::Revoke, "Orbit-Labs", "li@x.example", Some(("forbidden", "refused"))),
                t0 + chrono::Duration::seconds(1),
            )
            .unwrap();
        let c = cache
            .record_activity(
                &change(ActivityKind::OrgRename, "acme-ml", "acme-ml", None),
                t0 + chrono::Duration::seconds(2),
            )
            .unwrap();
        let all = cache.activity(&ActivityQuery::default()).unwrap();
        assert_eq!(all.entries.iter().map(|e| e.id).collect::<Vec<_>>(), [c, b, a]);
        assert_eq!(all.total, 3);
        let first = &all.entries[2];
        assert_eq!(first.kind, ActivityKind::RoleChange);
        assert_eq!(first.target, "Ana@x.example");
        assert_eq!(first.replaced.roles[0].name.as_deref(), Some("Organization Member"));
        assert!(first.ok && first.undoable && first.undone_by.is_none());
        assert_eq!((first.at - t0).num_milliseconds(), 0);
        let failed = &all.entries[1];
        assert!(!failed.ok && !failed.undoable);
        assert_eq!(
            (failed.error_code.as_deref(), failed.error.as_deref()),
            (Some("forbidden"), Some("refused"))
        );

        let q = |f: fn(&mut ActivityQuery)| {
            let mut q = ActivityQuery::default();
            f(&mut q);
            cache.activity(&q).unwrap().entries.iter().map(|e| e.id).collect::<Vec<_>>()
        };
        assert_eq!(q(|q| q.failed = Some(true)), [b]);
        assert_eq!(q(|q| q.failed = Some(false)), [c, a]);
        assert_eq!(q(|q| q.kind = Some(ActivityKind::OrgRename)), [c]);
        assert_eq!(q(|q| q.org = Some("orbit-labs".into())), [b]);
        assert_eq!(q(|q| q.org = Some("id-acme-ml".into())), [c, a]);
        assert_eq!(q(|q| q.search = Some("ANA@".into())), [a]);
        assert_eq!(q(|q| q.account_id = Some("other".into())), Vec::<i64>::new());
        let page =
            cache.activity(&ActivityQuery { offset: 1, limit: Some(1), ..Default::default() }).unwrap();
        assert_eq!((page.entries.iter().map(|e| e.id).collect::<Vec<_>>(), page.total), (vec![b], 3));
    }

    /// An entry is marked undone once, by the successful entry that undoes it; not without one.
    #[test]
    fn an_entry_is_undone_once() {
        let cache = Cache::open_in_memory().unwrap();
        let now = Utc::now();
        let a = cache.record_activity(&change(ActivityKind::RoleChange, "o", "t", None), now).unwrap();
        assert!(!cache.mark_undone(a, now).unwrap(), "nothing undid it yet");
        let mut failed = change(ActivityKind::RoleChange, "o", "t", Some(("server", "boom")));
        failed.undo_of = Some(a);
        cache.record_activity(&failed, now).unwrap();
        assert!(!cache.mark_undone(a, now).unwrap(), "a failed undo undoes nothing");
        let mut undo = change(ActivityKind::RoleChange, "o", "t", None);
        undo.undo_of = Some(a);
        let u = cache.record_activity(&undo, now).unwrap();
        assert!(cache.mark_undone(a, now).unwrap());
        assert!(!cache.mark_undone(a, now).unwrap(), "only once");
        let e = cache.activity_entry(a).unwrap().unwrap();
        assert_eq!(e.undone_by, Some(u));
        assert!(e.undone_at.is_some() && !e.undoable);
        assert_eq!(cache.activity_entry(u).unwrap().unwrap().undo_of, Some(a));
        assert!(cache.activity_entry(9999).unwrap().is_none());
    }

    /// Two connections to one journal file race for one entry's undo claim: exactly one wins, every
    /// time. The loser wins after a release, or once the claim is older than its time to live; an
    /// entry marked undone is claimed by no one, and marking it clears the claim.
    #[test]
    fn two_processes_racing_for_one_undo_claim_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = crate::paths::cache_path(dir.path());
        let (first, _) = Cache::open(&path).unwrap();
        let (second, _) = Cache::open(&path).unwrap();
        let now = Utc::now();
        let ids: Vec<i64> = (0..20)
            .map(|i| {
                first
                    .record_activity(&change(ActivityKind::RoleChange, "o", &format!("t{i}"), None), now)
                    .unwrap()
            })
            .collect();
        // Each connection on a thread of its own (a `Cache` is not `Sync`), meeting at a barrier before
        // every claim.
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let racer = |cache: Cache, me: &'static str| {
            let (barrier, ids) = (barrier.clone(), ids.clone());
            std::thread::spawn(move || {
                let won: Vec<bool> = ids
                    .iter()
                    .map(|&id| {
                        barrier.wait();
                        cache.claim_undo(id, me, now).unwrap()
                    })
                    .collect();
                (cache, won)
            })
        };
        let (a, b) = (racer(first, "process-a"), racer(second, "process-b"));
        let ((first, a), (second, b)) = (a.join().unwrap(), b.join().unwrap());
        for (round, (a, b)) in a.iter().zip(&b).enumerate() {
            assert!(a ^ b, "round {round}: exactly one wins ({a}, {b})");
        }
        let id = first.record_activity(&change(ActivityKind::RoleChange, "o", "t", None), now).unwrap();
        assert!(first.claim_undo(id, "a", now).unwrap());
        assert!(!second.claim_undo(id, "b", now + chrono::Duration::minutes(9)).unwrap(), "still held");
        second.release_undo(id, "b").unwrap();
        assert!(!second.claim_undo(id, "b", now).unwrap(), "only its claimant releases it");
        first.release_undo(id, "a").unwrap();
        assert!(second.claim_undo(id, "b", now).unwrap(), "released");
        assert!(first.claim_undo(id, "a", now + chrono::Duration::minutes(11)).unwrap(), "lapsed");
        let mut undo = change(ActivityKind::RoleChange, "o", "t", None);
        undo.undo_of = Some(id);
        first.record_activity(&undo, now).unwrap();
        assert!(first.mark_undone(id, now).unwrap());
        let claimed: Option<String> = first
            .journal
            .conn
            .query_row("SELECT claimed_by FROM activity WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        assert_eq!(claimed, None, "marking it undone clears the claim");
        assert!(!second.claim_undo(id, "b", now + chrono::Duration::hours(1)).unwrap(), "undone");
        assert!(!second.claim_undo(9999, "b", now).unwrap(), "no such entry");
    }

    /// A row of a kind this build does not know is skipped, not a failure of the list.
    #[test]
    fn an_unknown_kind_is_skipped() {
        let cache = Cache::open_in_memory().unwrap();
        let a = cache.record_activity(&change(ActivityKind::Invite, "o", "t", None), Utc::now()).unwrap();
        cache.journal.conn.execute("UPDATE activity SET kind = 'teleport' WHERE id = ?1", [a]).unwrap();
        cache.record_activity(&change(ActivityKind::Invite, "o", "u", None), Utc::now()).unwrap();
        let page = cache.activity(&ActivityQuery::default()).unwrap();
        assert_eq!(page.entries.len(), 1);
        assert!(cache.activity_entry(a).unwrap().is_none());
        assert_eq!(ActivityKind::parse("Role-Change"), Some(ActivityKind::RoleChange));
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::json!(k.as_str()));
        }
    }
}
