//! [`App`]: every capability of the window, one public async fn per Tauri command.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;
use uuid::Uuid;
use zenml_pro_core::api::{ApiKey, Password, DEFAULT_BASE_URL};
use zenml_pro_core::{
    AccountRecord, CancellationToken, ClientSettings, Core, CoreError, CoreOptions, DeviceLogin,
    ErrorCode as CoreCode, KeyringError, MemberKind, MemberQuery, MemoryKeyring, OsKeyring, SecretKind,
    SecretStore, SyncOptions, SyncProgress,
};
use zenml_pro_emulator::{EmulatorConfig, RunningEmulator};

use crate::deeplink::{self, DeepLink};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::events::{AppEvent, EventSink, SyncStage, UrlOpener};
use crate::notify::{org_name, session_notice, Watch};
use crate::settings::{self, DesktopSettings};
use crate::tray::{TrayAccount, TrayAction, TrayOrg, TrayOutcome, TrayState};
use crate::views::*;

/// `ZENML_PRO_API_URL`: the API URL the sign-in screen proposes.
pub const API_URL_ENV: &str = "ZENML_PRO_API_URL";
/// `ZENML_PRO_URL`: the web dashboard "Open in dashboard" links point at.
pub const DASHBOARD_URL_ENV: &str = "ZENML_PRO_URL";
/// `ZENML_PRO_DESKTOP_DEMO=1`: the same as `--demo`.
pub const DEMO_ENV: &str = "ZENML_PRO_DESKTOP_DEMO";
/// The dashboard without `ZENML_PRO_URL`.
pub const DEFAULT_DASHBOARD_URL: &str = "https://cloud.zenml.io";
/// How often the active account is synced in the background.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// Rows per member page when the query gives no limit, and the most one page may hold.
pub const DEFAULT_MEMBER_PAGE: u32 = 100;
pub const MAX_MEMBER_PAGE: u32 = 1000;

/// Roles the server shows billing fields to.
const BILLING_ROLES: [&str; 2] = ["Organization Admin", "Billing Admin"];

/// What [`App::new`] needs.
pub struct AppConfig {
    pub data_dir: PathBuf,
    /// The OS keyring; an in-memory store only in demo mode and in tests.
    pub secrets: Arc<dyn SecretStore>,
    pub client: ClientSettings,
    pub default_api_url: String,
    /// The dashboard's root, without a trailing slash.
    pub dashboard_url: String,
    /// Demo mode: started with `--demo` (or `ZENML_PRO_DESKTOP_DEMO=1`).
    pub demo: bool,
    pub refresh_interval: Duration,
    /// When the program started: the first paint is logged as the time since then.
    pub started: Instant,
    /// Where "start at login" puts its entry (the freedesktop autostart directory); `None` where
    /// there is none.
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
            demo,
            refresh_interval: REFRESH_INTERVAL,
            started: Instant::now(),
            autostart_dir: settings::autostart_dir(),
            executable: std::env::current_exe().unwrap_or_else(|_| PathBuf::from("zenml-pro-desktop")),
        })
    }
}

/// Whether the environment asks for demo mode (`ZENML_PRO_DESKTOP_DEMO=1` or `true`).
/// Settings key of the demo account of the last run, deleted when the next run makes its own.
const DEMO_ACCOUNT_SETTING: &str = "demo_account";

/// The environment variable choosing the demo server's dialect (`default` or `variant`), so the demo
/// can show the app against the other shapes a real server may have.
pub const DEMO_DIALECT_ENV: &str = "ZENML_PRO_DESKTOP_DEMO_DIALECT";

fn demo_dialect() -> zenml_pro_emulator::Dialect {
    match std::env::var(DEMO_DIALECT_ENV) {
        Err(_) => zenml_pro_emulator::Dialect::Default,
        Ok(v) => v.trim().parse().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "unknown demo dialect; using the default one");
            zenml_pro_emulator::Dialect::Default
        }),
    }
}

pub fn demo_requested_by_env() -> bool {
    std::env::var(DEMO_ENV).is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes"))
}

/// A page of the web dashboard under `base`, each path segment percent-encoded (a workspace named
/// `a/b?c` stays one segment).
fn dashboard_page(base: &str, segments: &[&str]) -> String {
    match url::Url::parse(base) {
        Ok(mut u) if !u.cannot_be_a_base() => {
            if let Ok(mut path) = u.path_segments_mut() {
                path.pop_if_empty().extend(segments);
            }
            u.to_string()
        }
        _ => format!("{base}/{}", segments.join("/")),
    }
}

/// The URL when it is a web page the app may open: `https`, or `http` to this computer. Anything else
/// (`file:`, `javascript:`, another program's scheme, no host) is refused with a plain message.
fn web_page(url: &str) -> Result<url::Url, String> {
    let parsed =
        url::Url::parse(url).map_err(|_| "the address is not a web address; it was not opened".to_owned())?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("an address with a user name or password in it was refused".into());
    }
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(parsed),
        "http" if loopback => Ok(parsed),
        "http" => {
            Err("only https pages are opened (plain http only on this computer); it was refused".into())
        }
        other => Err(format!("only web pages (https) are opened; a {other}: address was refused")),
    }
}

