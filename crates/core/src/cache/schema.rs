//! The cache's schema, as forward-only migrations run on open.
//!
//! `PRAGMA user_version` holds how many migrations a file has had. To change the schema, append a new
//! entry to [`MIGRATIONS`]; never edit one that has shipped. A file whose version is higher than
//! `MIGRATIONS.len()` was written by a newer build and is moved aside rather than misread.
//!
//! No table holds a secret: tokens and keys live in the OS keyring only. `json` columns hold the whole
//! wire record (serde_json of the cloud-api model), so fields this build does not query are kept; the
//! other columns are what the app filters and sorts on. Lower-cased `*_lc` columns and `search` are
//! filled by Rust (`str::to_lowercase`) so case-insensitive search works beyond ASCII; `members.roles_lc`
//! repeats the member's role names (lower-cased, each between newlines) so the role filter needs no join.
//! Organization data refers to its organization by the integer `organizations.key`, which keeps the
//! rows and index entries of large organizations small (and a snapshot quick to write).

/// Each entry takes a file from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
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
    // 2: what a list's last fetch showed beyond its rows. `hidden` is 1 when the server answered 403
    // (the list is not visible to the caller's role, which is not the same as empty); `notes` is the
    // JSON of the reading notes (rows skipped, fields read as absent, unknown fields: names only), NULL
    // when there was nothing to note.
    r#"
ALTER TABLE sync_state ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN notes TEXT;
"#,
];

/// The schema version this build writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
