//! [`App`]: the desktop app's services (held in `tauri::State`), its configuration and the helpers
//! every concern shares. Its commands are generated from the table in [`crate::ipc`]; the work they do
//! lives in the modules beside this one.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use uuid::Uuid;
use zenml_pro_core::api::{Workspace, DEFAULT_BASE_URL};
use zenml_pro_core::{
    AccountRecord, CancellationToken, ClientSettings, Core, CoreOptions, Dashboards, DeviceLogin, Entity,
    MemoryKeyring, OsKeyring, SecretStore,
};

use crate::demo::Demo;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::events::{AppEvent, EventSink, SaveDialog, UrlOpener};
use crate::links::{dashboard_page, web_page};
use crate::refresh::Shared;
use crate::secrets::SecretRouter;
use crate::settings::{self, Autostart, DesktopEntryAutostart, DesktopSettings};

/// `ZENML_PRO_API_URL`: the API URL the sign-in screen proposes.
pub const API_URL_ENV: &str = "ZENML_PRO_API_URL";
/// `ZENML_PRO_URL`: the web dashboard "Open in dashboard" links point at.
pub const DASHBOARD_URL_ENV: &str = "ZENML_PRO_URL";
/// `ZENML_PRO_DESKTOP_DEMO=1`: the same as `--demo`.
pub const DEMO_ENV: &str = "ZENML_PRO_DESKTOP_DEMO";
/// The dashboard without `ZENML_PRO_URL`.
pub const DEFAULT_DASHBOARD_URL: &str = zenml_pro_core::dashboard::DEFAULT_ZENML_DASHBOARD;
/// `ZENML_PRO_KITARU_URL`: the web dashboard a Kitaru workspace's "Open in dashboard" goes to.
pub const KITARU_DASHBOARD_URL_ENV: &str = zenml_pro_core::KITARU_DASHBOARD_ENV;
/// Kitaru's dashboard without `ZENML_PRO_KITARU_URL`.
pub const DEFAULT_KITARU_DASHBOARD_URL: &str = zenml_pro_core::dashboard::DEFAULT_KITARU_DASHBOARD;
/// How often the active account is synced in the background.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// How often a workspace being changed is polled until it leaves `pending`.
pub const FOLLOW_INTERVAL: Duration = Duration::from_secs(2);
/// Rows per member page when the query gives no limit, and the most one page may hold.
pub const DEFAULT_MEMBER_PAGE: u32 = 100;
pub const MAX_MEMBER_PAGE: u32 = 1000;

/// What [`App::new`] needs.
pub struct AppConfig {
    pub data_dir: PathBuf,
    /// The OS keyring; an in-memory store only in demo mode and in tests.
    pub secrets: Arc<dyn SecretStore>,
    pub client: ClientSettings,
    pub default_api_url: String,
    /// The dashboard's root, without a trailing slash.
    pub dashboard_url: String,
    /// Kitaru's dashboard's root (a Kitaru workspace's page is there), without a trailing slash.
    pub kitaru_dashboard_url: String,
    /// Demo mode: started with `--demo` (or `ZENML_PRO_DESKTOP_DEMO=1`).
    pub demo: bool,
    pub refresh_interval: Duration,
    /// When the program started: the first paint is logged as the time since then.
    pub started: Instant,
    /// Where "start at login" puts its entry (the freedesktop autostart directory); `None` where
    /// there is none, and on macOS and Windows, where the shell gives the app its own [`Autostart`]
    /// (see [`App::with_autostart`]).
    pub autostart_dir: Option<PathBuf>,
    /// The program the autostart entry launches.
    pub executable: PathBuf,
}

