//! Syncing: one sync at a time (the button, the tray and the background refresh), its progress and
//! result told to the window, and the background refresh loop.

use std::sync::{Arc, Mutex};
pub use zenml_pro_core::CancellationToken;

use chrono::Utc;
use zenml_pro_core::{Core, ErrorCode as CoreCode, SyncOptions, SyncProgress};

use crate::app::{lock, App};
use crate::error::IpcResult;
use crate::events::{AppEvent, EventSink, SyncStage};
use crate::notify::{session_notice, Watch};
use crate::settings::DesktopSettings;
use crate::views::*;

/// Gives memory freed after a large piece of work (a sync parses and writes every list) back to the
/// system. glibc keeps freed memory in per-thread arenas; an app that then idles in the tray would
/// hold on to the peak of its last sync.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim takes no pointer and only returns free heap pages to the system; glibc
    // makes it safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// What the background refresh task shares with the app.
pub(crate) struct Shared {
    pub(crate) core: Arc<Core>,
    pub(crate) events: Arc<dyn EventSink>,
    /// Last known reachability of the server.
    pub(crate) online: Mutex<bool>,
    /// One sync at a time (the button and the background refresh).
    pub(crate) sync_lock: tokio::sync::Mutex<()>,
    /// The desktop settings (tray, start at login, notifications), saved in the data directory.
    pub(crate) settings: Mutex<DesktopSettings>,
    /// Sessions already warned about: (account, expiry), so each expiry is announced once.
    pub(crate) warned_sessions: Mutex<std::collections::HashSet<(String, i64)>>,
}

impl Shared {
    /// Syncs an account, telling the UI its progress, the result, and the connectivity it showed.
    pub(crate) async fn sync(
        &self,
        account_id: &str,
        cancel: &CancellationToken,
    ) -> IpcResult<SyncReportView> {
        let _one = self.sync_lock.lock().await;
        let events = self.events.clone();
        let progress = move |p: SyncProgress| {
            let event = match p {
                SyncProgress::Listing => AppEvent::SyncProgress {
                    stage: SyncStage::Listing,
                    done: 0,
                    total: 0,
                    organization: None,
                },
                SyncProgress::Organization { name, done, total, .. } => AppEvent::SyncProgress {
                    stage: SyncStage::Organization,
                    done: to_u32(done),
                    total: to_u32(total),
                    organization: Some(name),
                },
                SyncProgress::Finished { total, .. } => AppEvent::SyncProgress {
                    stage: SyncStage::Finished,
                    done: to_u32(total),
                    total: to_u32(total),
                    organization: None,
                },
            };
            events.emit(event);
        };
        let watch = self.watching().then(|| Watch::read(&self.core, account_id));
        let result = self.core.sync(account_id, &SyncOptions::default(), &progress, cancel).await;
        self.check_session(account_id);
        match result {
            Ok(report) => {
                let report = SyncReportView::from(&report);
                self.set_online(true, Some(iso(Utc::now())));
                self.events.emit(AppEvent::SyncFinished { report: report.clone() });
                self.events.emit(AppEvent::DataChanged {
                    account_id: account_id.to_owned(),
                    org_id: None,
                    entities: zenml_pro_core::Entity::ALL.to_vec(),
                });
                for notice in watch.map(|w| w.notices(&self.core, account_id)).unwrap_or_default() {
                    self.notify(notice);
                }
                release_free_memory();
                Ok(report)
            }
            Err(e) => {
                if e.code == CoreCode::Offline {
                    let as_of =
                        self.core.organization_list(account_id).ok().and_then(|l| l.fetched_at).map(iso);
                    self.set_online(false, as_of);
                }
                if e.code == CoreCode::Unauthorized
                    && self.core.account(account_id).is_ok_and(|a| !a.signed_in)
                {
                    // Signed out beside the app (by `zpro logout`, say): the window shows it.
                    self.events.emit(AppEvent::SessionChanged {});
                }
                Err(e.into())
            }
        }
    }

    pub(crate) fn set_online(&self, online: bool, as_of: Option<String>) {
        *lock(&self.online) = online;
        self.events.emit(AppEvent::Connectivity { online, as_of });
    }

    /// Whether a sync needs to note what it may change (some change notification is on).
    pub(crate) fn watching(&self) -> bool {
        let s = lock(&self.settings);
        s.notify_invitation_accepted || s.notify_workspace_status
    }

    /// Emits a notification when the settings allow its kind.
    pub(crate) fn notify(&self, event: AppEvent) {
        if let AppEvent::Notification { about, .. } = &event {
            if !about.enabled(&lock(&self.settings)) {
                return;
            }
        }
        self.events.emit(event);
    }

    /// Warns once per expiry when the account's session cannot renew itself and ends within a day.
    pub(crate) fn check_session(&self, account_id: &str) {
        let Ok(account) = self.core.account(account_id) else { return };
        let Some(notice) = session_notice(&account, Utc::now()) else { return };
        let key = (account.id.clone(), account.token_expires_at.map_or(0, |t| t.timestamp()));
        if lock(&self.warned_sessions).insert(key) {
            self.notify(notice);
        }
    }
}

impl App {
    /// Restarts the background refresh for an account (or stops it).
    pub(crate) fn restart_refresh(&self, account_id: Option<String>) {
        let mut slot = lock(&self.refresh);
        if let Some(old) = slot.take() {
            old.cancel();
        }
        let Some(account_id) = account_id else { return };
        let cancel = CancellationToken::new();
        *slot = Some(cancel.clone());
        let (shared, interval) = (self.shared.clone(), self.refresh_interval);
        tokio::spawn(async move {
            let token = cancel.clone();
            zenml_pro_core::refresh_every(interval, cancel, &account_id.clone(), || {
                let (shared, account_id, token) = (shared.clone(), account_id.clone(), token.clone());
                async move { shared.sync(&account_id, &token).await.map(|_| ()).map_err(|e| (e.code, e.message)) }
            })
            .await;
        });
    }
}
