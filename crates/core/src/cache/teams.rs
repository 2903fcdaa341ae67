//! The `teams` table: each organization's teams.

use rusqlite::{params, Connection};
use uuid::Uuid;
use zenml_cloud_api::Team;

use super::{Cache, Entity, Fetched, Result};

/// Makes the organization's teams exactly `teams`.
pub(super) fn replace(conn: &Connection, org_key: i64, teams: &[Team]) -> Result<()> {
    conn.prepare_cached("DELETE FROM teams WHERE org_key = ?1")?.execute([org_key])?;
    let mut stmt = conn
        .prepare_cached("INSERT OR REPLACE INTO teams (org_key, id, name, json) VALUES (?1, ?2, ?3, ?4)")?;
    for team in teams {
        stmt.execute(params![org_key, team.id.to_string(), team.name, serde_json::to_string(team)?])?;
    }
    Ok(())
}

impl Cache {
    /// The organization's teams, ordered by name.
    pub fn teams(&self, account_id: &str, org_id: Uuid) -> Result<Fetched<Vec<Team>>> {
        self.org_list(account_id, org_id, Entity::Teams, "teams", "")
    }
}
