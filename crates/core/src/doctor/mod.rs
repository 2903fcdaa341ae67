//! The compatibility doctor: how well the app and one server get along, for `zpro doctor` and the
//! window's Diagnostics page (one function, two faces).
//!
//! It checks, without writing anything: that the server answers (and how fast, over what), its clock
//! against ours, the sign-in, one small read of each list the app syncs (what reading noticed), how
//! each list of the active organization read in the last sync, and — when the server publishes
//! `/openapi.json` — whether it has every route, method and query parameter the app uses, declares
//! every field the app reads with a type the app reads it as, and the largest page it takes (which
//! paging then uses).
//!
//! A report never holds a token, key, email address or name: only routes as templates, field names,
//! counts, times and the server's URL.

mod checks;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use zenml_cloud_api::ReadNotes;

use crate::error::{CoreError, ErrorCode};

/// Clocks further apart than this make expiry times unreliable.
const CLOCK_SKEW_LIMIT: Duration = Duration::from_secs(60);

/// How one check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Ok,
    /// Worth knowing; not a problem.
    Info,
    /// Something differs from what the app expects; it copes, but say so.
    Warn,
    /// Something does not work.
    Fail,
}

impl CheckResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DoctorCheck {
    /// `connection`, `clock`, `sign-in`, `read`, `last sync`, `schema`.
    pub area: String,
    /// What was checked: `reachable`, `GET /organizations/{id}/members`, …
    pub check: String,
    pub result: CheckResult,
    /// One plain sentence.
    pub detail: String,
}

/// The verdict of the whole report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DoctorStatus {
    /// Every check is ok (or only informative).
    Ok,
    /// Some check warns or fails.
    Problems,
    /// The server could not be reached at all.
    Unreachable,
}

/// What the doctor found about one server.
#[derive(Clone, Debug, Serialize)]
pub struct DoctorReport {
    pub server: String,
    pub status: DoctorStatus,
    pub checked_at: DateTime<Utc>,
    pub checks: Vec<DoctorCheck>,
}

impl DoctorReport {
    /// The report as plain text, one check a line, to copy into a message.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "ZenML Pro Desktop {} — diagnostics of {} at {}\nstatus: {}\n",
            env!("CARGO_PKG_VERSION"),
            self.server,
            self.checked_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            match self.status {
                DoctorStatus::Ok => "all is well",
                DoctorStatus::Problems => "some checks warn or fail",
                DoctorStatus::Unreachable => "the server could not be reached",
            }
        );
        for c in &self.checks {
            out.push_str(&format!("[{}] {} · {}: {}\n", c.result.as_str(), c.area, c.check, c.detail));
        }
        out
    }
}

#[derive(Default)]
struct Checks(Vec<DoctorCheck>);

impl Checks {
    fn add(&mut self, area: &str, check: impl Into<String>, result: CheckResult, detail: impl Into<String>) {
        self.0.push(DoctorCheck { area: area.into(), check: check.into(), result, detail: detail.into() });
    }
}

fn list(names: &std::collections::BTreeSet<String>) -> String {
    names.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// Adds what reading noticed: rows left out and fields read as absent warn; unknown fields inform.
fn notes_checks(checks: &mut Checks, area: &str, route: &str, notes: &ReadNotes) {
    if notes.skipped > 0 {
        let rows = if notes.skipped == 1 { "1 row".to_owned() } else { format!("{} rows", notes.skipped) };
        checks.add(
            area,
            route,
            CheckResult::Warn,
            format!("{rows} could not be read ({})", list(&notes.skip_reasons)),
        );
    }
    if !notes.mistyped.is_empty() {
        checks.add(
            area,
            route,
            CheckResult::Warn,
            format!("fields of an unexpected shape, read as absent: {}", list(&notes.mistyped)),
        );
    }
    if !notes.unknown.is_empty() {
        checks.add(
            area,
            route,
            CheckResult::Info,
            format!("fields this app does not read (ignored): {}", list(&notes.unknown)),
        );
    }
}

/// Plain words for an error, without what the server said (it may name things).
fn error_words(e: &CoreError) -> String {
    match e.code {
        ErrorCode::Offline => "the server did not answer".into(),
        ErrorCode::Unauthorized => "not signed in, or the session was refused".into(),
        ErrorCode::Forbidden => "refused to your role".into(),
        ErrorCode::NotFound => "the server has no such route or record".into(),
        ErrorCode::RateLimited => "the server is rate limiting".into(),
        ErrorCode::InvalidInput => "the server refused the request's parameters".into(),
        ErrorCode::Server => "the server failed or answered something unreadable".into(),
        other => format!("failed ({})", other.as_str()),
    }
}
