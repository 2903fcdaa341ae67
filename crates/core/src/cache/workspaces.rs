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
