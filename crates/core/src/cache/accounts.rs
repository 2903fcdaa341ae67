//! The `accounts` table: one user on one server each, without secrets.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{parse_ts, ts, uuid, Cache, CacheError, Result};

/// How an account signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// The device authorization flow in the browser.
    Device,
    /// A personal access token or service-account key, exchanged for short-lived tokens.
    Key,
    /// Username and password (self-hosted control planes).
    Password,
}

impl AuthMethod {
    /// The value stored in the cache.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Device => "device",
            Self::Key => "key",
            Self::Password => "password",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "device" => Ok(Self::Device),
            "key" => Ok(Self::Key),
            "password" => Ok(Self::Password),
            other => Err(CacheError::Corrupt(format!("unknown sign-in method {other:?}"))),
        }
    }
}

/// An account: one user on one server. Holds no secret; those are in the keyring under [`Self::id`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountRecord {
    /// [`account_id`] of `base_url` and `user_id`.
    pub id: String,
    pub base_url: String,
    pub user_id: Uuid,
    pub user_email: Option<String>,
    pub user_name: Option<String>,
    pub auth_method: AuthMethod,
    /// The device id from the last device-flow sign-in, reused at the next one.
    pub device_id: Option<Uuid>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    /// False after signing out without purging: the cached data stays readable.
    pub signed_in: bool,
}

/// The stable id of an account: a UUID v5 of `"<base_url without trailing slash>|<user_id>"`.
pub fn account_id(base_url: &str, user_id: Uuid) -> String {
    let name = format!("{}|{user_id}", base_url.trim_end_matches('/'));
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

impl Cache {
    /// Adds an account or updates every field of an existing one.
    pub fn upsert_account(&self, a: &AccountRecord) -> Result<()> {
        self.conn.execute(
            "INSERT INTO accounts (id, base_url, user_id, user_email, user_name, auth_method, device_id,
                                   token_expires_at, created_at, last_used_at, signed_in)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (id) DO UPDATE SET
                base_url = excluded.base_url, user_id = excluded.user_id, user_email = excluded.user_email,
                user_name = excluded.user_name, auth_method = excluded.auth_method,
                device_id = excluded.device_id, token_expires_at = excluded.token_expires_at,
                created_at = excluded.created_at, last_used_at = excluded.last_used_at,
                signed_in = excluded.signed_in",
            rusqlite::params![
                a.id,
                a.base_url,
                a.user_id.to_string(),
                a.user_email,
                a.user_name,
                a.auth_method.as_str(),
                a.device_id.map(|d| d.to_string()),
                a.token_expires_at.map(ts),
                ts(a.created_at),
                ts(a.last_used_at),
                a.signed_in,
            ],
        )?;
        Ok(())
    }

    /// Every account, most recently used first.
    pub fn accounts(&self) -> Result<Vec<AccountRecord>> {
        let mut stmt =
            self.conn.prepare_cached(&format!("{ACCOUNT_SELECT} ORDER BY last_used_at DESC, id"))?;
        let rows = stmt.query_map([], account_row)?;
        rows.map(|r| r?).collect()
    }

    /// One account.
    pub fn account(&self, id: &str) -> Result<Option<AccountRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!("{ACCOUNT_SELECT} WHERE id = ?1"))?;
        stmt.query_row([id], account_row).optional()?.transpose()
    }

    /// Signs an account out of the cache. With `purge_cache` its row and (by cascade) all its cached
    /// data go; without, the row stays marked signed-out so its cached data stays readable. Deleting an
    /// unknown account is not an error.
    pub fn delete_account(&self, id: &str, purge_cache: bool) -> Result<()> {
        if purge_cache {
            self.conn.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
        } else {
            self.conn.execute("UPDATE accounts SET signed_in = 0 WHERE id = ?1", [id])?;
        }
        Ok(())
    }

    /// Marks an account signed in or out.
    pub fn set_signed_in(&self, id: &str, signed_in: bool) -> Result<()> {
        let n = self
            .conn
            .execute("UPDATE accounts SET signed_in = ?2 WHERE id = ?1", rusqlite::params![id, signed_in])?;
        if n == 0 {
            return Err(CacheError::NotFound(format!("account {id}")));
        }
        Ok(())
    }
}

const ACCOUNT_SELECT: &str = "SELECT id, base_url, user_id, user_email, user_name, auth_method, device_id,
    token_expires_at, created_at, last_used_at, signed_in FROM accounts";

fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<AccountRecord>> {
    let user_id: String = r.get(2)?;
    let method: String = r.get(5)?;
    let device_id: Option<String> = r.get(6)?;
    let expires: Option<String> = r.get(7)?;
    let created: String = r.get(8)?;
    let used: String = r.get(9)?;
    let (id, base_url, user_email, user_name, signed_in) =
        (r.get(0)?, r.get(1)?, r.get(3)?, r.get(4)?, r.get(10)?);
    Ok((|| {
        Ok(AccountRecord {
            id,
            base_url,
            user_id: uuid(&user_id)?,
            user_email,
            user_name,
            auth_method: AuthMethod::parse(&method)?,
            device_id: device_id.as_deref().map(uuid).transpose()?,
            token_expires_at: expires.as_deref().map(parse_ts).transpose()?,
            created_at: parse_ts(&created)?,
            last_used_at: parse_ts(&used)?,
            signed_in,
        })
    })())
}

pub(super) fn require_account(conn: &Connection, account_id: &str) -> Result<()> {
    let found: Option<i64> =
        conn.query_row("SELECT 1 FROM accounts WHERE id = ?1", [account_id], |r| r.get(0)).optional()?;
    found.map(|_| ()).ok_or_else(|| CacheError::NotFound(format!("account {account_id}")))
}
