//! The client's settings: base URL rules, user agent, timeouts and the retry policy.

use std::net::IpAddr;
use std::time::Duration;

use rand::Rng;
use url::{Host, Url};

use crate::error::{ApiError, Result};
use crate::paging::PagingBounds;

/// The SaaS control plane.
pub const DEFAULT_BASE_URL: &str = "https://cloudapi.zenml.io";

/// How failed requests are retried: exponential backoff with jitter, bounded in count and total time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Backoff before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff.
    pub max_backoff: Duration,
    /// Upper bound of the time spent on one call, waits included. A `Retry-After` that would go past
    /// it ends the call with `RateLimited` instead of waiting.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_total: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// The backoff before retry number `retry` (0-based): exponential, with jitter in [½, 1] of it.
    pub(super) fn backoff(&self, retry: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(2u32.saturating_pow(retry.min(16)));
        let cap = exp.min(self.max_backoff);
        let jitter = rand::rng().random_range(0.5..=1.0);
        cap.mul_f64(jitter)
    }
}

/// Everything the client needs to know; `ClientConfig::new(url)` fills in sensible defaults.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The API root: `https://cloudapi.zenml.io`, or `https://<host>/api/v1` for a self-hosted
    /// control plane. Plain `http` is accepted only for loopback hosts.
    pub base_url: String,
    pub user_agent: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// `limit` used when paging through whole lists.
    pub page_size: u32,
    /// Pages requested at once after a full first page (1 = strictly one after another); each later
    /// round that comes back full asks for twice as many, up to 32. Lists have no total count, so a long
    /// list would cost one round trip per page; asking for the next pages at once cuts that chain, at
    /// the price of at most one round of empty pages past the end.
    pub page_concurrency: usize,
    /// When paging gives up on a list.
    pub paging_bounds: PagingBounds,
    /// The largest response body read; a larger one ends the call with `ResponseTooLarge`.
    pub max_response_bytes: usize,
    /// Extra root certificates (PEM), trusted beside the operating system's store and the bundled
    /// roots: for a self-hosted control plane behind a private CA. [`ClientConfig::new`] reads the file
    /// named by `ZENML_PRO_CA_BUNDLE`.
    pub extra_roots_pem: Option<Vec<u8>>,
}

/// Default cap of a response body: 64 MiB (the largest real list page is far smaller).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Names a PEM file of extra root certificates to trust (a company CA, say).
pub const CA_BUNDLE_ENV: &str = "ZENML_PRO_CA_BUNDLE";

/// Redirects followed at most per request (same origin only).
pub(super) const MAX_REDIRECTS: usize = 5;

/// Longest wait a server's `Retry-After` can ask for; the retry budget usually ends the call first.
pub(super) const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

impl ClientConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            user_agent: default_user_agent(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            page_size: 100,
            page_concurrency: 4,
            paging_bounds: PagingBounds::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            extra_roots_pem: std::env::var_os(CA_BUNDLE_ENV)
                .filter(|p| !p.is_empty())
                .and_then(|p| match std::fs::read(&p) {
                    Ok(pem) => Some(pem),
                    Err(e) => {
                        tracing::warn!(path = %std::path::Path::new(&p).display(), error = %e, "{CA_BUNDLE_ENV} cannot be read; ignored");
                        None
                    }
                }),
        }
    }
}

/// `zenml-pro-desktop/<version> (<os>; <arch>)`.
pub fn default_user_agent() -> String {
    format!(
        "zenml-pro-desktop/{} ({}; {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// Parses and checks a base URL: http(s) only, no credentials, query or fragment, and plain http only
/// when the host is loopback (`localhost`, 127.0.0.0/8, `::1`). A trailing slash is dropped.
pub fn parse_base_url(raw: &str) -> Result<Url> {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Err(ApiError::InvalidBaseUrl("the API URL is empty".into()));
    }
    let url = Url::parse(trimmed)
        .map_err(|e| ApiError::InvalidBaseUrl(format!("{trimmed:?} is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::InvalidBaseUrl("the API URL must not contain a user name or password".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::InvalidBaseUrl("the API URL must not have a query or fragment".into()));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ApiError::InvalidBaseUrl(format!(
            "{trimmed} uses plain http; use https (plain http is allowed only for localhost)"
        ))),
        other => Err(ApiError::InvalidBaseUrl(format!("unsupported scheme {other:?}; use https"))),
    }
}

pub(super) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            parse_base_url("https://cloudapi.zenml.io/").unwrap().as_str(),
            "https://cloudapi.zenml.io/"
        );
        assert!(parse_base_url("https://cp.example.com/api/v1").is_ok());
        for ok in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "http://127.3.4.5"] {
            assert!(parse_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://cloudapi.zenml.io",
            "http://10.0.0.1",
            "ftp://x",
            "",
            "not a url",
            "https://u:p@x.io",
            "https://x.io/?a=1",
        ] {
            let e = parse_base_url(bad).unwrap_err();
            assert!(matches!(e, ApiError::InvalidBaseUrl(_)), "{bad}: {e:?}");
        }
        let msg = parse_base_url("http://cp.example.com").unwrap_err().to_string();
        assert!(msg.contains("use https"), "{msg}");
    }

    #[test]
    fn backoff_grows_and_is_bounded() {
        let p = RetryPolicy::default();
        for retry in 0..10 {
            let d = p.backoff(retry);
            let full = p.initial_backoff.saturating_mul(1 << retry).min(p.max_backoff);
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?} vs {full:?}");
        }
    }
}
