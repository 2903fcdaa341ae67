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

CREATE TABLE organizations (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    json       TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (account_id, id)
);
CREATE INDEX organizations_by_name ON organizations (account_id, name);

CREATE TABLE workspaces (
    account_id TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    json       TEXT NOT NULL,
    PRIMARY KEY (account_id, org_id, id),
    FOREIGN KEY (account_id, org_id) REFERENCES organizations (account_id, id) ON DELETE CASCADE
);

CREATE TABLE members (
    account_id    TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    row_key       TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('user', 'service_account', 'team', 'invitation')),
    user_id       TEXT,
    team_id       TEXT,
    invitation_id TEXT,
    name          TEXT NOT NULL,
    email         TEXT,
    name_lc       TEXT NOT NULL,
    email_lc      TEXT,
    search        TEXT NOT NULL,
    roles_lc      TEXT NOT NULL,
    json          TEXT NOT NULL,
    PRIMARY KEY (account_id, org_id, row_key),
    FOREIGN KEY (account_id, org_id) REFERENCES organizations (account_id, id) ON DELETE CASCADE
);
-- Covers the member list's filters and order, so a search reads this index and not the wide rows.
CREATE INDEX members_by_name ON members (account_id, org_id, name_lc, row_key, kind, search, roles_lc);
CREATE INDEX members_by_email ON members (account_id, org_id, email_lc);

CREATE TABLE member_roles (
    account_id TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    row_key    TEXT NOT NULL,
    role_id    TEXT NOT NULL,
    role_name  TEXT NOT NULL,
    level      TEXT,
    via_team   INTEGER NOT NULL,
    FOREIGN KEY (account_id, org_id, row_key) REFERENCES members (account_id, org_id, row_key)
        ON DELETE CASCADE
);
CREATE INDEX member_roles_by_row ON member_roles (account_id, org_id, row_key);
CREATE INDEX member_roles_by_name ON member_roles (account_id, org_id, role_name COLLATE NOCASE, row_key);

CREATE TABLE invitations (
    account_id TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    id         TEXT NOT NULL,
    email      TEXT NOT NULL,
    status     TEXT,
    role_id    TEXT,
    role_name  TEXT,
    json       TEXT NOT NULL,
    PRIMARY KEY (account_id, org_id, id),
    FOREIGN KEY (account_id, org_id) REFERENCES organizations (account_id, id) ON DELETE CASCADE
);

CREATE TABLE roles (
    account_id TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    level      TEXT NOT NULL,
    json       TEXT NOT NULL,
    PRIMARY KEY (account_id, org_id, id),
    FOREIGN KEY (account_id, org_id) REFERENCES organizations (account_id, id) ON DELETE CASCADE
);

CREATE TABLE teams (
    account_id TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    json       TEXT NOT NULL,
    PRIMARY KEY (account_id, org_id, id),
    FOREIGN KEY (account_id, org_id) REFERENCES organizations (account_id, id) ON DELETE CASCADE
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
];

/// The schema version this build writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
