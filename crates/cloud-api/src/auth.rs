//! Sign-in: the device authorization flow (RFC 8628), key exchange and username/password login.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use reqwest::Method;
use uuid::Uuid;

use crate::client::{ApiClient, Call, Replay};
use crate::error::{ApiError, ErrorDetail, Result};
use crate::models::{DeviceAuthorization, TokenResponse};
use crate::secret::{ApiKey, Password};

/// The grant type of a device-code poll.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// How much longer to wait between polls after a `slow_down` answer (RFC 8628).
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The grant type ZenML's newer control-plane client sends with a key (`password=<key>`).
pub const API_KEY_GRANT: &str = "zenml_api_key";

/// Longest wait between device polls this client accepts from a server.
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(60);
/// Longest device-code lifetime this client accepts from a server.
const MAX_DEVICE_CODE_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Which form of key exchange a server takes, remembered per client (0 = not known yet).
const KEY_FORM_PLAIN: u8 = 1;
const KEY_FORM_GRANT: u8 = 2;

/// The `User-Agent` of a device authorization request: the product token, then `Host/<hostname>` and
/// `OS/<os>` (ZenML's server keeps only those tokens, to name the device in the browser).
pub fn device_user_agent(product: &str) -> String {
    let host: String = gethostname::gethostname()
        .to_string_lossy()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(64)
        .collect();
    let host = if host.is_empty() { "unknown".to_owned() } else { host };
    format!("{product} Host/{host} OS/{}", std::env::consts::OS)
}

/// The answer to one device-code poll.
#[derive(Debug)]
pub enum DevicePoll {
    /// `authorization_pending`: not approved yet.
    Pending,
    /// `slow_down`: polled too fast; wait [`SLOW_DOWN_STEP`] longer from now on.
    SlowDown,
    /// Approved: the session token.
    Granted(TokenResponse),
}

impl ApiClient {
    /// `POST /auth/device_authorization`: starts a device sign-in. `client_id` is stable per
    /// installation; `device_id` comes from the previous login, to reuse the device.
    pub async fn start_device_authorization(
        &self,
        client_id: Uuid,
        device_id: Option<Uuid>,
    ) -> Result<DeviceAuthorization> {
        let mut form = vec![("client_id", client_id.to_string())];
        if let Some(d) = device_id {
            form.push(("device_id", d.to_string()));
        }
        let call = Call::new(Method::POST, &["auth", "device_authorization"])
            .form(form)
            .replay(Replay::Safe)
            .user_agent(device_user_agent(&self.config().user_agent));
        self.send(call).await
    }

    /// The URL to open in the browser for a device sign-in: `verification_uri_complete` if given,
    /// else `verification_uri`, made absolute when the server sent it relative.
    pub fn verification_url(&self, auth: &DeviceAuthorization) -> String {
        self.absolute_url(auth.verification_uri_complete.as_deref().unwrap_or(&auth.verification_uri))
    }

    /// One poll of `POST /auth/login` with the device code.
    pub async fn poll_device_token(&self, client_id: Uuid, device_code: &str) -> Result<DevicePoll> {
        let form = vec![
            ("grant_type", DEVICE_CODE_GRANT.to_owned()),
            ("client_id", client_id.to_string()),
            ("device_code", device_code.to_owned()),
        ];
        let call = Call::new(Method::POST, &["auth", "login"]).form(form).replay(Replay::Safe);
        match self.send::<TokenResponse>(call).await {
            Ok(token) => Ok(DevicePoll::Granted(token)),
            Err(ApiError::InvalidInput(ErrorDetail::OAuth { error, .. }))
                if error == "authorization_pending" =>
            {
                Ok(DevicePoll::Pending)
            }
            Err(ApiError::InvalidInput(ErrorDetail::OAuth { error, .. })) if error == "slow_down" => {
                Ok(DevicePoll::SlowDown)
            }
            Err(e) => Err(e),
        }
    }

    /// Polls until the sign-in is approved, denied or expired: first at once, then every `interval`
    /// seconds (5 s longer after each `slow_down`), giving up once `expires_in` has passed.
    /// Cancel it by dropping the future.
    pub async fn wait_for_device_token(
        &self,
        client_id: Uuid,
        auth: &DeviceAuthorization,
    ) -> Result<TokenResponse> {
        let started = Instant::now();
        // Numbers from the server are clamped, so no sum below can overflow.
        let deadline = Duration::from_secs(auth.expires_in).min(MAX_DEVICE_CODE_LIFETIME);
        let mut interval = Duration::from_secs(auth.interval.clamp(1, MAX_POLL_INTERVAL.as_secs()));
        loop {
            match self.poll_device_token(client_id, &auth.device_code).await? {
                DevicePoll::Granted(token) => return Ok(token),
                DevicePoll::Pending => {}
                DevicePoll::SlowDown => interval = (interval + SLOW_DOWN_STEP).min(MAX_POLL_INTERVAL),
            }
            if started.elapsed() + interval > deadline {
                return Err(ApiError::DeviceCodeExpired);
            }
            tokio::time::sleep(interval).await;
        }
    }

    /// Exchanges a personal access token or service-account key for a session token
    /// (`POST /auth/login`, `password=<key>` as documented). A server that refuses that form (400 or
    /// 422) is asked once more with `grant_type=zenml_api_key` beside the key; whichever form a server
    /// took is remembered and sent first from then on.
    pub async fn login_with_key(&self, key: &ApiKey) -> Result<TokenResponse> {
        let form = self.key_form();
        let with_grant = form.load(Ordering::Relaxed) == KEY_FORM_GRANT;
        match self.exchange_key(key, with_grant).await {
            Ok(token) => {
                form.store(if with_grant { KEY_FORM_GRANT } else { KEY_FORM_PLAIN }, Ordering::Relaxed);
                Ok(token)
            }
            Err(first @ (ApiError::InvalidInput(_) | ApiError::UnexpectedStatus { status: 400, .. })) => {
                tracing::info!(error = %first, "the server refused this form of key sign-in; trying the other");
                let token = self.exchange_key(key, !with_grant).await?;
                form.store(if with_grant { KEY_FORM_PLAIN } else { KEY_FORM_GRANT }, Ordering::Relaxed);
                Ok(token)
            }
            Err(e) => Err(e),
        }
    }

    async fn exchange_key(&self, key: &ApiKey, with_grant: bool) -> Result<TokenResponse> {
        let mut form = Vec::with_capacity(2);
        if with_grant {
            form.push(("grant_type", API_KEY_GRANT.to_owned()));
        }
        form.push(("password", key.expose().to_owned()));
        let call = Call::new(Method::POST, &["auth", "login"]).form(form).replay(Replay::Safe);
        self.send(call).await
    }

    /// Username/password login, for local users of self-hosted control planes.
    pub async fn login_with_password(&self, username: &str, password: &Password) -> Result<TokenResponse> {
        let call = Call::new(Method::POST, &["auth", "login"])
            .form(vec![("username", username.to_owned()), ("password", password.expose().to_owned())])
            .replay(Replay::Safe);
        self.send(call).await
    }
}