/// Gives memory freed after a large piece of work (a sync parses and writes every list) back to the
/// system. glibc keeps freed memory in per-thread arenas; an app that then idles in the tray would
/// hold on to the peak of its last sync.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: malloc_trim takes no pointer and only returns free heap pages to the system; glibc
    // makes it safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The app's secret store: the configured one (the OS keyring), except for the in-app demo's
/// accounts, whose secrets stay in memory. The demo's key is public, nothing of it may outlive the
/// process, and "Try the demo" must work where there is no keyring.
struct SecretRouter {
    keyring: Arc<dyn SecretStore>,
    memory: MemoryKeyring,
    demo_accounts: Mutex<std::collections::HashSet<String>>,
    /// Demo mode: every secret the app stores stays in memory.
    all_in_memory: bool,
}

impl SecretRouter {
    fn is_demo(&self, account_id: &str) -> bool {
        lock(&self.demo_accounts).contains(account_id)
    }

    fn store(&self, account_id: &str) -> &dyn SecretStore {
        if self.all_in_memory || self.is_demo(account_id) {
            &self.memory
        } else {
            self.keyring.as_ref()
        }
    }
}

impl SecretStore for SecretRouter {
    fn get(&self, account_id: &str, kind: SecretKind) -> Result<Option<String>, KeyringError> {
        self.store(account_id).get(account_id, kind)
    }
    fn set(&self, account_id: &str, kind: SecretKind, value: &str) -> Result<(), KeyringError> {
        self.store(account_id).set(account_id, kind, value)
    }
    /// A real account's entries leave the OS keyring too, even in demo mode (an earlier run may have
    /// stored them there); without a keyring in demo mode that part is only logged.
    fn delete(&self, account_id: &str, kind: SecretKind) -> Result<(), KeyringError> {
        self.memory.delete(account_id, kind)?;
        if self.is_demo(account_id) {
            return Ok(());
        }
        match self.keyring.delete(account_id, kind) {
            Err(KeyringError::Unavailable(m)) if self.all_in_memory => {
                tracing::warn!(reason = %m, "no OS keyring to delete the account's entries from");
                Ok(())
            }
            other => other,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the background refresh task shares with the app.
struct Shared {
    core: Arc<Core>,
    events: Arc<dyn EventSink>,
    /// Last known reachability of the server.
    online: Mutex<bool>,
    /// One sync at a time (the button and the background refresh).
    sync_lock: tokio::sync::Mutex<()>,
    /// The desktop settings (tray, start at login, notifications), saved in the data directory.
    settings: Mutex<DesktopSettings>,
    /// Sessions already warned about: (account, expiry), so each expiry is announced once.
    warned_sessions: Mutex<std::collections::HashSet<(String, i64)>>,
}

impl Shared {
    /// Syncs an account, telling the UI its progress, the result, and the connectivity it showed.
    async fn sync(&self, account_id: &str, cancel: &CancellationToken) -> IpcResult<SyncReportView> {
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
                self.events.emit(AppEvent::DataChanged { account_id: account_id.to_owned(), org_id: None });
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

    fn set_online(&self, online: bool, as_of: Option<String>) {
        *lock(&self.online) = online;
        self.events.emit(AppEvent::Connectivity { online, as_of });
    }

    /// Whether a sync needs to note what it may change (some change notification is on).
    fn watching(&self) -> bool {
        let s = lock(&self.settings);
        s.notify_invitation_accepted || s.notify_workspace_status
    }

    /// Emits a notification when the settings allow its kind.
    fn notify(&self, event: AppEvent) {
        if let AppEvent::Notification { about, .. } = &event {
            if !about.enabled(&lock(&self.settings)) {
                return;
            }
        }
        self.events.emit(event);
    }

    /// Warns once per expiry when the account's session cannot renew itself and ends within a day.
    fn check_session(&self, account_id: &str) {
        let Ok(account) = self.core.account(account_id) else { return };
        let Some(notice) = session_notice(&account, Utc::now()) else { return };
        let key = (account.id.clone(), account.token_expires_at.map_or(0, |t| t.timestamp()));
        if lock(&self.warned_sessions).insert(key) {
            self.notify(notice);
        }
    }
}

/// The in-app demo server and the account signed in to it.
struct Demo {
    emulator: RunningEmulator,
    account_id: String,
}

/// The desktop app's services, held in `tauri::State`.
pub struct App {
    shared: Arc<Shared>,
    opener: Arc<dyn UrlOpener>,
    default_api_url: String,
    dashboard_url: String,
    demo_mode: bool,
    refresh_interval: Duration,
    cache_notice: Mutex<Option<String>>,
    demo: tokio::sync::Mutex<Option<Demo>>,
    device: Mutex<Option<Arc<DeviceLogin>>>,
    /// Cancels the running background refresh.
    refresh: Mutex<Option<CancellationToken>>,
    autostart_dir: Option<PathBuf>,
    executable: PathBuf,
    secrets: Arc<SecretRouter>,
    /// One tray switch at a time: an account switch and the organization switch after it stay together.
    tray_switch: tokio::sync::Mutex<()>,
    started: Instant,
    /// Whether the first paint has been logged.
    painted: AtomicBool,
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
            dashboard_url: config.dashboard_url,
            demo_mode: config.demo,
            refresh_interval: config.refresh_interval,
            cache_notice: Mutex::new(notice.map(|n| n.to_string())),
            demo: tokio::sync::Mutex::new(None),
            device: Mutex::new(None),
            refresh: Mutex::new(None),
            autostart_dir: config.autostart_dir,
            executable: config.executable,
            secrets,
            tray_switch: tokio::sync::Mutex::new(()),
            started: config.started,
            painted: AtomicBool::new(false),
        })
    }

    /// The core service (for the shell's tray and for tests).
    pub fn core(&self) -> &Arc<Core> {
        &self.shared.core
    }

    /// At launch: in demo mode starts the demo; otherwise starts the background refresh of the
    /// active account, if one is signed in.
    pub async fn resume(&self) -> IpcResult<()> {
        self.check_cache_in_background();
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
    fn check_cache_in_background(&self) {
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
        if let Some(d) = self.demo.lock().await.take() {
            d.emulator.shutdown().await;
        }
    }

    // ----- helpers -----

    fn account(&self) -> IpcResult<AccountRecord> {
        self.core()
            .active_account()?
            .ok_or_else(|| IpcError::new(ErrorCode::Unauthorized, "not signed in: sign in or try the demo"))
    }

    fn account_and_org(&self, org: Option<&str>) -> IpcResult<(AccountRecord, Uuid)> {
        let account = self.account()?;
        let org = self.core().resolve_org(&account.id, org.filter(|o| !o.trim().is_empty()))?;
        Ok((account, org))
    }

    fn account_view(&self, a: &AccountRecord) -> IpcResult<AccountView> {
        let active = self.core().active_account()?.is_some_and(|x| x.id == a.id);
        Ok(AccountView::new(a, active))
    }

    fn org_view(&self, account_id: &str, org_id: Uuid) -> IpcResult<OrgView> {
        let org = self.core().organization(account_id, &org_id.to_string())?.value;
        let active = self.core().active_organization(account_id)? == Some(org_id);
        Ok(OrgView::new(&org, active))
    }

    fn org_dashboard(&self, org_id: Uuid) -> String {
        self.dashboard_page(&["organizations", &org_id.to_string()])
    }

    fn dashboard_page(&self, segments: &[&str]) -> String {
        dashboard_page(&self.dashboard_url, segments)
    }

    /// Opens a web page in the user's browser, only when it is one (see [`web_page`]).
    fn open_web_page(&self, url: &str) -> IpcResult<()> {
        let page = web_page(url).map_err(|m| IpcError::new(ErrorCode::Server, m))?;
        self.opener
            .open_url(page.as_str())
            .map_err(|e| IpcError::internal(format!("could not open the browser: {e}")))
    }

    fn changed(&self, account_id: &str, org_id: Option<Uuid>) {
        self.shared.events.emit(AppEvent::DataChanged {
            account_id: account_id.to_owned(),
            org_id: org_id.map(|o| o.to_string()),
        });
    }

    fn session_changed(&self) {
        self.shared.events.emit(AppEvent::SessionChanged {});
    }

    /// Restarts the background refresh for an account (or stops it).
    fn restart_refresh(&self, account_id: Option<String>) {
        let mut slot = lock(&self.refresh);
        if let Some(old) = slot.take() {
            old.cancel();
        }
        let Some(account_id) = account_id else { return };
        let cancel = CancellationToken::new();
        *slot = Some(cancel.clone());
        let (shared, interval) = (self.shared.clone(), self.refresh_interval);
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(interval) => {}
                    () = cancel.cancelled() => return,
                }
                match shared.sync(&account_id, &cancel).await {
                    Ok(_) => {}
                    Err(e) if e.code == ErrorCode::Cancelled => return,
                    Err(e) => tracing::warn!(account = %account_id, error = %e, "background refresh failed"),
                }
            }
        });
    }

    /// After any sign-in: the account is active, refreshed in the background, and the UI told.
    fn signed_in(&self, a: &AccountRecord) -> IpcResult<AccountView> {
        self.restart_refresh(Some(a.id.clone()));
        self.session_changed();
        self.account_view(a)
    }

    // ----- commands: session -----

    /// The UI has painted its first organization list: logs `first paint: <ms> ms since start` once
    /// per process (later calls do nothing), the cold-start figure `scripts/bench-desktop.sh` reads.
    pub async fn ui_painted(&self) -> IpcResult<()> {
        if !self.painted.swap(true, Ordering::Relaxed) {
            tracing::info!("first paint: {} ms since start", self.started.elapsed().as_millis());
        }
        Ok(())
    }

    pub async fn app_state(&self) -> IpcResult<AppStateView> {
        let active = self.core().active_account()?.map(|a| a.id);
        let accounts = self
            .core()
            .accounts()?
            .iter()
            .map(|a| AccountView::new(a, active.as_deref() == Some(a.id.as_str())))
            .collect();
        Ok(AppStateView {
            accounts,
            active_account: active,
            demo: self.demo_mode || self.demo.lock().await.is_some(),
            cache_notice: lock(&self.cache_notice)
                .clone()
                .or_else(|| self.core().take_cache_notice().map(|n| n.to_string())),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            default_api_url: self.default_api_url.clone(),
            online: *lock(&self.shared.online),
        })
    }

    pub async fn login_with_key(&self, url: String, key: String) -> IpcResult<AccountView> {
        let a = self.core().login_with_key(&url, ApiKey::new(key)).await?;
        self.signed_in(&a)
    }

    pub async fn login_with_password(
        &self,
        url: String,
        username: String,
        password: String,
    ) -> IpcResult<AccountView> {
        let a = self.core().login_with_password(&url, &username, Password::new(password)).await?;
        self.signed_in(&a)
    }

    /// Starts a browser sign-in and opens the verification page. A sign-in already waiting is cancelled.
    pub async fn begin_device_login(&self, url: String) -> IpcResult<DeviceLoginView> {
        let login = Arc::new(self.core().begin_device_login(&url).await?);
        if let Some(old) = lock(&self.device).replace(login.clone()) {
            old.cancel();
        }
        if let Err(e) = self.open_web_page(&login.verification_url) {
            if e.code == ErrorCode::Server {
                // Not a web page: neither opened nor shown as one.
                login.cancel();
                lock(&self.device).take();
                return Err(IpcError::new(
                    ErrorCode::Server,
                    format!("the server's sign-in page cannot be used: {}", e.message),
                ));
            }
            // The page's address is shown in the window, so the user can still open it by hand.
            tracing::warn!(error = %e, "could not open the verification page");
        }
        Ok(DeviceLoginView {
            verification_url: login.verification_url.clone(),
            user_code: login.user_code.clone(),
            expires_in: u32::try_from(login.expires_in).unwrap_or(u32::MAX),
        })
    }

    /// Waits until the browser sign-in begun last is approved, denied, expired or cancelled.
    pub async fn complete_device_login(&self) -> IpcResult<AccountView> {
        let login = lock(&self.device)
            .clone()
            .ok_or_else(|| IpcError::invalid("no browser sign-in is in progress: begin one first"))?;
        let result = self.core().complete_device_login(&login).await;
        {
            let mut slot = lock(&self.device);
            if slot.as_ref().is_some_and(|l| Arc::ptr_eq(l, &login)) {
                *slot = None;
            }
        }
        self.signed_in(&result?)
    }

    /// Stops the browser sign-in that is waiting (it then fails with `cancelled`).
    pub async fn cancel_device_login(&self) -> IpcResult<()> {
        if let Some(login) = lock(&self.device).take() {
            login.cancel();
        }
        Ok(())
    }

    /// Starts the demo server inside the app on a loopback port, signs in to it with the demo key
    /// (an admin of several organizations) and runs a first sync.
    pub async fn start_demo(&self) -> IpcResult<AccountView> {
        let mut demo = self.demo.lock().await;
        if let Some(d) = demo.as_ref() {
            if let Ok(a) = self.core().account(&d.account_id) {
                if a.signed_in {
                    self.core().set_active_account(&a.id)?;
                    return self.signed_in(&a);
                }
            }
        }
        if let Some(old) = demo.take() {
            old.emulator.shutdown().await;
        }
        let emulator = zenml_pro_emulator::start(EmulatorConfig {
            port: 0,
            auto_approve: true,
            dialect: demo_dialect(),
            ..Default::default()
        })
        .await
        .map_err(|e| IpcError::internal(format!("the demo server could not start: {e}")))?;
        let key = ApiKey::new(emulator.credentials().multi_org.key.clone());
        // The demo account's id, known before signing in, so its secrets go to memory from the start.
        let client = self.core().client(&emulator.base_url())?;
        let token = client.login_with_key(&key).await.map_err(CoreError::from)?;
        let me = client.me(&token.access_token).await.map_err(CoreError::from)?;
        let demo_id = zenml_pro_core::account_id(client.base_url(), me.id);
        lock(&self.secrets.demo_accounts).insert(demo_id.clone());
        // One demo account, not one per run: the demo server's port (and so the account's id) changes
        // from run to run, so the last run's demo account is signed out and its data deleted.
        if let Some(previous) = self.core().setting(DEMO_ACCOUNT_SETTING)?.filter(|p| *p != demo_id) {
            if self.core().account(&previous).is_ok() {
                lock(&self.secrets.demo_accounts).insert(previous.clone());
                if let Err(e) = self.core().logout(&previous, true).await {
                    tracing::warn!(error = %e, "could not delete the last demo account");
                }
            }
        }
        self.core().set_setting(DEMO_ACCOUNT_SETTING, &demo_id)?;
        let account = self.core().login_with_key(&emulator.base_url(), key).await?;
        tracing::info!(url = %emulator.base_url(), "demo started");
        *demo = Some(Demo { emulator, account_id: account.id.clone() });
        drop(demo);
        self.shared.sync(&account.id, &CancellationToken::new()).await?;
        self.signed_in(&account)
    }

    /// Stops the in-app demo server (its cached data stays readable, as after losing the network).
    pub async fn stop_demo(&self) -> IpcResult<()> {
        if let Some(d) = self.demo.lock().await.take() {
            d.emulator.shutdown().await;
            tracing::info!("demo server stopped");
        }
        Ok(())
    }

    pub async fn logout(&self, account_id: String, purge: bool) -> IpcResult<()> {
        let was_active = self.core().active_account()?.is_some_and(|a| a.id == account_id);
        self.core().logout(&account_id, purge).await?;
        if was_active {
            let next = self.core().active_account()?.filter(|a| a.signed_in).map(|a| a.id);
            self.restart_refresh(next);
        }
        self.session_changed();
        Ok(())
    }

    pub async fn switch_account(&self, account_id: String) -> IpcResult<AccountView> {
        self.core().set_active_account(&account_id)?;
        let a = self.core().account(&account_id)?;
        self.restart_refresh(a.signed_in.then(|| a.id.clone()));
        self.session_changed();
        self.account_view(&a)
    }

    pub async fn sync_now(&self) -> IpcResult<SyncReportView> {
        let account = self.account()?;
        self.shared.sync(&account.id, &CancellationToken::new()).await
    }

    // ----- commands: reads (from the cache) -----

    /// The desktop settings of this computer.
    pub async fn desktop_settings(&self) -> IpcResult<DesktopSettings> {
        Ok(self.settings())
    }

    /// Saves and applies new desktop settings; returns them as saved.
    pub async fn update_desktop_settings(&self, settings: DesktopSettings) -> IpcResult<DesktopSettings> {
        self.apply_settings(settings)
    }

    pub async fn list_organizations(&self) -> IpcResult<OrgListView> {
        let account = self.account()?;
        let list = self.core().organization_list(&account.id)?;
        Ok(OrgListView {
            items: list.entries.iter().map(|e| OrgView::new(&e.organization, e.active)).collect(),
            fetched_at: list.fetched_at.map(iso),
            stale: list.stale,
            last_error: list.last_error,
        })
    }

    pub async fn switch_organization(&self, org: String) -> IpcResult<OrgView> {
        let account = self.account()?;
        let o = self.core().switch_organization(&account.id, &org).await?;
        self.shared
            .events
            .emit(AppEvent::ActiveOrgChanged { account_id: account.id.clone(), org_id: o.id.to_string() });
        Ok(OrgView::new(&o, true))
    }

    pub async fn organization_overview(&self, org: Option<String>) -> IpcResult<OverviewView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let core = self.core();
        let cached = core.organization(&account.id, &org_id.to_string())?;
        let active = core.active_organization(&account.id)? == Some(org_id);
        let my_roles = core.my_roles(&account.id, org_id)?;
        let count = |kind| -> IpcResult<usize> {
            let q = MemberQuery { kind: Some(kind), limit: Some(0), ..Default::default() };
            Ok(core.members(&account.id, org_id, &q)?.value.total)
        };
        let members_hidden =
            core.members(&account.id, org_id, &MemberQuery { limit: Some(0), ..Default::default() })?.hidden;
        let member_count = if members_hidden {
            None
        } else {
            Some(to_u32(count(MemberKind::User)? + count(MemberKind::ServiceAccount)?))
        };
        let workspaces = core.workspaces(&account.id, org_id)?;
        let workspace_count = (!workspaces.hidden).then(|| to_u32(workspaces.value.len()));
        let dashboard_url = self.org_dashboard(org_id);
        Ok(OverviewView {
            org: OrgView::new(&cached.value, active),
            can_manage: !zenml_pro_core::known_to_lack(&my_roles),
            can_see_billing: my_roles.iter().any(|r| BILLING_ROLES.contains(&r.as_str())),
            my_roles,
            billing_url: self.dashboard_page(&["organizations", &org_id.to_string(), "settings", "billing"]),
            dashboard_url,
            member_count,
            workspace_count,
            fetched_at: Some(iso(cached.fetched_at)),
            stale: cached.stale,
            last_error: cached.last_error,
        })
    }

    pub async fn list_members(
        &self,
        org: Option<String>,
        query: MemberQueryView,
    ) -> IpcResult<MemberPageView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let limit = query.limit.unwrap_or(DEFAULT_MEMBER_PAGE).min(MAX_MEMBER_PAGE);
        let q = MemberQuery {
            search: query.search.filter(|s| !s.trim().is_empty()),
            role: query.role.filter(|s| !s.trim().is_empty()),
            kind: query.kind.map(Into::into),
            offset: query.offset.unwrap_or(0) as usize,
            limit: Some(limit as usize),
        };
        let page = self.core().members(&account.id, org_id, &q)?;
        Ok(MemberPageView {
            rows: page.value.rows.iter().map(MemberView::from).collect(),
            total: to_u32(page.value.total),
            fetched_at: Some(iso(page.fetched_at)),
            stale: page.stale,
            last_error: page.last_error,
            hidden: page.hidden,
            skipped: to_u32(page.skipped),
        })
    }

    pub async fn list_invitations(
        &self,
        org: Option<String>,
        only_pending: bool,
    ) -> IpcResult<InvitationListView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let c = self.core().invitations(&account.id, org_id, only_pending)?;
        Ok(InvitationListView {
            items: c.value.iter().map(InvitationView::from).collect(),
            fetched_at: Some(iso(c.fetched_at)),
            stale: c.stale,
            last_error: c.last_error,
            hidden: c.hidden,
            skipped: to_u32(c.skipped),
        })
    }

    pub async fn list_workspaces(&self, org: Option<String>) -> IpcResult<WorkspaceListView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let c = self.core().workspaces(&account.id, org_id)?;
        Ok(WorkspaceListView {
            items: c
                .value
                .iter()
                .map(|w| {
                    let page =
                        self.dashboard_page(&["organizations", &org_id.to_string(), "workspaces", &w.name]);
                    WorkspaceView::new(w, page)
                })
                .collect(),
            fetched_at: Some(iso(c.fetched_at)),
            stale: c.stale,
            last_error: c.last_error,
            hidden: c.hidden,
            skipped: to_u32(c.skipped),
        })
    }

    pub async fn list_teams(&self, org: Option<String>) -> IpcResult<TeamListView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let c = self.core().teams(&account.id, org_id)?;
        Ok(TeamListView {
            items: c.value.iter().map(TeamView::from).collect(),
            fetched_at: Some(iso(c.fetched_at)),
            stale: c.stale,
            last_error: c.last_error,
            hidden: c.hidden,
            skipped: to_u32(c.skipped),
        })
    }

    pub async fn list_roles(&self, org: Option<String>) -> IpcResult<RoleListView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let c = self.core().roles(&account.id, org_id)?;
        Ok(RoleListView {
            items: c.value.iter().map(RoleView::from).collect(),
            fetched_at: Some(iso(c.fetched_at)),
            stale: c.stale,
            last_error: c.last_error,
            hidden: c.hidden,
            skipped: to_u32(c.skipped),
        })
    }

    // ----- commands: writes (checked, then sent, then cached) -----

    pub async fn invite(
        &self,
        org: Option<String>,
        emails: Vec<String>,
        role: String,
    ) -> IpcResult<Vec<InviteOutcomeView>> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let outcomes = self.core().invite(&account.id, org_id, &emails, &role).await?;
        if outcomes.iter().any(|o| o.invitation.is_some()) {
            self.changed(&account.id, Some(org_id));
        }
        Ok(outcomes
            .into_iter()
            .map(|o| InviteOutcomeView {
                email: o.email,
                ok: o.invitation.is_some(),
                invitation: o.invitation.as_ref().map(InvitationView::from),
                error: o.error.map(IpcError::from),
            })
            .collect())
    }

    pub async fn revoke_invitation(
        &self,
        org: Option<String>,
        invitation: String,
    ) -> IpcResult<InvitationView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let i = self.core().revoke_invitation(&account.id, org_id, &invitation).await?;
        self.changed(&account.id, Some(org_id));
        Ok(InvitationView::from(&i))
    }

    pub async fn resend_invitation(
        &self,
        org: Option<String>,
        invitation: String,
    ) -> IpcResult<InvitationView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let i = self.core().resend_invitation(&account.id, org_id, &invitation).await;
        // A failed resend may still have revoked the old invitation: the UI reads again either way.
        self.changed(&account.id, Some(org_id));
        Ok(InvitationView::from(&i?))
    }

    pub async fn set_member_role(
        &self,
        org: Option<String>,
        member: String,
        role: String,
    ) -> IpcResult<MemberView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let result = self.core().set_member_role(&account.id, org_id, &member, &role).await;
        if result.is_ok() || result.as_ref().is_err_and(|e| e.code != CoreCode::Offline) {
            self.changed(&account.id, Some(org_id));
        }
        result?;
        let row = self.core().find_member(&account.id, org_id, &member)?;
        Ok(MemberView::from(&row))
    }

    pub async fn remove_member(&self, org: Option<String>, member: String) -> IpcResult<()> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        self.core().remove_member(&account.id, org_id, &member).await?;
        self.changed(&account.id, Some(org_id));
        Ok(())
    }

    pub async fn update_organization(
        &self,
        org: Option<String>,
        name: Option<String>,
        description: Option<String>,
    ) -> IpcResult<OrgView> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        self.core().update_organization(&account.id, org_id, name, description).await?;
        self.changed(&account.id, Some(org_id));
        self.org_view(&account.id, org_id)
    }

    /// The doctor's report on the active account's server (or the default API URL when no account is
    /// signed in), and where the log files are. Only reads from the server.
    pub async fn diagnostics(&self) -> IpcResult<DiagnosticsView> {
        let account = self.core().active_account()?.filter(|a| a.signed_in);
        let base = account.as_ref().map_or_else(|| self.default_api_url.clone(), |a| a.base_url.clone());
        let report = self.core().doctor(account.as_ref().map(|a| a.id.as_str()), &base).await?;
        Ok(DiagnosticsView::new(&report, zenml_pro_core::logging::log_dir().as_deref()))
    }

    /// Opens the folder of the log files in the file manager; returns its path.
    pub async fn open_log_folder(&self) -> IpcResult<String> {
        let dir = zenml_pro_core::logging::log_dir().ok_or_else(|| {
            IpcError::internal("this computer has no place for log files (no home directory)")
        })?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| IpcError::internal(format!("could not create {}: {e}", dir.display())))?;
        self.opener
            .open_path(&dir)
            .map_err(|e| IpcError::internal(format!("could not open the folder: {e}")))?;
        Ok(dir.display().to_string())
    }

    /// Opens the organization's (or one of its workspaces') page of the web dashboard in the browser.
    pub async fn open_in_dashboard(
        &self,
        org: Option<String>,
        workspace: Option<String>,
    ) -> IpcResult<String> {
        let (account, org_id) = self.account_and_org(org.as_deref())?;
        let mut url = self.org_dashboard(org_id);
        if let Some(wanted) = workspace.filter(|w| !w.trim().is_empty()) {
            let workspaces = self.core().workspaces(&account.id, org_id)?.value;
            let w = workspaces.iter().find(|w| w.id.to_string() == wanted || w.name == wanted).ok_or_else(
                || CoreError::not_found(format!("no workspace {wanted:?} in this organization")),
            )?;
            url = self.dashboard_page(&["organizations", &org_id.to_string(), "workspaces", &w.name]);
        }
        self.open_web_page(&url)?;
        Ok(url)
    }

    /// Opens the organization's billing page of the web dashboard in the browser.
    pub async fn open_billing(&self, org: Option<String>) -> IpcResult<String> {
        let (_, org_id) = self.account_and_org(org.as_deref())?;
        let url = self.dashboard_page(&["organizations", &org_id.to_string(), "settings", "billing"]);
        self.open_web_page(&url)?;
        Ok(url)
    }
}

