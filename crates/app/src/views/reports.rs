//! Sync reports, invitation outcomes and the Diagnostics page.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::SyncReport;

use super::*;
use crate::error::IpcError;

/// One line of the Diagnostics page.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DiagnosticCheckView {
    /// `connection`, `clock`, `schema`, `sign-in`, `read`, `last sync`.
    pub area: String,
    pub check: String,
    /// `ok`, `info`, `warn` or `fail`.
    pub result: String,
    pub detail: String,
}

/// The Diagnostics page: the doctor's report on the active account's server, and where the log is.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct DiagnosticsView {
    pub server: String,
    /// `ok`, `problems` or `unreachable`.
    pub status: String,
    pub checked_at: String,
    pub checks: Vec<DiagnosticCheckView>,
    /// The report as plain text, for "Copy report": no token, key, email or name in it.
    pub text: String,
    /// The folder of the log files; null when there is none.
    pub log_dir: Option<String>,
}

impl DiagnosticsView {
    pub fn new(r: &zenml_pro_core::DoctorReport, log_dir: Option<&std::path::Path>) -> Self {
        Self {
            server: r.server.clone(),
            status: match r.status {
                zenml_pro_core::DoctorStatus::Ok => "ok",
                zenml_pro_core::DoctorStatus::Problems => "problems",
                zenml_pro_core::DoctorStatus::Unreachable => "unreachable",
            }
            .to_owned(),
            checked_at: iso(r.checked_at),
            checks: r
                .checks
                .iter()
                .map(|c| DiagnosticCheckView {
                    area: c.area.clone(),
                    check: c.check.clone(),
                    result: c.result.as_str().to_owned(),
                    detail: c.detail.clone(),
                })
                .collect(),
            text: r.to_text(),
            log_dir: log_dir.map(|d| d.display().to_string()),
        }
    }
}

/// What happened to one email of an invitation batch.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct InviteOutcomeView {
    pub email: String,
    pub ok: bool,
    pub invitation: Option<zenml_pro_core::records::Invitation>,
    pub error: Option<IpcError>,
    /// The workspace roles and teams attached after the invitation was sent, each with whether it took.
    pub attached: Vec<AttachedView>,
}

/// One workspace role or team attached to an invitation.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AttachedView {
    /// "Workspace Developer on acme-prod", "team platform".
    pub label: String,
    pub ok: bool,
    pub error: Option<IpcError>,
}

impl From<&zenml_pro_core::InviteOutcome> for InviteOutcomeView {
    fn from(o: &zenml_pro_core::InviteOutcome) -> Self {
        Self {
            email: o.email.clone(),
            ok: o.invitation.is_some(),
            invitation: o.invitation.as_ref().map(zenml_pro_core::records::Invitation::from_wire),
            error: o.error.clone().map(IpcError::from),
            attached: o
                .attached
                .iter()
                .map(|a| AttachedView {
                    label: a.extra.label(),
                    ok: a.ok,
                    error: a.error.clone().map(IpcError::from),
                })
                .collect(),
        }
    }
}

/// One organization a sync could not fetch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncFailureView {
    pub organization: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SyncReportView {
    pub organizations: u32,
    pub synced: u32,
    pub failed: Vec<SyncFailureView>,
    /// Organizations dropped from the cache because the server no longer lists them.
    pub removed: u32,
    pub duration_ms: u32,
}

fn count(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

impl From<&SyncReport> for SyncReportView {
    fn from(r: &SyncReport) -> Self {
        Self {
            organizations: count(r.organizations),
            synced: count(r.synced),
            failed: r
                .failed
                .iter()
                .map(|f| SyncFailureView {
                    organization: f.organization.clone(),
                    message: f.error.message.clone(),
                })
                .collect(),
            removed: count(r.removed),
            duration_ms: count(r.duration_ms),
        }
    }
}

pub(crate) fn to_u32(n: usize) -> u32 {
    count(n)
}
