//! The ZenML Pro Desktop app without a window: what the desktop shell and the command line share.
//!
//! - [`keyring`]: secrets (access tokens, API keys) in the OS keyring only, behind the [`SecretStore`]
//!   trait, with an in-memory store for tests. No secret is ever written anywhere else.
//! - [`cache`]: the SQLite offline cache — accounts (no secrets), organizations and their workspaces,
//!   members, invitations, roles and teams, the active organization per account and the sync state. Every
//!   read is stamped with when its data was fetched.
//! - [`paths`]: where the data lives. **`ZENML_PRO_DESKTOP_DATA_DIR`** moves the data directory (and so
//!   the cache, `<dir>/cache.sqlite3`); by default it is the platform's app-data directory.
//!
//! Accounts and sign-in, sync and writes to the server live beside these modules (`accounts.rs`,
//! `sync.rs`, `writes.rs`, `service.rs`); they talk to the server through `zenml-cloud-api` and keep the
//! cache in step through its write-through helpers.
//!
//! To change the cache's schema, append a migration to `cache/schema.rs` (never edit a released one),
//! extend the typed readers and writers in `cache/`, and add a test on an in-memory or temp-dir cache. A
//! cache that this build cannot use (damaged, or written by a newer build) is moved aside and rebuilt from
//! the server, never a reason to fail.

pub mod cache;
pub mod keyring;
pub mod paths;

pub use cache::{
    account_id, AccountRecord, AuthMethod, Cache, CacheError, CacheNotice, Fetched, MemberKind, MemberPage,
    MemberQuery, OrgSnapshot, SyncOutcome, SyncStateRecord,
};
pub use keyring::{KeyringError, MemoryKeyring, OsKeyring, SecretKind, SecretStore};
pub use paths::{cache_path, data_dir, DATA_DIR_ENV};