/// The tray: its state, and the one handler every tray menu item goes through (see [`crate::tray`]).
impl App {
    /// What the tray menu shows, read from the cache.
    pub fn tray_state(&self) -> IpcResult<TrayState> {
        let active_account = self.core().active_account()?.map(|a| a.id);
        let mut accounts = Vec::new();
        for a in self.core().accounts()? {
            let (organizations, synced_at) = if a.signed_in {
                let list = self.core().organization_list(&a.id)?;
                let orgs = list
                    .entries
                    .iter()
                    .map(|e| TrayOrg {
                        id: e.organization.id.to_string(),
                        name: org_name(&e.organization),
                        active: e.active,
                    })
                    .collect();
                (orgs, list.fetched_at)
            } else {
                (Vec::new(), None)
            };
            let label =
                a.user_email.clone().or_else(|| a.user_name.clone()).unwrap_or_else(|| a.base_url.clone());
            accounts.push(TrayAccount { id: a.id, label, signed_in: a.signed_in, organizations, synced_at });
        }
        Ok(TrayState {
            accounts,
            active_account,
            online: *lock(&self.shared.online),
            close_to_tray: self.close_to_tray(),
            utc_offset: *chrono::Local::now().offset(),
        })
    }

    /// Whether closing the window hides it to the tray.
    pub fn close_to_tray(&self) -> bool {
        lock(&self.shared.settings).close_to_tray
    }

