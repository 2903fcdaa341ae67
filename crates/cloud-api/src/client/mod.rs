//! The HTTP client: the [`ApiClient`] type and its public methods. Its settings are in `config`,
//! the description of one call in `call`, sending and retrying in `engine`, the transport in `http`,
//! and paging in [`crate::paging`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use url::Url;

use crate::error::{ApiError, Result};

mod call;
mod config;
mod engine;
mod http;

pub use crate::paging::{
    fetch_all, fetch_all_concurrent, fetch_pages, smaller_limit, Page, PagingBounds, PagingMemory,
};
pub(crate) use call::{Call, Replay};
pub use config::{
    default_user_agent, parse_base_url, ClientConfig, RetryPolicy, CA_BUNDLE_ENV, DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_BYTES,
};
use http::{http_client, network_error, read_capped};

/// The answer to [`ApiClient::probe`].
#[derive(Clone, Debug)]
pub struct Probe {
    pub status: u16,
    /// The server's clock, from its `Date` header.
    pub date: Option<chrono::DateTime<chrono::Utc>>,
    pub elapsed: Duration,
    /// The body, when it is JSON.
    pub json: Option<Value>,
}

/// The ZenML Pro cloud API client. Cheap to clone; build it once and share it.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// For calls whose body holds a key or a password: a redirect is never followed (the body would
    /// go with it), it is an error.
    no_redirects: reqwest::Client,
    base: Url,
    base_str: String,
    config: ClientConfig,
    /// What paging learned about this server.
    paging: PagingMemory,
    /// Which form of key exchange this server takes (see `auth.rs`).
    pub(crate) key_form: std::sync::atomic::AtomicU8,
    /// Routes that refuse a session's token type, and the automation tokens (see `token_types.rs`).
    token_types: crate::token_types::TokenTypes,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient").field("base_url", &self.inner.base_str).finish()
    }
}

impl ApiClient {
    /// Builds a client. Fails with `InvalidBaseUrl` when the URL breaks the rules of
    /// [`parse_base_url`].
    pub fn new(config: ClientConfig) -> Result<Self> {
        let base = parse_base_url(&config.base_url)?;
        let http = http_client(&config, &base, true)?;
        let no_redirects = http_client(&config, &base, false)?;
        let base_str = base.as_str().trim_end_matches('/').to_owned();
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                no_redirects,
                base,
                base_str,
                config,
                paging: PagingMemory::default(),
                key_form: std::sync::atomic::AtomicU8::new(0),
                token_types: Default::default(),
            }),
        })
    }

    /// Shorthand for `ApiClient::new(ClientConfig::new(base_url))`.
    pub fn with_base_url(base_url: &str) -> Result<Self> {
        Self::new(ClientConfig::new(base_url))
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_str
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Makes a server-relative URI (such as a relative `verification_uri`) absolute by prefixing the
    /// base URL; absolute URIs are returned as they are.
    pub fn absolute_url(&self, uri: &str) -> String {
        if uri.starts_with('/') {
            format!("{}{}", self.inner.base_str, uri)
        } else {
            uri.to_owned()
        }
    }

    /// One plain `GET` of `path` (no token, no retries), for diagnostics: the status, the server's
    /// `Date` header, how long it took, and the body when it is JSON.
    pub async fn probe(&self, path: &[&str]) -> Result<Probe> {
        let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
        let url = self.url_for(&path)?;
        let started = Instant::now();
        let response = self
            .inner
            .http
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| network_error(&e))?;
        let status = response.status().as_u16();
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .map(|d| d.with_timezone(&chrono::Utc));
        let body = read_capped(response, self.inner.config.max_response_bytes).await?;
        let elapsed = started.elapsed();
        Ok(Probe { status, date, elapsed, json: serde_json::from_slice(&body).ok() })
    }

    /// What paging has learned about this server (its maximum `limit`, once found).
    pub fn paging(&self) -> &PagingMemory {
        &self.inner.paging
    }

    pub(crate) fn key_form(&self) -> &std::sync::atomic::AtomicU8 {
        &self.inner.key_form
    }

    pub(crate) fn token_types(&self) -> &crate::token_types::TokenTypes {
        &self.inner.token_types
    }

    pub(crate) fn url_for(&self, path: &[String]) -> Result<Url> {
        let mut url = self.inner.base.clone();
        url.path_segments_mut()
            .map_err(|()| ApiError::InvalidBaseUrl("the API URL cannot have a path appended".into()))?
            .pop_if_empty()
            .extend(path);
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_appended_to_a_prefixed_base_and_encoded() {
        let c = ApiClient::with_base_url("https://cp.example.com/api/v1/").unwrap();
        assert_eq!(c.base_url(), "https://cp.example.com/api/v1");
        let u = c.url_for(&["organizations".into(), "my org/x".into()]).unwrap();
        assert_eq!(u.as_str(), "https://cp.example.com/api/v1/organizations/my%20org%2Fx");
        let saas = ApiClient::with_base_url(DEFAULT_BASE_URL).unwrap();
        assert_eq!(
            saas.url_for(&["users".into(), "me".into()]).unwrap().as_str(),
            "https://cloudapi.zenml.io/users/me"
        );
        assert_eq!(
            c.absolute_url("/devices/verify?user_code=A"),
            "https://cp.example.com/api/v1/devices/verify?user_code=A"
        );
        assert_eq!(c.absolute_url("https://other/x"), "https://other/x");
    }
}