impl AppConfig {
    /// From the environment. The keyring is the OS keyring (under a service name of the data
    /// directory's, see [`OsKeyring::for_data_dir`]). In demo mode the app keeps the secrets it stores
    /// in memory instead (the demo's key is public, nothing of it must outlive the process, and the
    /// demo must run where there is no Secret Service), but signing out still deletes an account's
    /// entries from the OS keyring.
    pub fn from_env(demo: bool) -> IpcResult<Self> {
        let data_dir =
            zenml_pro_core::data_dir().map_err(|e| IpcError::internal(format!("no data directory: {e}")))?;
        let secrets: Arc<dyn SecretStore> = Arc::new(OsKeyring::for_data_dir(&data_dir));
        let env = |name: &str, default: &str| {
            std::env::var(name).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_owned())
        };
        Ok(Self {
            data_dir,
            secrets,
            client: ClientSettings::from_env(),
            default_api_url: env(API_URL_ENV, DEFAULT_BASE_URL),
            dashboard_url: env(DASHBOARD_URL_ENV, DEFAULT_DASHBOARD_URL).trim_end_matches('/').to_owned(),
            kitaru_dashboard_url: env(KITARU_DASHBOARD_URL_ENV, DEFAULT_KITARU_DASHBOARD_URL)
                .trim_end_matches('/')
                .to_owned(),
            demo,
            refresh_interval: REFRESH_INTERVAL,
            started: Instant::now(),
            // macOS and Windows have no freedesktop autostart folder: the shell's plugin does it there.
            autostart_dir: if cfg!(any(target_os = "macos", target_os = "windows")) {
                None
            } else {
                settings::autostart_dir()
            },
            executable: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("zenml-pro-desktop")),
        })
    }
}

