//! The `active_org` table: the organization each account acts on.

use rusqlite::OptionalExtension;
use uuid::Uuid;

use super::accounts::require_account;
use super::{uuid, Cache, Result};

impl Cache {
    /// Makes `org_id` the account's active organization (works offline; the organization need not be
    /// cached yet).
    pub fn set_active_org(&self, account_id: &str, org_id: Uuid) -> Result<()> {
        let tx = self.write_tx()?;
        require_account(&tx, account_id)?;
        tx.execute(
            "INSERT INTO active_org (account_id, org_id) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET org_id = excluded.org_id",
            [account_id, &org_id.to_string()],
        )?;
        // A switch writes this just before the new organization's members are read: their totals stay.
        self.member_totals.not_members(&tx);
        tx.commit()?;
        Ok(())
    }

    /// The account's active organization, if one was chosen.
    pub fn active_org(&self, account_id: &str) -> Result<Option<Uuid>> {
        let id: Option<String> = self
            .conn
            .query_row("SELECT org_id FROM active_org WHERE account_id = ?1", [account_id], |r| r.get(0))
            .optional()?;
        id.as_deref().map(uuid).transpose()
    }
}
