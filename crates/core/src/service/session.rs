//! An account's session: its secrets in the keyring, its token kept fresh, and requests made with it.

use chrono::Utc;
use zenml_cloud_api::{AccessToken, ApiClient, ApiError, ApiKey};

use super::{lock, Core, Session};
use crate::error::{CoreError, ErrorCode, Result};
use crate::keyring::{SecretKind, SecretStore};

impl Core {
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
