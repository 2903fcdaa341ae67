//! The `workspaces` table: each organization's workspaces.

use rusqlite::{params, Connection};
use uuid::Uuid;
use zenml_cloud_api::Workspace;

use super::{Cache, Entity, Fetched, Result};

/// Makes the organization's workspaces exactly `workspaces`.
pub(super) fn replace(conn: &Connection, org_key: i64, workspaces: &[Workspace]) -> Result<()> {
    conn.prepare_cached("DELETE FROM workspaces WHERE org_key = ?1")?.execute([org_key])?;
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO workspaces (org_key, id, name, status, json) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for ws in workspaces {
        stmt.execute(params![
            org_key,
            ws.id.to_string(),
            ws.name,
            ws.status.as_str(),
            serde_json::to_string(ws)?
        ])?;
    }
    Ok(())
}

impl Cache {
    /// The organization's workspaces, ordered by name.
    pub fn workspaces(&self, account_id: &str, org_id: Uuid) -> Result<Fetched<Vec<Workspace>>> {
        self.org_list(account_id, org_id, Entity::Workspaces, "workspaces", "")
    }
}

impl Cache {
    /// Stores a workspace the server changed (a write, or a poll while following one).
    pub fn put_workspace(&self, account_id: &str, org_id: Uuid, ws: &Workspace) -> Result<()> {
        let tx = self.write_tx()?;
        let (key, _) = super::organizations::org_fetched_at(&tx, account_id, &org_id.to_string())?;
        tx.execute(
            "INSERT OR REPLACE INTO workspaces (org_key, id, name, status, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key, ws.id.to_string(), ws.name, ws.status.as_str(), serde_json::to_string(ws)?],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The organization's workspaces whose id is `id_or_name` or whose name is it (compared without
    /// regard to ASCII case), ordered by name. `NotFound` when the organization is not cached.
    pub fn workspaces_matching(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_name: &str,
    ) -> Result<Vec<Workspace>> {
        let tx = self.read_tx()?;
        let (key, _) = super::organizations::org_fetched_at(&tx, account_id, &org_id.to_string())?;
        let found = super::json_rows(
            &tx,
            "SELECT json FROM workspaces WHERE org_key = ?1 AND (id = ?2 OR name = ?2 COLLATE NOCASE)
             ORDER BY name, id",
            params![key, id_or_name],
        )?;
        tx.commit()?;
        Ok(found)
    }
}