    /// Sets and saves whether closing the window hides it to the tray.
    pub fn set_close_to_tray(&self, on: bool) -> IpcResult<()> {
        let settings = DesktopSettings { close_to_tray: on, ..self.settings() };
        self.apply_settings(settings).map(|_| ())
    }

    /// The desktop settings as they are now.
    pub fn settings(&self) -> DesktopSettings {
        lock(&self.shared.settings).clone()
    }

    /// Saves new settings and applies them: "start at login" writes or removes the autostart entry
    /// first, so a failure there changes nothing. Tells the window and the tray.
    fn apply_settings(&self, new: DesktopSettings) -> IpcResult<DesktopSettings> {
        let old = self.settings();
        if new.start_at_login != old.start_at_login {
            let dir = self.autostart_dir.as_deref().ok_or_else(|| {
                IpcError::new(
                    ErrorCode::InvalidInput,
                    "starting at login is not available here: no autostart folder (set HOME or XDG_CONFIG_HOME)",
                )
            })?;
            settings::set_autostart(dir, &self.executable, new.start_at_login).map_err(|e| {
                IpcError::internal(format!("could not change the autostart entry in {}: {e}", dir.display()))
            })?;
        }
        new.save(self.core().data_dir())
            .map_err(|e| IpcError::internal(format!("could not save the desktop settings: {e}")))?;
        *lock(&self.shared.settings) = new.clone();
        self.shared.events.emit(AppEvent::SettingsChanged { settings: new.clone() });
        Ok(new)
    }

