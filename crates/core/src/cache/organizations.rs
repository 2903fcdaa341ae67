//! The `organizations` table: each account's organizations, and what every organization's lists share
//! (its key, when its lists were fetched).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;
use zenml_cloud_api::Organization;

use super::accounts::require_account;
use super::sync_state::list_fetched_at;
use super::{parse_ts, ts, Cache, CacheError, Entity, Fetched, Result};

/// The organization's key (see the schema), or `None` when it is not cached.
pub(super) fn org_key(conn: &Connection, account_id: &str, org_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT key FROM organizations WHERE account_id = ?1 AND id = ?2")?
        .query_row([account_id, org_id], |r| r.get(0))
        .optional()?)
}

/// The organization's key and `fetched_at`, or `NotFound` when it is not cached.
pub(super) fn org_fetched_at(
    conn: &Connection,
    account_id: &str,
    org_id: &str,
) -> Result<(i64, DateTime<Utc>)> {
    let found: Option<(i64, String)> = conn
        .prepare_cached("SELECT key, fetched_at FROM organizations WHERE account_id = ?1 AND id = ?2")?
        .query_row([account_id, org_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((key, at)) => Ok((key, parse_ts(&at)?)),
        None => Err(CacheError::NotFound(format!("organization {org_id}"))),
    }
}

/// Inserts or updates the organization's record (keeping its key) and returns its key.
pub(super) fn upsert_org(
    conn: &Connection,
    account_id: &str,
    org: &Organization,
    fetched_at: &str,
) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO organizations (account_id, id, name, json, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, json = excluded.json,
                fetched_at = excluded.fetched_at
             RETURNING key",
        )?
        .query_row(
            params![account_id, org.id.to_string(), org.name, serde_json::to_string(org)?, fetched_at],
            |r| r.get(0),
        )?)
}

/// The key of organization `?2` of account `?1`, as a subquery (NULL, matching nothing, when it is not
/// cached).
pub(super) const ORG_KEY: &str = "(SELECT key FROM organizations WHERE account_id = ?1 AND id = ?2)";

impl Cache {
    /// Deletes the account's cached organizations that are not in `keep` (gone from the server, or no
    /// longer visible), with all their data and sync state. Returns how many were deleted.
    pub fn retain_organizations(&self, account_id: &str, keep: &[Uuid]) -> Result<usize> {
        let tx = self.write_tx()?;
        let keep: HashSet<String> = keep.iter().map(Uuid::to_string).collect();
        let cached: Vec<String> = {
            let mut stmt = tx.prepare("SELECT id FROM organizations WHERE account_id = ?1")?;
            let rows = stmt.query_map([account_id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut removed = 0;
        for id in cached.iter().filter(|id| !keep.contains(*id)) {
            // The organization's data goes with it (ON DELETE CASCADE).
            removed +=
                tx.execute("DELETE FROM organizations WHERE account_id = ?1 AND id = ?2", [account_id, id])?;
            tx.execute("DELETE FROM sync_state WHERE account_id = ?1 AND org_id = ?2", [account_id, id])?;
        }
        tx.commit()?;
        Ok(removed)
    }

    /// The account's cached organizations, ordered by name.
    pub fn organizations(&self, account_id: &str) -> Result<Vec<Fetched<Organization>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT json, fetched_at FROM organizations WHERE account_id = ?1 ORDER BY name, id",
        )?;
        let rows = stmt.query_map([account_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (json, at) = row?;
            out.push(Fetched { value: serde_json::from_str(&json)?, fetched_at: parse_ts(&at)? });
        }
        Ok(out)
    }

    /// One cached organization, by id or by name.
    pub fn organization(&self, account_id: &str, id_or_name: &str) -> Result<Option<Fetched<Organization>>> {
        let key =
            Uuid::parse_str(id_or_name).map(|u| u.to_string()).unwrap_or_else(|_| id_or_name.to_owned());
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT json, fetched_at FROM organizations WHERE account_id = ?1 AND (id = ?2 OR name = ?2)
                 ORDER BY id = ?2 DESC LIMIT 1",
            )?
            .query_row([account_id, &key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(json, at)| Ok(Fetched { value: serde_json::from_str(&json)?, fetched_at: parse_ts(&at)? }))
            .transpose()
    }

    /// Stores an organization record the server returned after a rename or a new description, keeping
    /// when it was fetched (a new organization is stamped now).
    pub fn put_organization(&self, account_id: &str, org: &Organization) -> Result<()> {
        let tx = self.write_tx()?;
        require_account(&tx, account_id)?;
        tx.execute(
            "INSERT INTO organizations (account_id, id, name, json, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, json = excluded.json",
            params![account_id, org.id.to_string(), org.name, serde_json::to_string(org)?, ts(Utc::now())],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The rows of one of the organization's lists (`table`, its `json` column), `filter`ed and
    /// ordered by name (invitations by email), stamped with when the list was fetched.
    pub(super) fn org_list<T: serde::de::DeserializeOwned>(
        &self,
        account_id: &str,
        org_id: Uuid,
        entity: Entity,
        table: &str,
        filter: &str,
    ) -> Result<Fetched<Vec<T>>> {
        let order = if table == "invitations" { "email" } else { "name" };
        let tx = self.read_tx()?;
        let (key, fetched_at) = list_fetched_at(&tx, account_id, &org_id.to_string(), entity)?;
        let value = json_rows(
            &tx,
            &format!("SELECT json FROM {table} WHERE org_key = ?1 {filter} ORDER BY {order}, id"),
            [key],
        )?;
        tx.commit()?;
        Ok(Fetched { value, fetched_at })
    }
}

/// Runs a query whose single column is a JSON record and parses each.
pub(super) fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(serde_json::from_str(row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?)?);
    }
    Ok(out)
}
