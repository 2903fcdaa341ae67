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

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::CancellationToken;

use crate::app::{lock, App};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::events::AppEvent;
use crate::refresh::Shared;

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

#[derive(Default, Serialize, Deserialize)]
struct LastCheck {
    at: Option<DateTime<Utc>>,
}

/// The updates of an [`App`]: none without an update service.
#[derive(Default)]
pub(crate) struct Updates {
    inner: Option<Arc<Updater>>,
}

struct Updater {
    service: Arc<dyn UpdateService>,
    shared: Arc<Shared>,
    data_dir: PathBuf,
    state: Mutex<(UpdateState, bool)>,
    last_check: Mutex<Option<DateTime<Utc>>>,
    /// One check at a time.
    checking: tokio::sync::Mutex<()>,
    installing: AtomicBool,
    /// Cancels the daily check loop.
    schedule: Mutex<Option<CancellationToken>>,
}

fn load_last_check(dir: &Path) -> Option<DateTime<Utc>> {
    let bytes = std::fs::read(dir.join(LAST_CHECK_FILE)).ok()?;
    match serde_json::from_slice::<LastCheck>(&bytes) {
        Ok(l) => l.at,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable time of the last update check: checking again");
            None
        }
    }
}

fn save_last_check(dir: &Path, at: DateTime<Utc>) {
    let path = dir.join(LAST_CHECK_FILE);
    let tmp = path.with_extension("json.tmp");
    let written = serde_json::to_vec(&LastCheck { at: Some(at) })
        .map_err(std::io::Error::other)
        .and_then(|bytes| std::fs::write(&tmp, bytes))
        .and_then(|()| std::fs::rename(&tmp, &path));
    if let Err(e) = written {
        tracing::warn!(error = %e, "could not save the time of the update check");
    }
}

impl Updater {
    fn view(&self) -> UpdateStatusView {
        let (state, dismissed) = lock(&self.state).clone();
        UpdateStatusView {
            configured: true,
            current_version: self.service.current_version(),
            state,
            last_checked: lock(&self.last_check).map(|t| t.to_rfc3339()),
            dismissed,
        }
    }

    fn set(&self, state: UpdateState) -> UpdateStatusView {
        {
            let mut s = lock(&self.state);
            // A new version on offer shows the banner again.
            let new_offer = matches!(&state, UpdateState::Available { version, .. }
                if !matches!(&s.0, UpdateState::Available { version: old, .. } if old == version));
            if new_offer {
                s.1 = false;
            }
            s.0 = state;
        }
        let view = self.view();
        self.shared.events.emit(AppEvent::UpdateStatus { status: view.clone() });
        view
    }

    /// The version on offer (available, or still on offer after a failed install).
    fn offered(&self) -> Option<String> {
        match &lock(&self.state).0 {
            UpdateState::Available { version, .. } => Some(version.clone()),
            UpdateState::Failed { version, .. } => version.clone(),
            _ => None,
        }
    }

    async fn check(&self, by_hand: bool) -> UpdateStatusView {
        let _one = self.checking.lock().await;
        if self.installing.load(Ordering::SeqCst) {
            return self.view();
        }
        let before = lock(&self.state).0.clone();
        if by_hand {
            self.set(UpdateState::Checking);
        }
        let now = Utc::now();
        *lock(&self.last_check) = Some(now);
        save_last_check(&self.data_dir, now);
        let current = self.service.current_version();
        match self.service.check().await {
            Ok(Some(offer)) => {
                tracing::info!(current, offered = offer.version, "an update is available");
                self.set(UpdateState::Available { version: offer.version, notes: offer.notes })
            }
            Ok(None) => {
                tracing::info!(current, "no newer version on the update server");
                self.set(UpdateState::UpToDate { version: current })
            }
            Err(e) => {
                tracing::warn!(error = %e, by_hand, "the update check failed");
                if by_hand {
                    let version = match before {
                        UpdateState::Available { version, .. } => Some(version),
                        UpdateState::Failed { version, .. } => version,
                        _ => None,
                    };
                    self.set(UpdateState::Failed { message: e.to_string(), version })
                } else {
                    // A background check that failed changes nothing on screen; the next one retries.
                    self.view()
                }
            }
        }
    }

    async fn install(self: &Arc<Self>) -> IpcResult<UpdateStatusView> {
        let Some(version) = self.offered() else {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "no update to install: check for updates first",
            ));
        };
        if self.installing.swap(true, Ordering::SeqCst) {
            return Err(IpcError::new(ErrorCode::InvalidInput, "the update is already being installed"));
        }
        tracing::info!(version, "installing the update the user asked for");
        self.set(UpdateState::Downloading { version: version.clone(), downloaded: 0, total: None });
        let me = Arc::downgrade(self);
        let v = version.clone();
        let progress: Progress = Box::new(move |downloaded, total| {
            if let Some(me) = me.upgrade() {
                me.set(UpdateState::Downloading { version: v.clone(), downloaded, total });
            }
        });
        let result = self.service.install(progress).await;
        self.installing.store(false, Ordering::SeqCst);
        match result {
            Ok(()) => {
                tracing::info!(version, "update installed: restarting");
                let view = self.set(UpdateState::Restarting { version });
                self.service.restart();
                Ok(view)
            }
            Err(e) => {
                tracing::warn!(error = %e, version, "the update was not installed");
                Ok(self.set(UpdateState::Failed { message: e.to_string(), version: Some(version) }))
            }
        }
    }

    /// Whether the daily check is due at `now`.
    fn due(&self, now: DateTime<Utc>) -> bool {
        let every = chrono::Duration::from_std(CHECK_EVERY).unwrap_or(chrono::Duration::days(1));
        lock(&self.last_check).is_none_or(|last| now - last >= every || last > now)
    }
}

