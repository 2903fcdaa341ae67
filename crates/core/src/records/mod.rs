//! The read records: each wire row projected once, here, into what every front end shows and writes.
//! The window returns them as they are, `zpro --json` prints them and the exports write them, so a
//! field added to a record appears in all of them. Ids and times are strings (times RFC 3339 in UTC),
//! so the TypeScript bindings need no conversion.
//!
//! One file per concern, named as in the rest of the workspace: [`accounts`], [`organizations`],
//! [`members`], [`invitations`], [`workspaces`], [`teams`], [`roles`], and [`freshness`] for how
//! fresh a list is.

pub mod accounts;
pub mod freshness;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod roles;
pub mod teams;
pub mod workspaces;

pub use accounts::Account;
pub use freshness::{Freshness, List};
pub use invitations::{Invitation, InvitationRole, InvitationTeam};
pub use members::{HeldRole, Member};
pub use organizations::Organization;
pub use roles::Role;
pub use teams::Team;
pub use workspaces::Workspace;

use chrono::{DateTime, SecondsFormat, Utc};

/// A time as the records write it: RFC 3339 in UTC, to the second (`2026-12-08T02:16:27Z`).
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn opt_time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(time)
}
