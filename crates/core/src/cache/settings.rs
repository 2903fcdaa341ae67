//! The `settings` table: small values of this installation (for example its `client_id`).
//!
//! One setting lives in the activity journal instead, so it outlives the cache with the entries it
//! governs: [`RETENTION_KEY`], how many days activity entries are kept. [`Cache::setting`] and
//! [`Cache::set_setting`] read and write it there.

use rusqlite::OptionalExtension;

use super::journal::{in_journal, RETENTION_KEY};
use super::{Cache, Result};

impl Cache {
    /// A setting (for example the per-installation `client_id`).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        if key == RETENTION_KEY {
            return in_journal(self.journal.setting(key));
        }
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Stores a setting, replacing its old value.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        if key == RETENTION_KEY {
            return in_journal(self.journal.set_setting(key, value));
        }
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}
