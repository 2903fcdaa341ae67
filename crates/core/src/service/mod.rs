//! [`Core`]: the app without a window. It owns the cache, the keyring and one API client per base
//! URL, and keeps each account's session token fresh. Sign-in lives here; sync, reads and writes are
//! in their own modules as further `impl Core` blocks.

mod accounts;
mod session;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{AccessToken, ApiClient, ClientConfig, DeviceAuthorization, RetryPolicy};

use crate::cache::{Cache, CacheError, CacheNotice};
use crate::error::{CoreError, Result};
use crate::keyring::SecretStore;

/// Settings key of the per-installation OAuth `client_id`.
const CLIENT_ID_KEY: &str = "client_id";
/// Settings key of the account the command line and the window act on.
const ACTIVE_ACCOUNT_KEY: &str = "active_account";

/// How API clients are built.
#[derive(Clone, Debug)]
pub struct ClientSettings {
    pub user_agent: String,
    pub retry: RetryPolicy,
    pub page_size: u32,
    /// Pages of one list requested at once after a full first page.
    pub page_concurrency: usize,
    pub request_timeout: Duration,
    /// How long a keyring call may take before it is given up as "locked or not answering". Keyring
    /// calls run on a blocking thread, so a silent keyring never stalls the async workers (the window
    /// stays responsive); this bounds how long the caller waits.
    pub keyring_timeout: Duration,
}

impl Default for ClientSettings {
    fn default() -> Self {
        let c = ClientConfig::new("");
        Self {
            user_agent: c.user_agent,
            retry: c.retry,
            page_size: c.page_size,
            page_concurrency: c.page_concurrency,
            request_timeout: c.request_timeout,
            keyring_timeout: Duration::from_secs(20),
        }
    }
}

/// The environment variable that sets the page size of list requests (1 to 1000; default 100).
pub const PAGE_SIZE_ENV: &str = "ZENML_PRO_DESKTOP_PAGE_SIZE";

impl ClientSettings {
    /// The defaults, with the page size from [`PAGE_SIZE_ENV`] when it is set to a number from 1 to
    /// 1000 (anything else is ignored with a warning).
    pub fn from_env() -> Self {
        let mut s = Self::default();
        if let Ok(raw) = std::env::var(PAGE_SIZE_ENV) {
            match raw.trim().parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => s.page_size = n,
                _ => {
                    tracing::warn!(value = %raw, "{PAGE_SIZE_ENV} must be a number from 1 to 1000; using {}", s.page_size)
                }
            }
        }
        s
    }
}

/// What [`Core::open`] needs.
pub struct CoreOptions {
    /// Where the cache lives (see [`crate::paths::data_dir`]).
    pub data_dir: PathBuf,
    /// The OS keyring, or an in-memory one in tests.
    pub secrets: Arc<dyn SecretStore>,
    pub client: ClientSettings,
}

/// A session token held in memory, with when to treat it as expired.
#[derive(Clone)]
struct Session {
    token: AccessToken,
    expires_at: Option<DateTime<Utc>>,
}

