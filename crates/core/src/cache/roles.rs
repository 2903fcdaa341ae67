//! The `roles` table: the roles defined in each organization, found by id or by name (indexed).

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;
use zenml_cloud_api::{Role, RoleLevel};

use super::organizations::org_fetched_at;
use super::{json_rows, Cache, Entity, Fetched, Result};

/// Makes the organization's roles exactly `roles`.
pub(super) fn replace(conn: &Connection, org_key: i64, roles: &[Role]) -> Result<()> {
    conn.prepare_cached("DELETE FROM roles WHERE org_key = ?1")?.execute([org_key])?;
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO roles (org_key, id, name, level, json) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for role in roles {
        stmt.execute(params![
            org_key,
            role.id.to_string(),
            role.name,
            role.level.map_or("", RoleLevel::as_str),
            serde_json::to_string(role)?
        ])?;
    }
    Ok(())
}

/// A cached role's name and level (`None` when the cache does not know the role or its level).
pub(super) fn name_and_level(
    conn: &Connection,
    org_key: i64,
    role_id: Uuid,
) -> Result<Option<(String, Option<RoleLevel>)>> {
    let known: Option<(String, String)> = conn
        .prepare_cached("SELECT name, level FROM roles WHERE org_key = ?1 AND id = ?2")?
        .query_row(params![org_key, role_id.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(known.map(|(name, level)| {
        let level = Some(RoleLevel::parse(&level)).filter(|l| *l != RoleLevel::Other);
        (name, level)
    }))
}

impl Cache {
    /// The organization's roles, ordered by name.
    pub fn roles(&self, account_id: &str, org_id: Uuid) -> Result<Fetched<Vec<Role>>> {
        self.org_list(account_id, org_id, Entity::Roles, "roles", "")
    }

    /// One of the organization's roles by id, if cached. `NotFound` when the organization is not.
    pub fn role_by_id(&self, account_id: &str, org_id: Uuid, role_id: Uuid) -> Result<Option<Role>> {
        let tx = self.read_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        let mut found = json_rows(
            &tx,
            "SELECT json FROM roles WHERE org_key = ?1 AND id = ?2",
            params![key, role_id.to_string()],
        )?;
        tx.commit()?;
        Ok(found.pop())
    }

    /// The organization's roles named `name` (trimmed; compared without regard to ASCII case), ordered
    /// by name. `NotFound` when the organization is not cached.
    pub fn roles_named(&self, account_id: &str, org_id: Uuid, name: &str) -> Result<Vec<Role>> {
        let tx = self.read_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        let found = json_rows(
            &tx,
            "SELECT json FROM roles WHERE org_key = ?1 AND name = ?2 COLLATE NOCASE ORDER BY name, id",
            params![key, name.trim()],
        )?;
        tx.commit()?;
        Ok(found)
    }
}
