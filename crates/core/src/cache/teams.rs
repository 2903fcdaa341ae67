//! The `teams` table: each organization's teams.

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;
use zenml_cloud_api::{MemberRow, Team};

use super::member_rows::insert_member;
use super::organizations::{json_rows, org_fetched_at};
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

/// The member-row key of a team.
fn team_key(team_id: Uuid) -> String {
    format!("team:{team_id}")
}

impl Cache {
    /// Stores a team the server created or changed: its place in the teams list, and its row among
    /// the members when it has one (the row keeps its roles).
    pub fn put_team(&self, account_id: &str, org_id: Uuid, team: &Team) -> Result<()> {
        let tx = self.write_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        tx.execute(
            "INSERT OR REPLACE INTO teams (org_key, id, name, json) VALUES (?1, ?2, ?3, ?4)",
            params![key, team.id.to_string(), team.name, serde_json::to_string(team)?],
        )?;
        let row: Option<String> = tx
            .query_row(
                "SELECT json FROM members WHERE org_key = ?1 AND row_key = ?2",
                params![key, team_key(team.id)],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(json) = row {
            let mut row: MemberRow = serde_json::from_str(&json)?;
            row.team = Some(team.clone());
            tx.execute(
                "DELETE FROM members WHERE org_key = ?1 AND row_key = ?2",
                params![key, team_key(team.id)],
            )?;
            insert_member(&tx, key, &row)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets a deleted team: its place in the teams list and its row among the members. What it
    /// granted its members is corrected by the re-fetch of the member list that follows.
    pub fn remove_team(&self, account_id: &str, org_id: Uuid, team_id: Uuid) -> Result<()> {
        let tx = self.write_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        tx.execute("DELETE FROM teams WHERE org_key = ?1 AND id = ?2", params![key, team_id.to_string()])?;
        tx.execute(
            "DELETE FROM members WHERE org_key = ?1 AND row_key = ?2",
            params![key, team_key(team_id)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The team's row among the members (with the organization roles it holds), if cached.
    pub fn team_member_row(
        &self,
        account_id: &str,
        org_id: Uuid,
        team_id: Uuid,
    ) -> Result<Option<MemberRow>> {
        let tx = self.read_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        let mut found = json_rows(
            &tx,
            "SELECT json FROM members WHERE org_key = ?1 AND row_key = ?2",
            params![key, team_key(team_id)],
        )?;
        tx.commit()?;
        Ok(found.pop())
    }
}
