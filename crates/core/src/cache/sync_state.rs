//! The `sync_state` table: how the last fetch of each list went, when it last succeeded, and (for a
//! failure) its message and [`ErrorCode`].

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::ReadNotes;

use super::organizations::org_fetched_at;
use super::{parse_ts, ts, uuid, Cache, Entity, Result};
use crate::error::ErrorCode;

/// How one list's fetch went beyond its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ListRead {
    /// The server answered 403: the list is not visible to the caller's role (not the same as empty).
    pub hidden: bool,
    /// What reading it noticed: rows skipped, fields read as absent, unknown fields (names only).
    pub notes: ReadNotes,
}

/// How the last attempt to fetch an entity went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "error", rename_all = "snake_case")]
pub enum SyncOutcome {
    Ok,
    Error(String),
}

/// The sync state of one entity of an account (and organization).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncStateRecord {
    /// `None` for account-level entities such as the list of organizations.
    pub org_id: Option<Uuid>,
    pub entity: Entity,
    /// When it was last fetched successfully.
    pub fetched_at: Option<DateTime<Utc>>,
    /// When it was last tried.
    pub attempted_at: DateTime<Utc>,
    pub outcome: SyncOutcome,
    /// The kind of the last attempt's failure (`None` after a success, and for a failure recorded
    /// without one, or by a build that did not record it).
    pub error_code: Option<ErrorCode>,
    /// How the last successful fetch went beyond its rows.
    pub read: ListRead,
}

/// A list read fully, with nothing to note.
pub(crate) static NOTHING_TO_NOTE: ListRead = ListRead {
    hidden: false,
    notes: ReadNotes {
        skipped: 0,
        skip_reasons: std::collections::BTreeSet::new(),
        mistyped: std::collections::BTreeSet::new(),
        unknown: std::collections::BTreeSet::new(),
    },
};

const STATE_SELECT: &str =
    "SELECT org_id, entity, fetched_at, attempted_at, outcome, error, hidden, notes, code FROM sync_state";

impl Cache {
    /// Records how fetching `entity` went. `org_id` is `None` for account-level entities. A failure keeps
    /// the time of the last success, so reads still say how old their data is. A failure recorded here
    /// has no [`ErrorCode`]; [`Cache::record_sync_error`] records one.
    pub fn record_sync(
        &self,
        account_id: &str,
        org_id: Option<Uuid>,
        entity: Entity,
        at: DateTime<Utc>,
        outcome: std::result::Result<(), &str>,
    ) -> Result<()> {
        let outcome = outcome.map(|()| &NOTHING_TO_NOTE).map_err(|message| (message, None));
        record_sync_in(&self.conn, account_id, org_id, entity, at, outcome)
    }

    /// Records a failed fetch of `entity` with its message and code; the time of the last success stays.
    pub fn record_sync_error(
        &self,
        account_id: &str,
        org_id: Option<Uuid>,
        entity: Entity,
        at: DateTime<Utc>,
        code: ErrorCode,
        message: &str,
    ) -> Result<()> {
        record_sync_in(&self.conn, account_id, org_id, entity, at, Err((message, Some(code))))
    }

    /// Records a successful fetch of `entity` with how it went beyond its rows.
    pub fn record_list_read(
        &self,
        account_id: &str,
        org_id: Option<Uuid>,
        entity: Entity,
        at: DateTime<Utc>,
        read: &ListRead,
    ) -> Result<()> {
        record_sync_in(&self.conn, account_id, org_id, entity, at, Ok(read))
    }

    /// Every sync state of an account, account-level first, then by organization and entity. A row of an
    /// entity this build does not know (written by a newer one) is left out.
    pub fn sync_states(&self, account_id: &str) -> Result<Vec<SyncStateRecord>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{STATE_SELECT} WHERE account_id = ?1 ORDER BY org_id, entity"))?;
        let rows = stmt.query_map([account_id], state_columns)?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(state) = state_record(row?)? {
                out.push(state);
            }
        }
        Ok(out)
    }

    /// The sync states one organization's reads are stamped with: its own lists' and the account's
    /// organization list's. A few rows by the primary key, however many organizations the account has.
    pub fn sync_states_of_org(&self, account_id: &str, org_id: Uuid) -> Result<Vec<SyncStateRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{STATE_SELECT} WHERE account_id = ?1 AND (org_id = ?2 OR (org_id = '' AND entity = ?3)) \
             ORDER BY org_id, entity"
        ))?;
        let rows =
            stmt.query_map([account_id, &org_id.to_string(), Entity::Organizations.as_str()], state_columns)?;
        let mut out = Vec::new();
        for row in rows {
            if let Some(state) = state_record(row?)? {
                out.push(state);
            }
        }
        Ok(out)
    }

    /// The sync state of one entity (`org_id` `None` for account-level ones), if it was ever tried.
    pub fn sync_state(
        &self,
        account_id: &str,
        org_id: Option<Uuid>,
        entity: Entity,
    ) -> Result<Option<SyncStateRecord>> {
        let org = org_id.map(|o| o.to_string()).unwrap_or_default();
        let row = self
            .conn
            .prepare_cached(&format!("{STATE_SELECT} WHERE account_id = ?1 AND org_id = ?2 AND entity = ?3"))?
            .query_row([account_id, &org, entity.as_str()], state_columns)
            .optional()?;
        row.map(state_record).transpose().map(Option::flatten)
    }
}