impl App {
    /// Gives the app the shell's update service (only in builds with an update server).
    pub fn with_updater(mut self, service: Arc<dyn UpdateService>) -> Self {
        let data_dir = self.core().data_dir().to_path_buf();
        self.updates = Updates {
            inner: Some(Arc::new(Updater {
                last_check: Mutex::new(load_last_check(&data_dir)),
                service,
                shared: self.shared.clone(),
                data_dir,
                state: Mutex::new((UpdateState::Idle, false)),
                checking: tokio::sync::Mutex::new(()),
                installing: AtomicBool::new(false),
                schedule: Mutex::new(None),
            })),
        };
        self
    }

    fn updater(&self) -> IpcResult<&Arc<Updater>> {
        self.updates.inner.as_ref().ok_or_else(|| {
            IpcError::new(ErrorCode::InvalidInput, "this build of the app has no update server")
        })
    }

    /// Where updates are (`configured: false` in a build without an update server).
    pub fn update_status_now(&self) -> UpdateStatusView {
        match &self.updates.inner {
            Some(u) => u.view(),
            None => UpdateStatusView {
                configured: false,
                current_version: String::new(),
                state: UpdateState::Idle,
                last_checked: None,
                dismissed: false,
            },
        }
    }

    /// Checks for updates now (the Settings button).
    pub(crate) async fn check_updates_by_hand(&self) -> IpcResult<UpdateStatusView> {
        Ok(self.updater()?.check(true).await)
    }

    /// Downloads, verifies and installs the update on offer, then restarts (the banner's, Settings'
    /// and the tray's "Install and restart"). Resolves to the state it ended in: restarting, or
    /// failed with a message.
    pub(crate) async fn install_offered_update(&self) -> IpcResult<UpdateStatusView> {
        self.updater()?.install().await
    }

    /// "Later": hides the banner for the update on offer, in this run.
    pub(crate) fn dismiss_offered_update(&self) -> IpcResult<UpdateStatusView> {
        let u = self.updater()?;
        lock(&u.state).1 = true;
        let view = u.view();
        self.shared.events.emit(AppEvent::UpdateStatus { status: view.clone() });
        Ok(view)
    }

    /// The version the tray offers to install, if any.
    pub(crate) fn offered_update(&self) -> Option<String> {
        let u = self.updates.inner.as_ref()?;
        if u.installing.load(Ordering::SeqCst) {
            return None;
        }
        u.offered()
    }

    /// Runs the daily check if it is due at `now` and the setting is on; whether it ran. The
    /// background loop calls this; a build without an update server never checks.
    pub async fn run_daily_update_check(&self, now: DateTime<Utc>) -> bool {
        match &self.updates.inner {
            Some(u) => daily(u, now).await,
            None => false,
        }
    }

    /// Starts the daily check in the background (replacing a running one); nothing without an update
    /// server.
    pub(crate) fn start_update_checks(&self) {
        let Some(u) = self.updates.inner.clone() else { return };
        let token = CancellationToken::new();
        if let Some(old) = lock(&u.schedule).replace(token.clone()) {
            old.cancel();
        }
        tokio::spawn(async move {
            loop {
                daily(&u, Utc::now()).await;
                tokio::select! {
                    () = token.cancelled() => return,
                    () = tokio::time::sleep(LOOK_EVERY) => {}
                }
            }
        });
    }

    /// Stops the daily check.
    pub(crate) fn stop_update_checks(&self) {
        if let Some(u) = &self.updates.inner {
            if let Some(t) = lock(&u.schedule).take() {
                t.cancel();
            }
        }
    }
}

async fn daily(u: &Arc<Updater>, now: DateTime<Utc>) -> bool {
    if !lock(&u.shared.settings).check_updates_daily || !u.due(now) {
        return false;
    }
    tracing::info!("the daily update check");
    u.check(false).await;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_has_updates_only_with_both_an_https_endpoint_and_a_key() {
        let c = UpdateConfig::from_values(Some(" https://updates.example.test/latest.json "), Some("a2V5"));
        assert_eq!(
            c.map(|c| c.endpoint.to_string()).as_deref(),
            Some("https://updates.example.test/latest.json")
        );
        assert_eq!(UpdateConfig::from_values(None, None), None);
        assert_eq!(UpdateConfig::from_values(Some("https://u.example.test/x"), None), None);
        assert_eq!(UpdateConfig::from_values(Some("https://u.example.test/x"), Some("  ")), None);
        assert_eq!(UpdateConfig::from_values(None, Some("a2V5")), None);
        assert_eq!(UpdateConfig::from_values(Some("http://updates.example.test/x"), Some("a2V5")), None);
        assert_eq!(UpdateConfig::from_values(Some("not a url"), Some("a2V5")), None);
        assert!(UpdateConfig::from_values(Some("http://127.0.0.1:8080/latest.json"), Some("a2V5")).is_some());
    }

    #[test]
    fn errors_read_as_plain_sentences() {
        assert_eq!(
            UpdateError::BadSignature.to_string(),
            "The update's signature does not match this app's update key: not installed."
        );
        assert!(UpdateError::NoBuildHere("linux-x86_64".into()).to_string().contains("linux-x86_64"));
    }
}
