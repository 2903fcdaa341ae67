//! The accounts of this installation: which is active, signing in (with a key, a password or a device
//! code) and signing out.

use chrono::Utc;
use tokio_util::sync::CancellationToken;
use zenml_cloud_api::{ApiClient, ApiKey, Password, TokenResponse};

use super::{lock, Core, DeviceLogin, Session, ACTIVE_ACCOUNT_KEY};
use crate::cache::{account_id, AccountRecord, AuthMethod};
use crate::error::{CoreError, Result};
use crate::keyring::SecretKind;

impl Core {
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
}
