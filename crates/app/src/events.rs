//! [`AppEvent`]: the one event the UI listens to (`"app-event"`), and the [`EventSink`] the shell
//! implements to deliver it.

use std::sync::Mutex;

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

use crate::notify::NotificationKind;
use crate::settings::DesktopSettings;
use crate::views::SyncReportView;

/// The name of the one event the shell emits.
pub const EVENT_NAME: &str = "app-event";

/// Where a sync is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum SyncStage {
    /// Listing the organizations.
    Listing,
    /// One organization is done (or failed).
    Organization,
    Finished,
}

/// Everything the UI is told without asking. Tagged by `kind`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppEvent {
    SyncProgress {
        stage: SyncStage,
        done: u32,
        total: u32,
        organization: Option<String>,
    },
    SyncFinished {
        report: SyncReportView,
    },
    /// One step of an offboarding is done, failed or was not attempted (1-based `index` of `total`).
    OffboardProgress {
        index: u32,
        total: u32,
        // Boxed: a step is much larger than every other event.
        result: Box<crate::views::StepResultView>,
    },
    /// Cached data changed (after a write or a sync): read again what is shown of `entities`.
    /// `org_id` null: every organization of the account (a sync).
    DataChanged {
        account_id: String,
        org_id: Option<String>,
        entities: Vec<zenml_pro_core::Entity>,
    },
    ActiveOrgChanged {
        account_id: String,
        org_id: String,
    },
    /// Accounts changed (sign-in, sign-out, switch, the demo started): call `app_state` again.
    SessionChanged {},
    /// `online: false` after a sync failed with `offline`, with when the shown data was fetched;
    /// `online: true` after a sync reached the server, with the time it did.
    Connectivity {
        online: bool,
        as_of: Option<String>,
    },
    /// Something to tell the user even with the window hidden: the shell shows it as a native
    /// notification (see [`crate::notify`]); only kinds the settings allow are emitted.
    Notification {
        about: NotificationKind,
        title: String,
        body: String,
        account_id: String,
        org_id: Option<String>,
    },
    /// A message for the window's notice bar (a deep link that could not be opened, say).
    Notice {
        message: String,
    },
    /// The desktop settings changed (from the window or the tray).
    SettingsChanged {
        settings: DesktopSettings,
    },
    /// Where updates are changed (a check, an update on offer, download progress, a failure).
    UpdateStatus {
        status: crate::updates::UpdateStatusView,
    },
}

/// Delivers events to the UI. The shell emits them as `"app-event"`; tests record them.
pub trait EventSink: Send + Sync + 'static {
    fn emit(&self, event: AppEvent);
}

/// Opens a URL in the user's browser (the shell does it through its opener plugin).
pub trait UrlOpener: Send + Sync + 'static {
    fn open_url(&self, url: &str) -> Result<(), String>;
    /// Opens a folder of this computer in the file manager.
    fn open_path(&self, path: &std::path::Path) -> Result<(), String>;
}

/// What the save dialog is opened with: its title, the folder and file name it suggests, and the one
/// kind of file it offers (a filter's name and its extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveDialogRequest {
    pub title: String,
    pub folder: std::path::PathBuf,
    pub file_name: String,
    pub filter_name: String,
    pub extension: String,
}

/// The answer of a save dialog: the file chosen, or `None` when it was cancelled.
pub type SaveDialogReply = Box<dyn FnOnce(Option<std::path::PathBuf>) + Send + 'static>;

/// Asks the user where to save a file: the shell shows the desktop's native save dialog, from Rust
/// (the webview has no dialog permission and never sends a path). Returns at once; `reply` is called
/// once, from any thread, when the dialog closes (a reply dropped uncalled counts as cancelled).
pub trait SaveDialog: Send + Sync + 'static {
    fn ask_save_path(&self, request: SaveDialogRequest, reply: SaveDialogReply);
}

/// A [`SaveDialog`] for tests and headless runs: answers each request with the next answer queued
/// ([`StandInSaveDialog::answer`]), or as cancelled when none is, and keeps the requests.
#[derive(Default)]
pub struct StandInSaveDialog {
    answers: Mutex<std::collections::VecDeque<Option<std::path::PathBuf>>>,
    requests: Mutex<Vec<SaveDialogRequest>>,
}

impl StandInSaveDialog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues the answer of a later dialog: a file, or `None` for a cancelled dialog.
    pub fn answer(&self, path: Option<std::path::PathBuf>) {
        self.answers.lock().unwrap_or_else(|p| p.into_inner()).push_back(path);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<SaveDialogRequest> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl SaveDialog for StandInSaveDialog {
    fn ask_save_path(&self, request: SaveDialogRequest, reply: SaveDialogReply) {
        self.requests.lock().unwrap_or_else(|p| p.into_inner()).push(request);
        let answer = self.answers.lock().unwrap_or_else(|p| p.into_inner()).pop_front().flatten();
        reply(answer);
    }
}

/// An [`EventSink`] and [`UrlOpener`] that records what it is given (for tests, and for running the
/// service layer headless).
#[derive(Default)]
pub struct Recorder {
    events: Mutex<Vec<AppEvent>>,
    urls: Mutex<Vec<String>>,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every event so far.
    pub fn events(&self) -> Vec<AppEvent> {
        self.events.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Every URL opened so far.
    pub fn urls(&self) -> Vec<String> {
        self.urls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn clear(&self) {
        self.events.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

impl EventSink for Recorder {
    fn emit(&self, event: AppEvent) {
        self.events.lock().unwrap_or_else(|p| p.into_inner()).push(event);
    }
}

impl UrlOpener for Recorder {
    fn open_url(&self, url: &str) -> Result<(), String> {
        self.urls.lock().unwrap_or_else(|p| p.into_inner()).push(url.to_owned());
        Ok(())
    }

    /// Recorded among the URLs as `file://<path>`.
    fn open_path(&self, path: &std::path::Path) -> Result<(), String> {
        self.urls.lock().unwrap_or_else(|p| p.into_inner()).push(format!("file://{}", path.display()));
        Ok(())
    }
}