    /// Opens a `zenml-pro-desktop://org/<id-or-name>` link: switches to that organization (switching
    /// account when another signed-in account has it) and asks for the window. A link that cannot
    /// be opened is explained in the window's notice bar; the window is shown either way.
    pub async fn open_deep_link(&self, url: &str) -> TrayOutcome {
        if let Err(e) = self.follow_link(url).await {
            tracing::warn!(code = ?e.code, error = %e, "could not open a link");
            self.shared
                .events
                .emit(AppEvent::Notice { message: format!("Could not open {url}: {}", e.message) });
        }
        TrayOutcome::ShowWindow
    }

    async fn follow_link(&self, url: &str) -> IpcResult<()> {
        let DeepLink::Org(wanted) = deeplink::parse(url)?;
        let core = self.core();
        let active = core.active_account()?.map(|a| a.id);
        let mut accounts: Vec<AccountRecord> = core.accounts()?.into_iter().filter(|a| a.signed_in).collect();
        accounts.sort_by_key(|a| Some(&a.id) != active.as_ref());
        if accounts.is_empty() {
            return Err(IpcError::new(
                ErrorCode::Unauthorized,
                "not signed in: sign in, then open the link again",
            ));
        }
        // An id first, then an exact name, then a display name only when one organization has it: a
        // display name chosen to look like another organization's name never stands for it.
        let needle = wanted.to_lowercase();
        let mut by_display: Vec<(String, String)> = Vec::new();
        for a in &accounts {
            let orgs = core.organizations(&a.id)?;
            let found = orgs
                .iter()
                .find(|e| e.organization.id.to_string() == needle)
                .or_else(|| orgs.iter().find(|e| e.organization.name == wanted))
                .or_else(|| orgs.iter().find(|e| e.organization.name.to_lowercase() == needle));
            for e in &orgs {
                if e.organization.display_name.as_deref().is_some_and(|d| d.to_lowercase() == needle) {
                    by_display.push((a.id.clone(), e.organization.id.to_string()));
                }
            }
            if let Some(e) = found {
                let action =
                    TrayAction::SwitchOrg { account_id: a.id.clone(), org_id: e.organization.id.to_string() };
                self.tray_action(action).await?;
                return Ok(());
            }
        }
        by_display.dedup();
        match by_display.as_slice() {
            [(account_id, org_id)] => {
                let action = TrayAction::SwitchOrg { account_id: account_id.clone(), org_id: org_id.clone() };
                self.tray_action(action).await?;
                return Ok(());
            }
            [] => {}
            many => {
                return Err(IpcError::new(
                    ErrorCode::InvalidInput,
                    format!(
                    "{} organizations are shown as {wanted:?}: use a link with the organization's id or name",
                    many.len()
                ),
                ))
            }
        }
        Err(IpcError::new(
            ErrorCode::NotFound,
            format!("no organization {wanted:?} among those this app has seen: sync, or check the link"),
        ))
    }

