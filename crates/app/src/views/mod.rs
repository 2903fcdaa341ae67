//! The IPC view models: what commands return, in shapes the UI can render directly. Dates are RFC 3339
//! strings, ids are strings; none of them can hold a token or key (they are built only from cached,
//! secret-free records), but for one: [`NewApiKeyView`], a service-account key just created or rotated,
//! which holds its value for the one answer that shows it.

//!
//! One module per part of the window: [`session`] (accounts and sign-in), [`org`] (organizations and
//! what the user may do in one), [`members`] (members and invitations), [`lists`] (workspaces, teams,
//! roles), [`admin`] (team members, scoped roles: read live), [`service_accounts`] (service accounts and their keys: read live), [`reports`] (sync reports, invitation outcomes, diagnostics), [`people`] (people across organizations, a person), [`home`] (the home page's cards), [`review`] (access review, activity, undo), [`export`].

use chrono::{DateTime, Utc};

mod admin;
mod export;
mod home;
mod lists;
mod members;
mod offboard;
mod org;
mod people;
mod reports;
mod review;
mod service_accounts;
mod session;

pub use admin::*;
pub use export::*;
pub use home::*;
pub use lists::*;
pub use members::*;
pub use offboard::*;
pub use org::*;
pub use people::*;
pub use reports::*;
pub use review::*;
pub use service_accounts::*;
pub use session::*;

/// An RFC 3339 timestamp in UTC, to the second.
pub fn iso(t: DateTime<Utc>) -> String {
    zenml_pro_core::records::time(t)
}

pub(crate) fn iso_opt(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(iso)
}