/// Whether the environment asks for demo mode (`ZENML_PRO_DESKTOP_DEMO=1` or `true`).
pub fn demo_requested_by_env() -> bool {
    std::env::var(DEMO_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The desktop app's services, held in `tauri::State`.
pub struct App {
    pub(crate) shared: Arc<Shared>,
    pub(crate) opener: Arc<dyn UrlOpener>,
    pub(crate) default_api_url: String,
    pub(crate) dashboard_url: String,
    /// Each kind of workspace's dashboard (ZenML's is `dashboard_url`).
    pub(crate) dashboards: Dashboards,
    pub(crate) demo_mode: bool,
    pub(crate) refresh_interval: Duration,
    pub(crate) cache_notice: Mutex<Option<String>>,
    pub(crate) demo: tokio::sync::Mutex<Option<Demo>>,
    pub(crate) device: Mutex<Option<Arc<DeviceLogin>>>,
    /// Cancels the running background refresh.
    pub(crate) refresh: Mutex<Option<CancellationToken>>,
    /// Starts the app at login: the freedesktop entry from the configuration, or the shell's own.
    pub(crate) autostart: Arc<dyn Autostart>,
    pub(crate) secrets: Arc<SecretRouter>,
    /// One tray switch at a time: an account switch and the organization switch after it stay together.
    pub(crate) tray_switch: tokio::sync::Mutex<()>,
    pub(crate) started: Instant,
    /// Whether the first paint has been logged.
    pub(crate) painted: AtomicBool,
    /// How often a workspace being changed is polled, in milliseconds.
    pub(crate) follow_interval_ms: AtomicU64,
    /// The parent of every workspace being followed: cancelled (and replaced) on sign-out and quit.
    pub(crate) follows: Mutex<CancellationToken>,
    /// Stops the offboarding that is running (before its next step).
    pub(crate) offboard: Mutex<Option<CancellationToken>>,
    /// Where an export asks for its file (the shell's native save dialog); none: exports are refused.
    pub(crate) save_dialog: Option<Arc<dyn SaveDialog>>,
    /// The files exports were saved to in this run: Show in folder opens only their folders.
    pub(crate) saved_exports: Mutex<Vec<PathBuf>>,
    /// In-app updates: none unless the shell gives an update service ([`App::with_updater`]).
    pub(crate) updates: crate::updates::Updates,
}

impl App {
    /// Opens the cache. Starts nothing: call [`App::resume`] once a runtime is there.
    pub fn new(config: AppConfig, events: Arc<dyn EventSink>, opener: Arc<dyn UrlOpener>) -> IpcResult<Self> {
        let secrets = Arc::new(SecretRouter {
            keyring: config.secrets,
            memory: MemoryKeyring::new(),
            demo_accounts: Mutex::new(Default::default()),
            all_in_memory: config.demo,
        });
        let (core, notice) = Core::open(CoreOptions {
            data_dir: config.data_dir,
            secrets: secrets.clone(),
            client: config.client,
        })?;
        let autostart: Arc<dyn Autostart> =
            Arc::new(DesktopEntryAutostart { dir: config.autostart_dir, executable: config.executable });
        let settings = DesktopSettings::load(core.data_dir());
        Ok(Self {
            shared: Arc::new(Shared {
                core: Arc::new(core),
                events,
                online: Mutex::new(true),
                sync_lock: tokio::sync::Mutex::new(()),
                settings: Mutex::new(settings),
                warned_sessions: Mutex::new(Default::default()),
            }),
            opener,
            default_api_url: config.default_api_url,
            dashboards: Dashboards::new(&config.dashboard_url, &config.kitaru_dashboard_url),
            dashboard_url: config.dashboard_url,
            demo_mode: config.demo,
            refresh_interval: config.refresh_interval,
            cache_notice: Mutex::new(notice.map(|n| n.to_string())),
            demo: tokio::sync::Mutex::new(None),
            device: Mutex::new(None),
            refresh: Mutex::new(None),
            autostart,
            secrets,
            tray_switch: tokio::sync::Mutex::new(()),
            started: config.started,
            painted: AtomicBool::new(false),
            follow_interval_ms: AtomicU64::new(FOLLOW_INTERVAL.as_millis() as u64),
            follows: Mutex::new(CancellationToken::new()),
            offboard: Mutex::new(None),
            save_dialog: None,
            saved_exports: Mutex::new(Vec::new()),
            updates: Default::default(),
        }
        .with_autostart_state())
    }

    /// How the app starts at login, instead of the freedesktop entry of its configuration: the shell
    /// gives its LaunchAgent (macOS) or `Run` key (Windows) implementation here.
    pub fn with_autostart(mut self, autostart: Arc<dyn Autostart>) -> Self {
        self.autostart = autostart;
        self.with_autostart_state()
    }

    /// The "start at login" setting as the system has it: the user may have removed the entry (or
    /// the login item) outside the app, and the settings page must not claim what is not so.
    fn with_autostart_state(self) -> Self {
        let enabled = self.autostart.is_enabled();
        let mut settings = lock(&self.shared.settings);
        if settings.start_at_login != enabled {
            tracing::info!(enabled, "start at login differs from the saved setting: following the system");
            settings.start_at_login = enabled;
        }
        drop(settings);
        self
    }

    /// The save dialog exports ask for their file (the shell's native one; a stand-in in tests).
    pub fn with_save_dialog(mut self, dialog: Arc<dyn SaveDialog>) -> Self {
        self.save_dialog = Some(dialog);
        self
    }

    /// How often a workspace being changed is polled until it lands (tests poll faster).
    pub fn set_follow_interval(&self, every: Duration) {
        self.follow_interval_ms
            .store(u64::try_from(every.as_millis()).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub(crate) fn follow_interval(&self) -> Duration {
        Duration::from_millis(self.follow_interval_ms.load(Ordering::Relaxed))
    }

    /// A token for following one workspace, cancelled by [`App::stop_following`].
    pub(crate) fn follow_token(&self) -> CancellationToken {
        lock(&self.follows).child_token()
    }

    /// Stops following every workspace (the changes go on on the server).
    pub(crate) fn stop_following(&self) {
        std::mem::replace(&mut *lock(&self.follows), CancellationToken::new()).cancel();
    }

    /// The core service (for the shell's tray and for tests).
    pub fn core(&self) -> &Arc<Core> {
        &self.shared.core
    }

    /// At launch: starts the daily update check (when the build has an update server); in demo mode
    /// starts the demo; otherwise starts the background refresh of the active account, if one is
    /// signed in.
    pub async fn resume(&self) -> IpcResult<()> {
        self.check_cache_in_background();
        self.start_update_checks();
        if self.demo_mode {
            self.start_demo().await?;
            return Ok(());
        }
        if let Some(a) = self.core().active_account()?.filter(|a| a.signed_in) {
            self.shared.check_session(&a.id);
            self.restart_refresh(Some(a.id));
        }
        Ok(())
    }

    /// The full integrity check of the cache, on a thread of its own after start (opening checks only
    /// the small tables): damage moves the file aside, a fresh cache takes its place, and the window is
    /// told; the next sync fills it again.
    pub(crate) fn check_cache_in_background(&self) {
        let core = self.core().clone();
        let events = self.shared.events.clone();
        let notice =
            std::thread::Builder::new().name("cache-check".into()).spawn(move || match core.verify_cache() {
                Ok(Some(n)) => events.emit(AppEvent::Notice { message: n.to_string() }),
                Ok(None) => tracing::debug!("the cache passed its full check"),
                Err(e) => tracing::warn!(error = %e, "the cache's full check could not run"),
            });
        if let Err(e) = notice {
            tracing::warn!(error = %e, "could not start the cache check");
        }
    }

    /// Stops the background work and the demo server.
    pub async fn shutdown(&self) {
        self.restart_refresh(None);
        self.stop_following();
        self.stop_update_checks();
        if let Some(d) = self.demo.lock().await.take() {
            d.emulator.shutdown().await;
        }
    }

    // ----- helpers -----

    pub(crate) fn account(&self) -> IpcResult<AccountRecord> {
        self.core()
            .active_account()?
            .ok_or_else(|| IpcError::new(ErrorCode::Unauthorized, "not signed in: sign in or try the demo"))
    }

    pub(crate) fn account_and_org(&self, org: Option<&str>) -> IpcResult<(AccountRecord, Uuid)> {
        let account = self.account()?;
        let org = self.core().resolve_org(&account.id, org.filter(|o| !o.trim().is_empty()))?;
        Ok((account, org))
    }

    pub(crate) fn account_view(&self, a: &AccountRecord) -> IpcResult<zenml_pro_core::records::Account> {
        let active = self.core().active_account()?.is_some_and(|x| x.id == a.id);
        Ok(zenml_pro_core::records::Account::new(a, active))
    }

    pub(crate) fn org_view(
        &self,
        account_id: &str,
        org_id: Uuid,
    ) -> IpcResult<zenml_pro_core::records::Organization> {
        let org = self.core().organization(account_id, &org_id.to_string())?.value;
        let active = self.core().active_organization(account_id)? == Some(org_id);
        Ok(zenml_pro_core::records::Organization::new(&org, active))
    }

    pub(crate) fn org_dashboard(&self, org_id: Uuid) -> String {
        self.dashboard_page(&["organizations", &org_id.to_string()])
    }

    /// A workspace's page of its kind's dashboard (a Kitaru workspace's is on Kitaru's).
    pub(crate) fn workspace_dashboard(&self, org_id: Uuid, workspace: &Workspace) -> String {
        self.dashboards.workspace_page(org_id, workspace)
    }

    pub(crate) fn dashboard_page(&self, segments: &[&str]) -> String {
        dashboard_page(&self.dashboard_url, segments)
    }

    /// Opens a web page in the user's browser, only when it is one (see [`web_page`]).
    pub(crate) fn open_web_page(&self, url: &str) -> IpcResult<()> {
        let page = web_page(url).map_err(|m| IpcError::new(ErrorCode::Server, m))?;
        self.opener
            .open_url(page.as_str())
            .map_err(|e| IpcError::internal(format!("could not open the browser: {e}")))
    }

    /// Tells the window which cached lists of an organization a write changed (each screen reads again
    /// only what it shows of them).
    pub(crate) fn changed(&self, account_id: &str, org_id: Option<Uuid>, entities: &[Entity]) {
        self.shared.events.emit(AppEvent::DataChanged {
            account_id: account_id.to_owned(),
            org_id: org_id.map(|o| o.to_string()),
            entities: entities.to_vec(),
        });
        // A write the server took but the cache could not record is done; the window says so.
        for message in self.core().take_write_notes() {
            self.shared.events.emit(AppEvent::Notice { message });
        }
    }

    pub(crate) fn session_changed(&self) {
        self.shared.events.emit(AppEvent::SessionChanged {});
    }

    /// After any sign-in: the account is active, refreshed in the background, and the UI told.
    pub(crate) fn signed_in(&self, a: &AccountRecord) -> IpcResult<zenml_pro_core::records::Account> {
        self.restart_refresh(Some(a.id.clone()));
        self.session_changed();
        self.account_view(a)
    }
}
