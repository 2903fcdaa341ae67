//! Entries an older build kept in the cache's own `activity` table, moved into the journal.

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::Journal;
use crate::cache::Result;

impl Journal {
    /// Copies the rows of an older cache's `activity` table in (once: a row already copied is
    /// skipped), then deletes them from the cache. Returns how many were copied now.
    pub(super) fn import_legacy(&self, cache: &Connection) -> Result<usize> {
        type LegacyRow = (i64, String, Vec<rusqlite::types::Value>, Option<i64>, Option<i64>);
        let rows: Vec<LegacyRow> = {
            let mut stmt = cache.prepare(
                "SELECT id, at, account_id, account_label, org_id, org_name, org_name_lc, kind, target_id,
                        target_label, target_lc, detail, replaced, ok, error_code, error_message, undone_at,
                        undo_of, undone_by
                 FROM activity ORDER BY id",
            )?;
            let mapped = stmt.query_map([], |r| {
                let mut values = Vec::with_capacity(15);
                for i in 2..17 {
                    values.push(r.get::<_, rusqlite::types::Value>(i)?);
                }
                Ok((r.get(0)?, r.get(1)?, values, r.get(17)?, r.get(18)?))
            })?;
            mapped.collect::<rusqlite::Result<_>>()?
        };
        if rows.is_empty() {
            return Ok(0);
        }
        let last = rows.last().map(|r| r.0);
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let mut max_id: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM activity", [], |r| r.get(0))?;
        let mut new_ids = std::collections::HashMap::new();
        let mut copied = 0;
        for (old_id, at, values, _, _) in &rows {
            // On the first copy an entry keeps its id (what `zpro log` showed it by); later it gets
            // the next free one.
            let id = (*old_id > max_id).then_some(*old_id);
            let mut args: Vec<rusqlite::types::Value> = vec![id.into(), at.clone().into()];
            args.extend(values.iter().cloned());
            args.push((*old_id).into());
            args.push(at.clone().into());
            let n = tx.execute(
                "INSERT OR IGNORE INTO activity (id, at, account_id, account_label, org_id, org_name,
                     org_name_lc, kind, target_id, target_label, target_lc, detail, replaced, ok, error_code,
                     error_message, undone_at, legacy_id, legacy_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                rusqlite::params_from_iter(args.iter()),
            )?;
            if n == 1 {
                let new_id = tx.last_insert_rowid();
                max_id = max_id.max(new_id);
                new_ids.insert(*old_id, new_id);
                copied += 1;
            }
        }
        // The links between entries (an undo and what it undid) follow their new ids: those copied
        // now, else the newest copy of that old id.
        for (old_id, _, _, undo_of, undone_by) in &rows {
            let Some(&id) = new_ids.get(old_id) else { continue };
            let link = |old: Option<i64>| -> Result<Option<i64>> {
                let Some(old) = old else { return Ok(None) };
                if let Some(&new) = new_ids.get(&old) {
                    return Ok(Some(new));
                }
                Ok(tx
                    .query_row(
                        "SELECT id FROM activity WHERE legacy_id = ?1 ORDER BY id DESC LIMIT 1",
                        [old],
                        |r| r.get(0),
                    )
                    .optional()?)
            };
            let (undo_of, undone_by) = (link(*undo_of)?, link(*undone_by)?);
            tx.execute(
                "UPDATE activity SET undo_of = ?2, undone_by = ?3 WHERE id = ?1",
                params![id, undo_of, undone_by],
            )?;
        }
        tx.commit()?;
        // Copied and committed: the cache's copy goes (a read-only cache keeps it until a later open;
        // copying it again adds nothing).
        if let Some(last_id) = last {
            if let Err(e) = cache.execute("DELETE FROM activity WHERE id <= ?1", [last_id]) {
                tracing::debug!(error = %e, "the old activity rows stay in the cache for now");
            }
        }
        Ok(copied)
    }
}

/// Whether the cache has an old `activity` table with rows in it.
pub(super) fn legacy_rows_waiting(cache: &Connection) -> bool {
    let table: Option<i64> = cache
        .query_row("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'activity'", [], |r| r.get(0))
        .optional()
        .unwrap_or(None);
    table.is_some()
        && cache
            .query_row("SELECT EXISTS (SELECT 1 FROM activity)", [], |r| r.get::<_, bool>(0))
            .unwrap_or(false)
}
