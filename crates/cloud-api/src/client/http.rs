//! The HTTP transport: building the clients (roots, proxy, redirect rules), reading capped bodies,
//! `Retry-After`, and mapping network failures to [`ApiError`].

use std::time::Duration;

use url::Url;

use super::config::{is_loopback, ClientConfig, MAX_REDIRECTS, MAX_RETRY_AFTER};
use crate::error::{ApiError, NetworkErrorKind, Result};

/// `Retry-After` in seconds, clamped to [`MAX_RETRY_AFTER`] (a number of any size is no reason to panic
/// or to wait for ever). The HTTP-date form is not used by the API.
pub(super) fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // All digits: too many of them for a u64 is simply "very long".
    let secs = value.parse::<u64>().unwrap_or(u64::MAX);
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

/// Reads a body of at most `cap` bytes: a `Content-Length` above it is refused before reading, and a
/// body without one is read in chunks and stopped as soon as it passes the cap.
pub(super) async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<bytes::Bytes> {
    let too_large = || ApiError::ResponseTooLarge { limit: cap };
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| network_error(&e))? {
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// `scheme://host[:port]` of a URL, for messages (no path, query or credentials).
pub(super) fn origin_of(url: &Option<Url>) -> String {
    match url {
        Some(u) => match u.port() {
            Some(p) => format!("{}://{}:{p}", u.scheme(), u.host_str().unwrap_or("?")),
            None => format!("{}://{}", u.scheme(), u.host_str().unwrap_or("?")),
        },
        None => "?".to_owned(),
    }
}

/// Why a redirect was not followed.
#[derive(Debug)]
struct RefusedRedirect(String);

impl std::fmt::Display for RefusedRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RefusedRedirect {}

/// One HTTP client of an [`ApiClient`]: rustls with the bundled roots, the operating system's store and
/// the configured extra roots; system proxy settings for remote servers, none for loopback; and
/// redirects followed only within the same origin (never to another host or port, never from https to
/// http), or not at all.
pub(super) fn http_client(
    config: &ClientConfig,
    base: &Url,
    follow_redirects: bool,
) -> Result<reqwest::Client> {
    let build_error =
        |e: reqwest::Error| ApiError::InvalidBaseUrl(format!("cannot build the HTTP client: {e}"));
    let redirects = if follow_redirects {
        reqwest::redirect::Policy::custom(|attempt| {
            let to = attempt.url().clone();
            let from = attempt.previous().last().cloned();
            let same_origin = from.as_ref().is_some_and(|f| {
                f.scheme() == to.scheme()
                    && f.host_str() == to.host_str()
                    && f.port_or_known_default() == to.port_or_known_default()
            });
            if attempt.previous().len() > MAX_REDIRECTS {
                let why = format!("more than {MAX_REDIRECTS} redirects from {}", origin_of(&from));
                attempt.error(RefusedRedirect(why))
            } else if same_origin {
                attempt.follow()
            } else {
                let why = format!(
                    "the server at {} redirected to {}; only redirects within the same server are followed",
                    origin_of(&from),
                    origin_of(&Some(to))
                );
                attempt.error(RefusedRedirect(why))
            }
        })
    } else {
        reqwest::redirect::Policy::none()
    };
    let mut builder = reqwest::Client::builder()
        .user_agent(config.user_agent.clone())
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .redirect(redirects);
    if is_loopback(base) {
        // A proxy cannot reach this computer's own ports.
        builder = builder.no_proxy();
    }
    if let Some(pem) = &config.extra_roots_pem {
        for cert in reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| ApiError::InvalidBaseUrl(format!("the extra CA certificates cannot be read: {e}")))?
        {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(build_error)
}

pub(super) fn network_error(e: &reqwest::Error) -> ApiError {
    if e.is_redirect() {
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            if let Some(r) = s.downcast_ref::<RefusedRedirect>() {
                return ApiError::RedirectRefused(r.0.clone());
            }
            source = s.source();
        }
        return ApiError::RedirectRefused("a redirect could not be followed".into());
    }
    let kind = if e.is_timeout() {
        NetworkErrorKind::Timeout
    } else if e.is_connect() {
        NetworkErrorKind::Connect
    } else {
        NetworkErrorKind::Interrupted
    };
    // reqwest's message names the URL, which carries no secret (tokens travel in headers and bodies).
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    ApiError::Network { kind, message }
}
