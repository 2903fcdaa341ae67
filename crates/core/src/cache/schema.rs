//! The cache's schema, as forward-only migrations run on open.
//!
//! `PRAGMA user_version` holds how many migrations a file has had. To change the schema, append a new
//! entry to [`MIGRATIONS`]; never edit one that has shipped. A file whose version is higher than
//! `MIGRATIONS.len()` was written by a newer build: it is opened read-only and read as far as this build
//! can, never migrated or moved aside (see `Cache::open`).
//!
//! The activity log's table (`activity`, migration 5) stays in old files, but entries now live in the
//! journal, a file of its own with its own migrations (`journal.rs`); rows found here are moved there.
//!
//! No table holds a secret: tokens and keys live in the OS keyring only. `json` columns hold the whole
//! wire record (serde_json of the cloud-api model), so fields this build does not query are kept; the
//! other columns are what the app filters and sorts on. Lower-cased `*_lc` columns and `search` are
//! filled by Rust (`str::to_lowercase`) so case-insensitive search works beyond ASCII; `members.roles_lc`
//! repeats the member's role names (lower-cased, each between newlines) so the role filter needs no join.
//! Organization data refers to its organization by the integer `organizations.key`, which keeps the
//! rows and index entries of large organizations small (and a snapshot quick to write).
//!
//! A migration is SQL, or, for what SQL alone cannot do (filling a column from each row's `json` with
//! Rust's lower-casing), a Rust step that may run on a file that already has some of its columns.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::Result;

/// One step of the schema.
pub(crate) enum Migration {
    Sql(&'static str),
    Rust(fn(&Connection) -> Result<()>),
}

/// Each entry takes a file from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[Migration] = &[
    // 1: the first schema.
    Migration::Sql(
        r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE accounts (
    id               TEXT PRIMARY KEY NOT NULL,
    base_url         TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    user_email       TEXT,
    user_name        TEXT,
    auth_method      TEXT NOT NULL CHECK (auth_method IN ('device', 'key', 'password')),
    device_id        TEXT,
    token_expires_at TEXT,
    created_at       TEXT NOT NULL,
    last_used_at     TEXT NOT NULL,
    signed_in        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE active_org (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL
);

-- `key` is the organization's compact id inside this file: the tables below refer to it rather than
-- repeating (account_id, id) as text in every row and index entry.
CREATE TABLE organizations (
    key        INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    json       TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    UNIQUE (account_id, id)
);
CREATE INDEX organizations_by_name ON organizations (account_id, name);

CREATE TABLE workspaces (
    org_key INTEGER NOT NULL REFERENCES organizations (key) ON DELETE CASCADE,
    id      TEXT NOT NULL,
    name    TEXT NOT NULL,
    status  TEXT NOT NULL,
    json    TEXT NOT NULL,
    PRIMARY KEY (org_key, id)
);

-- One row per user, service account, team or pending invitation. The member's roles are in `json`
-- (read back by `my_roles`) and, lower-cased for the role filter, in `roles_lc`.
CREATE TABLE members (
    org_key  INTEGER NOT NULL REFERENCES organizations (key) ON DELETE CASCADE,
    row_key  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('user', 'service_account', 'team', 'invitation')),
    name_lc  TEXT NOT NULL,
    search   TEXT NOT NULL,
    roles_lc TEXT NOT NULL,
    json     TEXT NOT NULL,
    PRIMARY KEY (org_key, row_key)
);
-- Covers the member list's filters and order, so a search reads this index and not the wide rows.
CREATE INDEX members_by_name ON members (org_key, name_lc, row_key, kind, search, roles_lc);

CREATE TABLE invitations (
    org_key   INTEGER NOT NULL REFERENCES organizations (key) ON DELETE CASCADE,
    id        TEXT NOT NULL,
    email     TEXT NOT NULL,
    status    TEXT,
    role_id   TEXT,
    role_name TEXT,
    json      TEXT NOT NULL,
    PRIMARY KEY (org_key, id)
);

CREATE TABLE roles (
    org_key INTEGER NOT NULL REFERENCES organizations (key) ON DELETE CASCADE,
    id      TEXT NOT NULL,
    name    TEXT NOT NULL,
    level   TEXT NOT NULL,
    json    TEXT NOT NULL,
    PRIMARY KEY (org_key, id)
);

CREATE TABLE teams (
    org_key INTEGER NOT NULL REFERENCES organizations (key) ON DELETE CASCADE,
    id      TEXT NOT NULL,
    name    TEXT NOT NULL,
    json    TEXT NOT NULL,
    PRIMARY KEY (org_key, id)
);

-- org_id is '' for account-level entities (the list of organizations). fetched_at is the time of the
-- last successful fetch (kept when a later attempt fails); attempted_at is the time of the last attempt.
CREATE TABLE sync_state (
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    fetched_at   TEXT,
    attempted_at TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
    error        TEXT,
    PRIMARY KEY (account_id, org_id, entity)
);
"#,
    ),
    // 2: what a list's last fetch showed beyond its rows. `hidden` is 1 when the server answered 403
    // (the list is not visible to the caller's role, which is not the same as empty); `notes` is the
    // JSON of the reading notes (rows skipped, fields read as absent, unknown fields: names only), NULL
    // when there was nothing to note.
    Migration::Sql(
        r#"
ALTER TABLE sync_state ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN notes TEXT;
"#,
    ),
    // 3: lookups of one row, and the failure's code. See `v3`.
    Migration::Rust(v3),
    // 4: people across organizations. See `v4`.
    Migration::Rust(v4),
    // 5: the activity log: every change this app made, what it replaced and whether it was undone
    // (no secret: ids, emails, names, error codes and messages). `target_lc` holds the target's label
    // and id lower-cased for the text search; `org_name_lc` the organization's name for its filter.
    // Not tied to `accounts`: the log outlives signing out. `IF NOT EXISTS`, as a file may have it
    // already (a copy whose version was set back).
    Migration::Sql(
        r#"
CREATE TABLE IF NOT EXISTS activity (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    account_label TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    org_name      TEXT NOT NULL,
    org_name_lc   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    target_id     TEXT,
    target_label  TEXT NOT NULL,
    target_lc     TEXT NOT NULL,
    detail        TEXT,
    replaced      TEXT,
    ok            INTEGER NOT NULL,
    error_code    TEXT,
    error_message TEXT,
    undo_of       INTEGER,
    undone_at     TEXT,
    undone_by     INTEGER
);
CREATE INDEX IF NOT EXISTS activity_by_org ON activity (org_id, id);
CREATE INDEX IF NOT EXISTS activity_by_kind ON activity (kind, id);
CREATE INDEX IF NOT EXISTS activity_by_undo_of ON activity (undo_of) WHERE undo_of IS NOT NULL;
"#,
    ),
];

