//! The ZenML Pro Desktop app without a window: what the desktop shell and the command line share.
//!
//! - [`keyring`]: secrets (access tokens, API keys) in the OS keyring only, behind the [`SecretStore`]
//!   trait, with an in-memory store for tests. No secret is ever written anywhere else.
//! - [`cache`]: the SQLite offline cache — accounts (no secrets), organizations and their workspaces,
//!   members, invitations, roles and teams, the active organization per account and the sync state. Every
//!   read is stamped with when its data was fetched. Readers never wait on writers: a command that only
//!   reads opens it read-only, without the write lock ([`Core::open_read_only`], [`Cache::open_read_only`]).
//!   The activity log is its own file beside it (`journal.sqlite3`, mode 0600, own schema version), so it
//!   outlives a rebuilt cache; entries are kept 180 days by default, undos are claimed in the database
//!   ([`Cache::claim_undo`]).
//! - [`logging`]: stderr and a rotating log file in the platform's log directory (no secret in it).
//! - [`paths`]: where the data lives. **`ZENML_PRO_DESKTOP_DATA_DIR`** moves the data directory (and so
//!   the cache, `<dir>/cache.sqlite3`, and the activity journal, `<dir>/journal.sqlite3`); by default it
//!   is the platform's app-data directory.
//!
//! - [`service`]: [`Core`], the one object the shells hold: accounts and sign-in (device flow, keys,
//!   passwords), sessions kept fresh (a stored key is exchanged again on expiry and once on a 401).
//! - [`sync`]: full and per-organization sync with progress, cancellation and bounded concurrency.
//! - [`reads`]: every read from the cache, stamped with its age; switching the active organization.
//! - [`people`]: every person across every cached organization and signed-in account, searched offline.
//! - [`home`]: the home page's summary of every cached organization of every signed-in account.
//! - [`access_review`]: who holds power and what was left behind, across those organizations, offline.
//! - [`export`]: members, invitations, people and the access review as CSV ([`csv`]) or JSON files.
//! - [`invites`]: invitations with their organization role, workspace roles and teams; resending.
//! - [`offboard`] and [`steps`]: offboarding a person from every organization, and inviting to
//!   several, planned from the cache and carried out one step at a time with what remains said.
//! - `pipeline`: the one write pipeline every change goes through (a `Write` type per kind): resolve
//!   the target once, read its current state from the server, act, update the cache, journal the
//!   entry. Reads come from the cache; writes never trust it.
//! - [`resolve`]: the one identity resolver (ids only as ids, emails by ASCII case only, names only
//!   when unique), shared by `zpro`, the window, deep links, grants and offboarding.
//! - [`writes`]: revoking invitations, roles, members and organization settings, each one line over
//!   the pipeline.
//! - [`activity`]: the journal of every change made, read with [`Core::activity`]; [`Core::undo`]
//!   reverses an entry after refreshing its organization, refusing a target changed since.
//! - [`doctor`]: how well the app and a server get along ([`Core::doctor`], for `zpro doctor` and the
//!   Diagnostics page).
//! - [`error`]: [`CoreError`] with its closed set of [`ErrorCode`]s.
//! - [`model`]: the one way to name an account, a user or member, an invitation and its inviter.
//!
//! Sync, reads and writes talk to the server through `zenml-cloud-api` and keep the
//! cache in step through its write-through helpers.
//!
//! To change the cache's schema, append a migration to `cache/schema.rs` (never edit a released one),
//! extend the typed readers and writers in `cache/` (one module per table, lists named by
//! [`Entity`]), and add a test on an in-memory or temp-dir cache. To add a cached list: an `Entity`
//! variant, its table's migration and module, its fetch in [`sync`] and a read in [`reads`]
//! (`docs/architecture.md` has the steps through to the window). A
//! damaged cache is moved aside and rebuilt from the server, never a reason to fail; one written by a
//! newer build is not damage (that build may have it open): it is read as it is, read-only, and never
//! moved aside.
#![doc = include_str!("../../../docs/concerns.md")]

pub mod access;
pub mod access_review;
pub mod activity;
pub mod cache;
pub mod csv;
pub mod dashboard;
pub mod doctor;
pub mod error;
pub mod export;
pub mod grants;
pub mod home;
pub mod invites;
pub mod keyring;
pub mod lifecycle;
pub mod logging;
pub mod model;
pub mod offboard;
pub mod paths;
pub mod people;
pub(crate) mod pipeline;
pub mod reads;
pub mod records;
pub mod resolve;
pub mod service;
pub mod service_accounts;
pub mod steps;
pub mod sync;
pub mod teams;
pub mod validate;
pub mod writes;

pub use access::{HeldRole, MemberAccess};
pub use access_review::{
    AccessReview, Finding, ReviewOrg, ReviewQuery, ReviewSection, SectionCount, DEFAULT_STALE_DAYS,
};
pub use activity::{UndoOutcome, UndoPreview, UNDO_FORCE_AFTER_DAYS};
pub use cache::{
    account_id, AccountRecord, ActivityEntry, ActivityKind, ActivityPage, ActivityQuery, AuthMethod, Cache,
    CacheError, CacheNotice, Entity, Fetched, ListRead, MemberKind, MemberPage, MemberQuery, OrgSnapshot,
    SyncOutcome, SyncStateRecord, UserField,
};
pub use dashboard::{Dashboards, KITARU_DASHBOARD_ENV, ZENML_DASHBOARD_ENV};
pub use doctor::{CheckResult, DoctorCheck, DoctorReport, DoctorStatus};
pub use error::{CoreError, ErrorCode, FieldMessage, Result};
pub use export::{ExportFormat, ExportKind, ExportRequest, ExportScope, Exported};
pub use grants::{AccessEntry, Grantee};
pub use home::{Home, HomeOrg};
pub use invites::{ExtraOutcome, InviteExtra, InviteOutcome, InvitePlan, InviteSpec};
pub use keyring::{KeyringError, MemoryKeyring, OsKeyring, SecretKind, SecretStore};
pub use lifecycle::{check_workspace_name, FollowOptions};
pub use model::{
    account_label, account_signature, invitation_label, invitation_role_label, invitation_role_labels,
    invitation_team_labels, inviter_label, member_email, member_id, member_key, member_kind, member_label,
    name_and_email, user_label, user_name,
};
pub use offboard::{OffboardPlan, OffboardReport, Overrides, StepRef, ALREADY_GONE, OUT_OF_REACH};
pub use paths::{cache_path, data_dir, DATA_DIR_ENV};
pub use people::{
    Membership, PeoplePage, PeopleQuery, Person, PersonInvitation, PersonOrg, PersonSummary, NOT_CACHED,
};
pub use reads::{Cached, OrgEntry, OrgList, STALE_AFTER};
pub use service::{ClientSettings, Core, CoreOptions, DeviceLogin, PAGE_SIZE_ENV};
pub use service_accounts::{
    ApiKeyRow, KeySecret, NewKey, ServiceAccountRow, ServiceAccounts, TOKENS_OUTLIVE,
};
pub use steps::{Blocked, Remaining, Step, StepAction, StepProgress, StepReport, StepResult, StepStatus};
pub use sync::{refresh_every, SyncFailure, SyncOptions, SyncProgress, SyncReport};
pub use teams::{TeamCreated, TeamMemberOutcome, TeamMembers};
pub use tokio_util::sync::CancellationToken;
pub use writes::{known_to_lack, BUILT_IN_ORG_ROLES, MANAGING_ROLES};
pub use zenml_cloud_api as api;