type StateColumns = (
    (String, String, Option<String>, String, String, Option<String>),
    (bool, Option<String>, Option<String>),
);

fn state_columns(r: &rusqlite::Row<'_>) -> rusqlite::Result<StateColumns> {
    Ok((
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
        (r.get(6)?, r.get(7)?, r.get(8)?),
    ))
}

fn state_record(columns: StateColumns) -> Result<Option<SyncStateRecord>> {
    let ((org_id, entity, fetched_at, attempted_at, outcome, error), (hidden, notes, code)) = columns;
    let Some(entity) = Entity::parse(&entity) else {
        tracing::debug!(%entity, "skipped the sync state of a list this version does not know");
        return Ok(None);
    };
    // Notes that do not parse (written by some other build) are as good as none.
    let notes = notes.and_then(|n| serde_json::from_str::<ReadNotes>(&n).ok()).unwrap_or_default();
    let failed = outcome != "ok";
    Ok(Some(SyncStateRecord {
        org_id: if org_id.is_empty() { None } else { Some(uuid(&org_id)?) },
        entity,
        fetched_at: fetched_at.as_deref().map(parse_ts).transpose()?,
        attempted_at: parse_ts(&attempted_at)?,
        outcome: if failed { SyncOutcome::Error(error.unwrap_or_default()) } else { SyncOutcome::Ok },
        error_code: code.as_deref().filter(|_| failed).and_then(ErrorCode::parse),
        read: ListRead { hidden, notes },
    }))
}

/// A failure: its message and, when known, its code.
type Failure<'a> = (&'a str, Option<ErrorCode>);

pub(super) fn record_sync_in(
    conn: &Connection,
    account_id: &str,
    org_id: Option<Uuid>,
    entity: Entity,
    at: DateTime<Utc>,
    outcome: std::result::Result<&ListRead, Failure<'_>>,
) -> Result<()> {
    let org = org_id.map(|o| o.to_string()).unwrap_or_default();
    let at = ts(at);
    match outcome {
        Ok(read) => {
            let notes = if read.notes.is_empty() { None } else { Some(serde_json::to_string(&read.notes)?) };
            conn.prepare_cached(
                "INSERT INTO sync_state (account_id, org_id, entity, fetched_at, attempted_at, outcome, error,
                                         hidden, notes, code)
                 VALUES (?1, ?2, ?3, ?4, ?4, 'ok', NULL, ?5, ?6, NULL)
                 ON CONFLICT (account_id, org_id, entity) DO UPDATE SET fetched_at = excluded.fetched_at,
                    attempted_at = excluded.attempted_at, outcome = 'ok', error = NULL,
                    hidden = excluded.hidden, notes = excluded.notes, code = NULL",
            )?
            .execute(rusqlite::params![account_id, org, entity.as_str(), at, read.hidden, notes])?
        }
        Err((error, code)) => conn
            .prepare_cached(
                "INSERT INTO sync_state (account_id, org_id, entity, fetched_at, attempted_at, outcome, error,
                                         code)
                 VALUES (?1, ?2, ?3, NULL, ?4, 'error', ?5, ?6)
                 ON CONFLICT (account_id, org_id, entity) DO UPDATE SET
                    attempted_at = excluded.attempted_at, outcome = 'error', error = excluded.error,
                    code = excluded.code",
            )?
            .execute(rusqlite::params![account_id, org, entity.as_str(), at, error, code.map(ErrorCode::as_str)])?,
    };
    Ok(())
}

/// The organization's key, and when its list was fetched: its sync state, else the organization's own
/// time.
pub(super) fn list_fetched_at(
    conn: &Connection,
    account_id: &str,
    org_id: &str,
    entity: Entity,
) -> Result<(i64, DateTime<Utc>)> {
    let (key, org_at) = org_fetched_at(conn, account_id, org_id)?;
    let at: Option<String> = conn
        .prepare_cached(
            "SELECT fetched_at FROM sync_state
             WHERE account_id = ?1 AND org_id = ?2 AND entity = ?3 AND fetched_at IS NOT NULL",
        )?
        .query_row([account_id, org_id, entity.as_str()], |r| r.get(0))
        .optional()?;
    let at = at.as_deref().map(parse_ts).transpose()?;
    Ok((key, at.unwrap_or(org_at)))
}