/// 3: `sync_state.code` keeps the failure's `ErrorCode` beside its message (NULL for a success, and for
/// failures recorded before). Member rows of users and service accounts get the columns a single
/// member is found by (`email_lc`, `username_lc`, `user_name_lc`: the user's email, username and own
/// name, trimmed and lower-cased; NULL for teams, invitations and absent fields), each indexed, filled
/// here from each row's `json`; invitations are indexed by email and roles by name (both compared
/// without regard to ASCII case), so finding one never reads the whole list.
fn v3(conn: &Connection) -> Result<()> {
    add_column(conn, "sync_state", "code", "TEXT")?;
    for column in ["email_lc", "username_lc", "user_name_lc"] {
        add_column(conn, "members", column, "TEXT")?;
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS members_by_email ON members (org_key, email_lc)
             WHERE email_lc IS NOT NULL;
         CREATE INDEX IF NOT EXISTS members_by_username ON members (org_key, username_lc)
             WHERE username_lc IS NOT NULL;
         CREATE INDEX IF NOT EXISTS members_by_user_name ON members (org_key, user_name_lc)
             WHERE user_name_lc IS NOT NULL;
         CREATE INDEX IF NOT EXISTS invitations_by_email ON invitations (org_key, email COLLATE NOCASE);
         CREATE INDEX IF NOT EXISTS roles_by_name ON roles (org_key, name COLLATE NOCASE);",
    )?;
    super::member_rows::fill_lookup_columns(conn)
}