    /// Runs a tray menu action. The tray and the tests call this; a switch goes through the same
    /// [`App::switch_account`] and [`App::switch_organization`] the window uses (so the window is told
    /// by the same `active_org_changed` event), one tray switch at a time.
    pub async fn tray_action(&self, action: TrayAction) -> IpcResult<TrayOutcome> {
        match action {
            TrayAction::SwitchOrg { account_id, org_id } => {
                let _one_at_a_time = self.tray_switch.lock().await;
                if self.core().active_account()?.map(|a| a.id).as_deref() != Some(account_id.as_str()) {
                    self.switch_account(account_id).await?;
                }
                self.switch_organization(org_id).await?;
            }
            TrayAction::SyncNow => {
                self.sync_now().await?;
            }
            TrayAction::OpenWindow => return Ok(TrayOutcome::ShowWindow),
            TrayAction::OpenDashboard => {
                self.open_in_dashboard(None, None).await?;
            }
            TrayAction::SetCloseToTray { on } => self.set_close_to_tray(on)?,
            TrayAction::Quit => return Ok(TrayOutcome::Quit),
        }
        Ok(TrayOutcome::Done)
    }
}

#[cfg(test)]
mod link_tests {
    use super::{dashboard_page, web_page};

    #[test]
    fn only_web_pages_are_opened() {
        for ok in [
            "https://cloud.zenml.io/organizations/x",
            "http://127.0.0.1:8080/devices/verify",
            "http://localhost/x",
        ] {
            assert!(web_page(ok).is_ok(), "{ok}");
        }
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "zenml-pro-desktop://org/x",
            "http://example.com/phish",
            "ftp://x.example/",
            "https://user:pw@example.com/",
            "not a url",
            "",
        ] {
            let e = web_page(bad).unwrap_err();
            assert!(e.contains("refused") || e.contains("not a web address"), "{bad}: {e}");
        }
    }

    #[test]
    fn dashboard_paths_are_percent_encoded() {
        assert_eq!(
            dashboard_page("https://cloud.zenml.io", &["organizations", "o1", "workspaces", "a/b?c #d"]),
            "https://cloud.zenml.io/organizations/o1/workspaces/a%2Fb%3Fc%20%23d"
        );
        assert_eq!(
            dashboard_page("https://cp.example/dash/", &["organizations", "o1"]),
            "https://cp.example/dash/organizations/o1"
        );
    }
}