impl Session {
    fn is_valid(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// The app's state and every capability, shared by the desktop shell and `zpro`.
pub struct Core {
    data_dir: PathBuf,
    cache: Mutex<Cache>,
    secrets: Arc<dyn SecretStore>,
    settings: ClientSettings,
    clients: Mutex<HashMap<String, ApiClient>>,
    sessions: Mutex<HashMap<String, Session>>,
    /// One organization switch at a time.
    pub(crate) switch_lock: tokio::sync::Mutex<()>,
    /// A cache rebuilt while running, not yet told to the user.
    healed: Mutex<Option<CacheNotice>>,
    /// Notes of writes that took but could not update the cache (see `pipeline`).
    pub(crate) write_notes: Mutex<Vec<String>>,
}

/// A device sign-in in progress: show `user_code`, open `verification_url`, then await
/// [`Core::complete_device_login`]. [`DeviceLogin::cancel`] stops the waiting.
pub struct DeviceLogin {
    pub verification_url: String,
    pub user_code: String,
    pub expires_in: u64,
    base_url: String,
    client: ApiClient,
    client_id: Uuid,
    authorization: DeviceAuthorization,
    cancel: CancellationToken,
}

impl DeviceLogin {
    /// Stops a pending [`Core::complete_device_login`]; it then fails with `cancelled`.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// A handle that cancels this sign-in from elsewhere (another task, a UI button).
    pub fn cancel_handle(&self) -> CancellationToken {
        self.cancel.clone()
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the data usable (every cache write is one transaction).
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Core {
    /// Opens the cache under `data_dir` (rebuilding it if it is corrupt; the notice says so), and the
    /// activity journal beside it.
    pub fn open(options: CoreOptions) -> Result<(Self, Option<CacheNotice>)> {
        Self::open_with(options, false)
    }

    /// Opens for a command that only reads (a listing, the log, an export): the cache is opened without
    /// the write lock ([`Cache::open_read_only`]), so it never waits on a writer in another process.
    /// Anything that writes the cache then fails; a file that needs migrating is opened read-write.
    pub fn open_read_only(options: CoreOptions) -> Result<(Self, Option<CacheNotice>)> {
        Self::open_with(options, true)
    }

    fn open_with(options: CoreOptions, read_only: bool) -> Result<(Self, Option<CacheNotice>)> {
        let path = crate::paths::cache_path(&options.data_dir);
        let (cache, notice) = if read_only { Cache::open_read_only(&path)? } else { Cache::open(&path)? };
        if let Some(n) = &notice {
            tracing::warn!(notice = %n, "cache rebuilt");
        }
        Ok((
            Self {
                data_dir: options.data_dir,
                cache: Mutex::new(cache),
                secrets: options.secrets,
                settings: options.client,
                clients: Mutex::new(HashMap::new()),
                sessions: Mutex::new(HashMap::new()),
                switch_lock: tokio::sync::Mutex::new(()),
                healed: Mutex::new(None),
                write_notes: Mutex::new(Vec::new()),
            },
            notice,
        ))
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Runs SQLite's full integrity check over the cache (slow on a big cache: run it in the
    /// background after start). A damaged cache is moved aside and rebuilt empty; the notice says so
    /// and the next sync fills it again.
    pub fn verify_cache(&self) -> Result<Option<CacheNotice>> {
        let path = crate::paths::cache_path(&self.data_dir);
        // The check reads the whole file on its own connection; the app's stays free meanwhile.
        match Cache::check_file(&path) {
            Ok(()) => Ok(None),
            Err(CacheError::Corrupt(reason)) => {
                let mut cache = lock(&self.cache);
                let notice = rebuild_in_place(&mut cache, &path, &reason)?;
                tracing::warn!(%notice, "cache rebuilt after an integrity check");
                *lock(&self.healed) = Some(notice.clone());
                Ok(Some(notice))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Runs `f` with the cache. Never call it across an `.await`.
    ///
    /// A read or write that finds the file damaged heals it as opening would: the file is moved aside,
    /// a fresh cache takes its place (the next sync fills it again), and the error says so.
    pub(crate) fn with_cache<R>(&self, f: impl FnOnce(&Cache) -> Result<R, CacheError>) -> Result<R> {
        let mut cache = lock(&self.cache);
        match f(&cache) {
            Ok(r) => Ok(r),
            Err(CacheError::Corrupt(reason)) if cache.path().is_some() => {
                let path = crate::paths::cache_path(&self.data_dir);
                match rebuild_in_place(&mut cache, &path, &reason) {
                    Ok(notice) => {
                        tracing::warn!(%notice, "cache rebuilt after damage found while using it");
                        *lock(&self.healed) = Some(notice.clone());
                        Err(CoreError::internal(notice.to_string()))
                    }
                    Err(e) => Err(e.into()),
                }
            }
            Err(CacheError::JournalCorrupt(reason)) if cache.journal_path().is_some() => {
                // The journal alone is damaged: it is moved aside and a new one opened; the cache stays.
                let notice = cache.heal_journal(&reason);
                tracing::warn!(%notice, "activity journal moved aside after damage found while using it");
                *lock(&self.healed) = Some(notice.clone());
                Err(CoreError::internal(notice.to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The notice of a cache rebuilt while the app ran (damage found by a read or the background
    /// check), once: the window shows it.
    pub fn take_cache_notice(&self) -> Option<CacheNotice> {
        lock(&self.healed).take()
    }

    /// The API client for a base URL, built once.
    pub fn client(&self, base_url: &str) -> Result<ApiClient> {
        let key = base_url.trim().trim_end_matches('/').to_owned();
        let mut clients = lock(&self.clients);
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let mut config = ClientConfig::new(key.clone());
        config.user_agent = self.settings.user_agent.clone();
        config.retry = self.settings.retry.clone();
        config.page_size = self.settings.page_size;
        config.page_concurrency = self.settings.page_concurrency;
        config.request_timeout = self.settings.request_timeout;
        let client = ApiClient::new(config)?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// A setting of this installation kept in the cache (no secret ever goes there).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.with_cache(|c| c.setting(key))
    }

    /// Stores a setting of this installation in the cache.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.with_cache(|c| c.set_setting(key, value))
    }

    /// The stable per-installation OAuth client id, created on first use.
    pub fn client_id(&self) -> Result<Uuid> {
        self.with_cache(|c| {
            if let Some(id) = c.setting(CLIENT_ID_KEY)?.and_then(|s| Uuid::parse_str(&s).ok()) {
                return Ok(id);
            }
            let id = Uuid::new_v4();
            c.set_setting(CLIENT_ID_KEY, &id.to_string())?;
            Ok(id)
        })
    }
}

/// Moves the damaged cache file at `path` aside and puts a fresh cache in `cache`'s place. The app's own
/// connections to the file are closed first: Windows refuses to rename a file that is open (a sharing
/// violation). When the rebuild fails, the file is opened again, so the app keeps using it.
fn rebuild_in_place(cache: &mut Cache, path: &Path, reason: &str) -> Result<CacheNotice, CacheError> {
    drop(std::mem::replace(cache, Cache::open_in_memory()?));
    match Cache::rebuild(path, reason) {
        Ok((fresh, notice)) => {
            *cache = fresh;
            Ok(notice)
        }
        Err(e) => {
            match Cache::open(path) {
                Ok((reopened, _)) => *cache = reopened,
                Err(again) => tracing::warn!(error = %again, "the cache could not be opened again"),
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page size is a setting: the variable sets it, a value out of range leaves the default.
    #[test]
    fn the_page_size_comes_from_the_environment_within_bounds() {
        std::env::set_var(PAGE_SIZE_ENV, "50");
        assert_eq!(ClientSettings::from_env().page_size, 50);
        for bad in ["0", "5000", "many"] {
            std::env::set_var(PAGE_SIZE_ENV, bad);
            assert_eq!(ClientSettings::from_env().page_size, 100, "{bad}");
        }
        std::env::remove_var(PAGE_SIZE_ENV);
        assert_eq!(ClientSettings::from_env().page_size, 100);
    }
}
