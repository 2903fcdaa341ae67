//! [`Core`]: the app without a window. It owns the cache, the keyring and one API client per base
//! URL, and keeps each account's session token fresh. Sign-in lives here; sync, reads and writes are
//! in their own modules as further `impl Core` blocks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{
    AccessToken, ApiClient, ApiError, ApiKey, ClientConfig, DeviceAuthorization, Password, RetryPolicy,
    TokenResponse,
};

use crate::cache::{account_id, AccountRecord, AuthMethod, Cache, CacheError, CacheNotice};
use crate::error::{CoreError, ErrorCode, Result};
use crate::keyring::{SecretKind, SecretStore};

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

    // ----- accounts -----

    /// Every account this installation knows, signed in or not.
    pub fn accounts(&self) -> Result<Vec<AccountRecord>> {
        self.with_cache(|c| c.accounts())
    }

    /// The account commands act on: the one chosen last, else the most recently used signed-in one.
    pub fn active_account(&self) -> Result<Option<AccountRecord>> {
        self.with_cache(|c| {
            if let Some(id) = c.setting(ACTIVE_ACCOUNT_KEY)? {
                if let Some(a) = c.account(&id)? {
                    return Ok(Some(a));
                }
            }
            let mut all = c.accounts()?;
            all.sort_by_key(|a| std::cmp::Reverse(a.last_used_at));
            Ok(all.into_iter().next())
        })
    }

    /// Chooses the account commands act on.
    pub fn set_active_account(&self, account_id: &str) -> Result<()> {
        self.account(account_id)?;
        self.with_cache(|c| c.set_setting(ACTIVE_ACCOUNT_KEY, account_id))
    }

    /// One account, or `not_found`.
    pub fn account(&self, account_id: &str) -> Result<AccountRecord> {
        self.with_cache(|c| c.account(account_id))?
            .ok_or_else(|| CoreError::not_found(format!("no account {account_id} on this computer")))
    }

    /// Signs in with a personal access token or service-account key: exchanges it for a session
    /// token, and keeps both in the keyring.
    pub async fn login_with_key(&self, base_url: &str, key: ApiKey) -> Result<AccountRecord> {
        let client = self.client(base_url)?;
        let token = client.login_with_key(&key).await?;
        self.finish_login(&client, token, AuthMethod::Key, Some(&key)).await
    }

    /// Signs in with a username and password (self-hosted control planes). The password is not kept:
    /// when the session expires, sign in again.
    pub async fn login_with_password(
        &self,
        base_url: &str,
        username: &str,
        password: Password,
    ) -> Result<AccountRecord> {
        let client = self.client(base_url)?;
        let token = client.login_with_password(username, &password).await?;
        self.finish_login(&client, token, AuthMethod::Password, None).await
    }

    /// Starts a browser sign-in. Reuses the `device_id` of the last device login to this URL.
    pub async fn begin_device_login(&self, base_url: &str) -> Result<DeviceLogin> {
        let client = self.client(base_url)?;
        let client_id = self.client_id()?;
        let device_id = self
            .with_cache(|c| c.accounts())?
            .into_iter()
            .filter(|a| a.base_url == client.base_url())
            .find_map(|a| a.device_id);
        let authorization = client.start_device_authorization(client_id, device_id).await?;
        Ok(DeviceLogin {
            verification_url: client.verification_url(&authorization),
            user_code: authorization.user_code.clone(),
            expires_in: authorization.expires_in,
            base_url: client.base_url().to_owned(),
            client,
            client_id,
            authorization,
            cancel: CancellationToken::new(),
        })
    }

    /// Waits until the browser sign-in is approved (or denied, expired, cancelled).
    pub async fn complete_device_login(&self, login: &DeviceLogin) -> Result<AccountRecord> {
        let wait = login.client.wait_for_device_token(login.client_id, &login.authorization);
        let token = tokio::select! {
            r = wait => r?,
            () = login.cancel.cancelled() => return Err(CoreError::cancelled()),
        };
        tracing::info!(base_url = %login.base_url, "device sign-in approved");
        self.finish_login(&login.client, token, AuthMethod::Device, None).await
    }

    async fn finish_login(
        &self,
        client: &ApiClient,
        token: TokenResponse,
        method: AuthMethod,
        key: Option<&ApiKey>,
    ) -> Result<AccountRecord> {
        let now = Utc::now();
        let me = client.me(&token.access_token).await?;
        let id = account_id(client.base_url(), me.id);
        // Secrets first: with no keyring, nothing at all is recorded.
        match key {
            Some(k) => self.secret_set(&id, SecretKind::ApiKey, k.expose()).await?,
            None => self.secret_delete(&id, SecretKind::ApiKey).await?,
        }
        self.secret_set(&id, SecretKind::AccessToken, token.access_token.expose()).await?;
        let expires_at = token.expires_at(now);
        let previous = self.with_cache(|c| c.account(&id))?;
        let record = AccountRecord {
            id: id.clone(),
            base_url: client.base_url().to_owned(),
            user_id: me.id,
            user_email: me.email.clone(),
            user_name: me.name.clone().or(me.username.clone()),
            auth_method: method,
            device_id: token.device_id.or(previous.as_ref().and_then(|p| p.device_id)),
            token_expires_at: expires_at,
            created_at: previous.as_ref().map_or(now, |p| p.created_at),
            last_used_at: now,
            signed_in: true,
        };
        self.with_cache(|c| {
            c.upsert_account(&record)?;
            c.set_setting(ACTIVE_ACCOUNT_KEY, &id)
        })?;
        lock(&self.sessions).insert(id, Session { token: token.access_token, expires_at });
        tracing::info!(account = %record.id, method = ?method, "signed in");
        Ok(record)
    }

    /// Runs one keyring call on a thread of its own, bounded by `keyring_timeout`: a locked keyring that
    /// waits for a password, or one that never answers, gives `keyring_unavailable` in plain words.
    async fn keyring<T: Send + 'static>(
        &self,
        op: impl FnOnce(&dyn SecretStore) -> Result<T, crate::keyring::KeyringError> + Send + 'static,
    ) -> Result<T> {
        let store = self.secrets.clone();
        // A thread of its own rather than the runtime's blocking pool: a keyring that never answers
        // must not hold up the runtime's shutdown either (the thread is left to end by itself).
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(op(&*store));
            })
            .map_err(|e| CoreError::internal(format!("could not start a keyring call: {e}")))?;
        match tokio::time::timeout(self.settings.keyring_timeout, rx).await {
            Ok(Ok(result)) => result.map_err(CoreError::from),
            Ok(Err(_)) => Err(CoreError::internal("a keyring call failed unexpectedly")),
            Err(_) => {
                tracing::warn!(
                    timeout_s = self.settings.keyring_timeout.as_secs(),
                    "the keyring did not answer"
                );
                Err(CoreError::new(
                    ErrorCode::KeyringUnavailable,
                    "the keyring did not answer — is it locked? Unlock it (or sign in to the desktop session) and try again",
                ))
            }
        }
    }

    pub(crate) async fn secret_get(&self, account_id: &str, kind: SecretKind) -> Result<Option<String>> {
        let account = account_id.to_owned();
        self.keyring(move |s| s.get(&account, kind)).await
    }

    pub(crate) async fn secret_set(&self, account_id: &str, kind: SecretKind, value: &str) -> Result<()> {
        let (account, value) = (account_id.to_owned(), value.to_owned());
        self.keyring(move |s| s.set(&account, kind, &value)).await
    }

    pub(crate) async fn secret_delete(&self, account_id: &str, kind: SecretKind) -> Result<()> {
        let account = account_id.to_owned();
        self.keyring(move |s| s.delete(&account, kind)).await
    }

    /// Signs out: deletes the account's keyring entries; with `purge_cache` also its cached data and its
    /// entries in the activity journal (otherwise the data stays viewable, marked signed out).
    pub async fn logout(&self, account_id: &str, purge_cache: bool) -> Result<()> {
        self.account(account_id)?;
        self.secret_delete(account_id, SecretKind::AccessToken).await?;
        self.secret_delete(account_id, SecretKind::ApiKey).await?;
        lock(&self.sessions).remove(account_id);
        self.with_cache(|c| {
            if purge_cache {
                // Its activity entries go too (they outlive the cache otherwise).
                c.forget_activity(account_id)?;
                c.delete_account(account_id, true)
            } else {
                c.set_signed_in(account_id, false)
            }
        })?;
        tracing::info!(account = %account_id, purge_cache, "signed out");
        Ok(())
    }

    /// A client and a valid session token for an account: from memory, else the keyring, else by
    /// exchanging the stored key again.
    pub(crate) async fn session(&self, account_id: &str) -> Result<(ApiClient, AccessToken)> {
        let account = self.account(account_id)?;
        if !account.signed_in {
            // Signed out meanwhile, perhaps by `zpro logout` beside the app: the token held in memory
            // is no longer this app's to use.
            lock(&self.sessions).remove(account_id);
            return Err(CoreError::unauthorized(
                "this account was signed out on this computer: sign in again",
            ));
        }
        let client = self.client(&account.base_url)?;
        let now = Utc::now();
        if let Some(s) = lock(&self.sessions).get(account_id).filter(|s| s.is_valid(now)) {
            return Ok((client, s.token.clone()));
        }
        if let Some(stored) = self.secret_get(account_id, SecretKind::AccessToken).await? {
            let s = Session { token: AccessToken::new(stored), expires_at: account.token_expires_at };
            if s.is_valid(now) {
                lock(&self.sessions).insert(account_id.to_owned(), s.clone());
                return Ok((client, s.token));
            }
        }
        let token = self.renew(account_id, &client).await?;
        Ok((client, token))
    }

    /// Exchanges the stored key for a new session token; `unauthorized` when there is no key.
    async fn renew(&self, account_id: &str, client: &ApiClient) -> Result<AccessToken> {
        lock(&self.sessions).remove(account_id);
        let Some(key) = self.secret_get(account_id, SecretKind::ApiKey).await? else {
            return Err(CoreError::unauthorized("the session has expired: sign in again"));
        };
        let token = client.login_with_key(&ApiKey::new(key)).await.map_err(|e| match e {
            ApiError::Unauthorized(_) => {
                CoreError::unauthorized("the stored key was refused: it may have been revoked; sign in again")
            }
            other => other.into(),
        })?;
        let expires_at = token.expires_at(Utc::now());
        self.secret_set(account_id, SecretKind::AccessToken, token.access_token.expose()).await?;
        self.with_cache(|c| {
            if let Some(mut a) = c.account(account_id)? {
                a.token_expires_at = expires_at;
                a.last_used_at = Utc::now();
                c.upsert_account(&a)?;
            }
            Ok(())
        })?;
        lock(&self.sessions)
            .insert(account_id.to_owned(), Session { token: token.access_token.clone(), expires_at });
        tracing::debug!(account = %account_id, "session renewed from the stored key");
        Ok(token.access_token)
    }

    /// Runs one API operation with the account's session; on a 401 renews the session once (when a
    /// key is stored) and runs it again.
    pub(crate) async fn authed<T, F, Fut>(&self, account_id: &str, op: F) -> Result<T>
    where
        F: Fn(ApiClient, AccessToken) -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let (client, token) = self.session(account_id).await?;
        match op(client.clone(), token).await {
            Err(ApiError::Unauthorized(_)) => {
                let token = self.renew(account_id, &client).await?;
                op(client, token).await.map_err(CoreError::from)
            }
            other => other.map_err(CoreError::from),
        }
    }

    /// Whether a core error means the server was unreachable.
    pub fn is_offline(e: &CoreError) -> bool {
        e.code == ErrorCode::Offline
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
