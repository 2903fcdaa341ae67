//! The updater behind an [`App`](crate::app::App): its state, the check, the install, and when the
//! daily check is due.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zenml_pro_core::CancellationToken;

use super::{Progress, UpdateService, UpdateState, UpdateStatusView, CHECK_EVERY, LAST_CHECK_FILE};
use crate::app::lock;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::events::AppEvent;
use crate::refresh::Shared;

#[derive(Default, Serialize, Deserialize)]
struct LastCheck {
    at: Option<DateTime<Utc>>,
}

/// The updates of an [`App`](crate::app::App): none without an update service.
#[derive(Default)]
pub(crate) struct Updates {
    pub(super) inner: Option<Arc<Updater>>,
}

pub(super) struct Updater {
    pub(super) service: Arc<dyn UpdateService>,
    pub(super) shared: Arc<Shared>,
    pub(super) data_dir: PathBuf,
    pub(super) state: Mutex<(UpdateState, bool)>,
    pub(super) last_check: Mutex<Option<DateTime<Utc>>>,
    /// One check at a time.
    pub(super) checking: tokio::sync::Mutex<()>,
    pub(super) installing: AtomicBool,
    /// Cancels the daily check loop.
    pub(super) schedule: Mutex<Option<CancellationToken>>,
}

pub(super) fn load_last_check(dir: &Path) -> Option<DateTime<Utc>> {
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
    pub(super) fn view(&self) -> UpdateStatusView {
        let (state, dismissed) = lock(&self.state).clone();
        UpdateStatusView {
            configured: true,
            current_version: self.service.current_version(),
            state,
            last_checked: lock(&self.last_check).map(|t| t.to_rfc3339()),
            dismissed,
        }
    }

    pub(super) fn set(&self, state: UpdateState) -> UpdateStatusView {
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
    pub(super) fn offered(&self) -> Option<String> {
        match &lock(&self.state).0 {
            UpdateState::Available { version, .. } => Some(version.clone()),
            UpdateState::Failed { version, .. } => version.clone(),
            _ => None,
        }
    }

    pub(super) async fn check(&self, by_hand: bool) -> UpdateStatusView {
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

    pub(super) async fn install(self: &Arc<Self>) -> IpcResult<UpdateStatusView> {
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
    pub(super) fn due(&self, now: DateTime<Utc>) -> bool {
        let every = chrono::Duration::from_std(CHECK_EVERY).unwrap_or(chrono::Duration::days(1));
        lock(&self.last_check).is_none_or(|last| now - last >= every || last > now)
    }
}

pub(super) async fn daily(u: &Arc<Updater>, now: DateTime<Utc>) -> bool {
    if !lock(&u.shared.settings).check_updates_daily || !u.due(now) {
        return false;
    }
    tracing::info!("the daily update check");
    u.check(false).await;
    true
}
