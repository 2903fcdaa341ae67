//! What an [`App`] offers of updates: the updater set up, the status, a check by hand, the install,
//! dismissing an offer, and the daily check started and stopped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use zenml_pro_core::CancellationToken;

use super::updater::{daily, load_last_check, Updater, Updates};
use super::{UpdateService, UpdateState, UpdateStatusView, LOOK_EVERY};
use crate::app::{lock, App};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::events::AppEvent;

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