/// 4: `members.person_lc` says who a user, service account or pending invitation is as a person
/// across every organization (their email trimmed and lower-cased, else `id:<user id>`; NULL for teams),
/// filled here from each row's `json`. Its index covers the people search (grouped by person, filtered
/// on `search`, sorted by name), so that search reads the index and not the wide rows, and finds one
/// person's rows everywhere at once; invitations are indexed by email alone, to find one person's
/// invitations in every organization.
fn v4(conn: &Connection) -> Result<()> {
    add_column(conn, "members", "person_lc", "TEXT")?;
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS members_by_person ON members (person_lc, org_key, kind, name_lc, search)
             WHERE person_lc IS NOT NULL;
         CREATE INDEX IF NOT EXISTS invitations_by_email_anywhere ON invitations (email COLLATE NOCASE);",
    )?;
    super::member_rows::fill_person_column(conn)
}

/// Adds a column unless the table has it already.
fn add_column(conn: &Connection, table: &str, column: &str, decl: &str) -> Result<()> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", [table, column], |r| r.get(0))
        .optional()?;
    if found.is_none() {
        conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl};"))?;
    }
    Ok(())
}

/// The schema version this build writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Runs the migrations a connection's file has not had yet, all in one write transaction (which also
/// keeps two processes opening a new cache at once from migrating it twice).
///
/// A file already at this build's version is left alone without taking the write lock (the version is
/// read again inside the transaction, so a file another process migrates meanwhile is not migrated
/// twice).
pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == latest_version() {
        return Ok(());
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let latest = latest_version();
    if version > latest {
        // A newer build migrated it meanwhile: not this build's to change (the caller reads it as it is).
        return Ok(());
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        match step {
            Migration::Sql(sql) => tx.execute_batch(sql)?,
            Migration::Rust(run) => run(&tx)?,
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{Cache, Entity, UserField};
    use crate::error::ErrorCode;
    use uuid::Uuid;

    /// A file of schema 2 (no `code`, no lookup columns, no `person_lc`) upgrades in place: its members
    /// are found by email, username and name at once, and as people across organizations; its failures
    /// read as failures without a code, and new failures keep theirs.
    #[test]
    fn a_schema_2_file_upgrades_and_its_members_are_found() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for step in &MIGRATIONS[..2] {
            let Migration::Sql(sql) = step else { panic!("the first two are SQL") };
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        let user = Uuid::from_u128(5);
        let row = serde_json::json!({
            "user": {"id": user, "name": " Ada Lovelace ", "username": "ada", "email": "Ada@Example.com"},
            "roles": []
        });
        conn.execute_batch(&format!(
            "INSERT INTO accounts (id, base_url, user_id, auth_method, created_at, last_used_at)
                 VALUES ('acc', 'https://x.example', '{user}', 'key', '2024-01-01T00:00:00.000000Z',
                         '2024-01-01T00:00:00.000000Z');
             INSERT INTO organizations (key, account_id, id, name, json, fetched_at)
                 VALUES (1, 'acc', '{org}', 'acme', '{{\"id\":\"{org}\",\"name\":\"acme\"}}',
                         '2024-01-01T00:00:00.000000Z');
             INSERT INTO members (org_key, row_key, kind, name_lc, search, roles_lc, json)
                 VALUES (1, 'user:{user}', 'user', 'ada lovelace', 'ada lovelace', '\n', '{row}');
             INSERT INTO members (org_key, row_key, kind, name_lc, search, roles_lc, json)
                 VALUES (1, 'user:broken', 'user', 'broken', 'broken', '\n', 'not json');
             INSERT INTO sync_state (account_id, org_id, entity, attempted_at, outcome, error)
                 VALUES ('acc', '', 'organizations', '2024-01-01T00:00:00.000000Z', 'error', 'offline');",
            org = Uuid::from_u128(100),
        ))
        .unwrap();
        migrate(&conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, latest_version());

        let cache = Cache::in_memory_with(conn).unwrap();
        let org = Uuid::from_u128(100);
        for (field, value) in [
            (UserField::Email, "ada@example.COM"),
            (UserField::Username, " ADA"),
            (UserField::Name, "ada lovelace"),
        ] {
            let found = cache.user_members_by("acc", org, field, value).unwrap();
            assert_eq!(found.len(), 1, "{field:?}");
            assert_eq!(found[0].user.as_ref().unwrap().id, user);
        }
        // Schema 4 makes them a person, found across organizations.
        let people = cache.people_keys(Some("LOVELACE"), 0, None).unwrap();
        assert_eq!((people.keys, people.total), (vec!["ada@example.com".to_owned()], 1));
        assert_eq!(cache.person_rows(&["ada@example.com".to_owned()]).unwrap().len(), 1);
        let state = cache.sync_state("acc", None, Entity::Organizations).unwrap().unwrap();
        assert_eq!(state.error_code, None, "recorded before codes were");
        cache
            .record_sync_error(
                "acc",
                None,
                Entity::Organizations,
                chrono::Utc::now(),
                ErrorCode::Offline,
                "offline",
            )
            .unwrap();
        let state = cache.sync_state("acc", None, Entity::Organizations).unwrap().unwrap();
        assert_eq!(state.error_code, Some(ErrorCode::Offline));
    }

    /// A file of schema 4 upgrades to 5 keeping its data, and gains an empty activity log that works.
    #[test]
    fn a_schema_4_file_upgrades_to_the_activity_log_keeping_its_data() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for step in &MIGRATIONS[..4] {
            match step {
                Migration::Sql(sql) => conn.execute_batch(sql).unwrap(),
                Migration::Rust(run) => run(&conn).unwrap(),
            }
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        let user = Uuid::from_u128(7);
        conn.execute_batch(&format!(
            "INSERT INTO settings (key, value) VALUES ('client_id', 'kept');
             INSERT INTO accounts (id, base_url, user_id, auth_method, created_at, last_used_at)
                 VALUES ('acc', 'https://x.example', '{user}', 'key', '2024-01-01T00:00:00.000000Z',
                         '2024-01-01T00:00:00.000000Z');"
        ))
        .unwrap();
        migrate(&conn).unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!((version, latest_version()), (5, 5));
        let cache = Cache::in_memory_with(conn).unwrap();
        assert_eq!(cache.setting("client_id").unwrap().as_deref(), Some("kept"));
        assert_eq!(cache.account("acc").unwrap().unwrap().user_id, user);
        let log = cache.activity(&crate::cache::ActivityQuery::default()).unwrap();
        assert_eq!(log.total, 0);
        let entry = crate::cache::NewActivity {
            account_id: "acc".into(),
            kind: Some(crate::cache::ActivityKind::OrgRename),
            ..Default::default()
        };
        let id = cache.record_activity(&entry, chrono::Utc::now()).unwrap();
        assert_eq!(cache.activity_entry(id).unwrap().unwrap().account_id, "acc");
    }

    /// The single-row lookups read through indexes, never by scanning an organization's rows.
    #[test]
    fn single_row_lookups_use_indexes() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        for sql in [
            "SELECT json FROM members WHERE org_key = 1 AND email_lc = 'a' ORDER BY name_lc, row_key",
            "SELECT json FROM members WHERE org_key = 1 AND username_lc = 'a' ORDER BY name_lc, row_key",
            "SELECT json FROM members WHERE org_key = 1 AND user_name_lc = 'a' ORDER BY name_lc, row_key",
            "SELECT json FROM members WHERE org_key = 1 AND row_key = 'user:x'",
            "SELECT json FROM invitations WHERE org_key = 1 AND (id = 'a' OR email = 'a' COLLATE NOCASE)
             ORDER BY email, id",
            "SELECT json FROM roles WHERE org_key = 1 AND name = 'a' COLLATE NOCASE ORDER BY name, id",
            "SELECT json FROM roles WHERE org_key = 1 AND id = 'a'",
            "SELECT json FROM members WHERE person_lc = 'a'",
            "SELECT json FROM invitations WHERE email = 'a' COLLATE NOCASE",
        ] {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> =
                stmt.query_map([], |r| r.get::<_, String>(3)).unwrap().map(|r| r.unwrap()).collect();
            assert!(plan.iter().all(|step| !step.starts_with("SCAN")), "{sql}: {plan:?}");
            assert!(plan.iter().any(|step| step.contains("INDEX")), "{sql}: {plan:?}");
        }
    }

    /// The people search reads the covering `members_by_person` index in its order, not the rows,
    /// and needs no sort to group them.
    #[test]
    fn the_people_search_reads_its_covering_index() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn).unwrap();
        let sql = format!("EXPLAIN QUERY PLAN {}", super::super::people::people_page_sql());
        let mut stmt = conn.prepare(&sql).unwrap();
        let plan: Vec<String> = stmt
            .query_map(rusqlite::params!["a", 50, 0], |r| r.get::<_, String>(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(plan.iter().any(|s| s.contains("COVERING INDEX members_by_person")), "{plan:?}");
        assert!(!plan.iter().any(|s| s.contains("GROUP BY")), "grouped in index order: {plan:?}");
    }
}
