//! In-app updates: whether this build has an update server, the check (by hand from Settings, and once
//! a day in the background when the setting is on), what the window and the tray are told, and the
//! install the user asks for (download with progress, verify, install, restart).
//!
//! The shell does the work through an [`UpdateService`] (`src-tauri/src/updater.rs`, over Tauri's
//! updater plugin, which verifies each download's minisign signature against the key built into the
//! app and only offers a version greater than the running one). Everything else lives here, tested
//! with a fake service.
//!
//! The update server and its public key are set when the app is built ([`UpdateConfig::from_build`]:
//! `ZENML_PRO_UPDATE_ENDPOINT` and `ZENML_PRO_UPDATE_PUBKEY`). A build without them has no update
//! service: the window shows no update controls, the tray no update item, and nothing is requested.

mod control;
#[cfg(test)]
mod tests;
mod updater;

pub(crate) use updater::Updates;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

/// The build-time variable with the update endpoint (the URL of `latest.json`; it may hold the
/// updater's `{{target}}`, `{{arch}}` and `{{current_version}}` placeholders).
pub const UPDATE_ENDPOINT_ENV: &str = "ZENML_PRO_UPDATE_ENDPOINT";
/// The build-time variable with the minisign public key: base64 of the public key file's text, as
/// `tauri signer generate` writes it.
pub const UPDATE_PUBKEY_ENV: &str = "ZENML_PRO_UPDATE_PUBKEY";
/// How long after a check the daily check is due again.
pub const CHECK_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// How often the background loop looks whether a daily check is due.
pub const LOOK_EVERY: Duration = Duration::from_secs(10 * 60);
/// The file in the data directory that remembers when updates were last checked.
pub const LAST_CHECK_FILE: &str = "update-check.json";

/// The update server of this build: its endpoint and the public key updates are signed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateConfig {
    pub endpoint: url::Url,
    pub pubkey: String,
}

impl UpdateConfig {
    /// As this build was made: `None` (no updates) unless both variables were set when it was
    /// compiled.
    pub fn from_build() -> Option<Self> {
        Self::from_values(option_env!("ZENML_PRO_UPDATE_ENDPOINT"), option_env!("ZENML_PRO_UPDATE_PUBKEY"))
    }

    /// From an endpoint and a key: `None` when either is missing or blank, or the endpoint is not an
    /// `https` URL (`http` only on loopback, for tests); a half configuration is logged.
    pub fn from_values(endpoint: Option<&str>, pubkey: Option<&str>) -> Option<Self> {
        let endpoint = endpoint.map(str::trim).filter(|s| !s.is_empty());
        let pubkey = pubkey.map(str::trim).filter(|s| !s.is_empty());
        let (endpoint, pubkey) = match (endpoint, pubkey) {
            (None, None) => return None,
            (Some(e), Some(k)) => (e, k),
            _ => {
                tracing::warn!(
                    "this build has only one of {UPDATE_ENDPOINT_ENV} and {UPDATE_PUBKEY_ENV}: updates are off"
                );
                return None;
            }
        };
        let url = match url::Url::parse(endpoint) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(error = %e, "the build's update endpoint is not a URL: updates are off");
                return None;
            }
        };
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            tracing::warn!(
                scheme = url.scheme(),
                "the build's update endpoint is not https: updates are off"
            );
            return None;
        }
        Some(Self { endpoint: url, pubkey: pubkey.to_owned() })
    }
}

/// A newer version the update server offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferedUpdate {
    pub version: String,
    /// The release notes, if the server gives any.
    pub notes: Option<String>,
}

/// Why a check or an install did not go through. Its text is what the window shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdateError {
    /// The download does not verify against the key built into the app (tampered, or signed with
    /// another key).
    BadSignature,
    /// The signature is good but was made for another version than the one the server announced.
    SignedForOtherVersion { signed: String, announced: String },
    /// The signature does not say which version it was made for (the app requires it, so that an old
    /// signed file cannot be served as a new version).
    UnversionedSignature,
    /// The server could not be reached, or answered with an error.
    Unreachable(String),
    /// The server's answer is not an update manifest the app can read.
    BadAnswer(String),
    /// The manifest has no build for this computer.
    NoBuildHere(String),
    /// The install was not approved (the administrator prompt was cancelled).
    InstallRefused,
    /// Downloaded and verified, but the install failed.
    InstallFailed(String),
    /// Anything else.
    Other(String),
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadSignature => {
                f.write_str("The update's signature does not match this app's update key: not installed.")
            }
            Self::SignedForOtherVersion { signed, announced } => write!(
                f,
                "The update server announced version {announced} but its download is signed for version \
                 {signed}: not installed."
            ),
            Self::UnversionedSignature => f.write_str(
                "The update's signature does not say which version it was made for: not installed.",
            ),
            Self::Unreachable(why) => write!(f, "Could not reach the update server: {why}"),
            Self::BadAnswer(why) => write!(f, "The update server's answer could not be read: {why}"),
            Self::NoBuildHere(target) => {
                write!(f, "The update server has no build for this computer ({target}).")
            }
            Self::InstallRefused => f.write_str(
                "Installing the update needs an administrator's approval, which was refused or cancelled: \
                 not installed.",
            ),
            Self::InstallFailed(why) => {
                write!(f, "The update was downloaded but could not be installed: {why}")
            }
            Self::Other(why) => write!(f, "The update did not go through: {why}"),
        }
    }
}

/// A boxed future of an [`UpdateService`] call.
pub type UpdateFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, UpdateError>> + Send + 'a>>;
/// Download progress: bytes received so far, and the total when the server says it.
pub type Progress = Box<dyn Fn(u64, Option<u64>) + Send + Sync + 'static>;

/// What the shell does for updates (through its updater plugin); tests use a fake.
pub trait UpdateService: Send + Sync + 'static {
    /// The running app's version.
    fn current_version(&self) -> String;
    /// Asks the update server: a version greater than the running one, or `None` (the server offers
    /// the same or an older one, which is never installed).
    fn check(&self) -> UpdateFuture<'_, Option<OfferedUpdate>>;
    /// Downloads the update the last check found, verifies its signature, and installs it.
    fn install(&self, progress: Progress) -> UpdateFuture<'_, ()>;
    /// Restarts the app into the installed version (in the shell, does not return).
    fn restart(&self);
}

/// Where updates are, as the window shows it. Tagged by `state`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateState {
    /// Not checked in this run.
    Idle,
    Checking,
    /// The server offers nothing newer than the running `version`.
    UpToDate {
        version: String,
    },
    /// `version` can be installed (only when the user says so).
    Available {
        version: String,
        notes: Option<String>,
    },
    /// Downloading `version`: bytes so far, and the total when known.
    Downloading {
        version: String,
        downloaded: u64,
        total: Option<u64>,
    },
    /// Installed; the app restarts.
    Restarting {
        version: String,
    },
    /// A check or install failed; `version` is the update still on offer (install can be retried).
    Failed {
        message: String,
        version: Option<String>,
    },
}

/// Updates for the window: whether this build has them at all, and where they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UpdateStatusView {
    /// false: this build has no update server; show no update controls.
    pub configured: bool,
    /// The running version ("" when not configured).
    pub current_version: String,
    pub state: UpdateState,
    /// When updates were last checked (RFC 3339), by hand or in the background.
    pub last_checked: Option<String>,
    /// "Later" was pressed for the update on offer: the banner stays hidden in this run (Settings and
    /// the tray still offer it).
    pub dismissed: bool,
}
