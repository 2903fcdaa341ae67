//! The HTTP client: configuration, base URL rules, the request engine with retries, and paging.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::{Host, Url};

use crate::error::{ApiError, NetworkErrorKind, Result};
use crate::secret::AccessToken;

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
    fn backoff(&self, retry: u32) -> Duration {
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
    /// Pages requested at once after a full first page (1 = strictly one after another). Lists have no
    /// total count, so a long list costs one round trip per page; asking for the next few pages at
    /// once cuts that chain, at the price of a few empty pages at the end.
    pub page_concurrency: usize,
}

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

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// One page request: `offset` and `limit` query parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u32,
}

impl Page {
    pub fn first(limit: u32) -> Self {
        Self { offset: 0, limit }
    }
}

impl Default for Page {
    /// ZenML's own defaults: offset 0, limit 20.
    fn default() -> Self {
        Self { offset: 0, limit: 20 }
    }
}

/// Fetches every page of a list: calls `fetch` with growing offsets until a page comes back shorter
/// than `limit`. A server that ignores `limit` and returns more is taken to have sent everything.
pub async fn fetch_all<T, F, Fut>(limit: u32, fetch: F) -> Result<Vec<T>>
where
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    fetch_all_concurrent(limit, 1, fetch).await
}

/// Like [`fetch_all`], but once the first page comes back full, asks for up to `concurrency` pages at
/// once, in order; pages after the first short one are dropped.
pub async fn fetch_all_concurrent<T, F, Fut>(limit: u32, concurrency: usize, mut fetch: F) -> Result<Vec<T>>
where
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    let limit = limit.max(1);
    let mut all = Vec::new();
    let mut offset = 0u64;
    let mut batch = 1usize;
    loop {
        let pages: Vec<Fut> =
            (0..batch).map(|i| fetch(Page { offset: offset + i as u64 * u64::from(limit), limit })).collect();
        for page in futures::future::try_join_all(pages).await? {
            let n = page.len();
            all.extend(page);
            if n < limit as usize {
                return Ok(all);
            }
            if n > limit as usize {
                tracing::warn!(
                    limit,
                    got = n,
                    "server ignored the page limit; taking the page as the whole list"
                );
                return Ok(all);
            }
            offset += n as u64;
        }
        batch = concurrency.max(1);
    }
}

/// Whether a request may be sent again after it may have reached the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads and token exchanges: retried on any transient failure.
    Safe,
    /// Writes: retried only when the server certainly did not act on them (connection refused,
    /// 408, 429).
    Unsafe,
}

pub(crate) enum Body {
    None,
    Json(serde_json::Value),
    /// Form fields; may hold secrets, so `Call` has no `Debug`.
    Form(Vec<(&'static str, String)>),
}

/// One API call, described once and sent as many times as the retry policy allows.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub path: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub body: Body,
    pub token: Option<&'a AccessToken>,
    pub replay: Replay,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, path: &[&str]) -> Self {
        let replay = if method == Method::GET { Replay::Safe } else { Replay::Unsafe };
        Self {
            method,
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            query: Vec::new(),
            body: Body::None,
            token: None,
            replay,
        }
    }

    pub fn token(mut self, token: &'a AccessToken) -> Self {
        self.token = Some(token);
        self
    }

    pub fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub fn query_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub fn page(self, page: Page) -> Self {
        self.query("offset", page.offset).query("limit", page.limit)
    }

    pub fn json(mut self, body: &impl serde::Serialize) -> Result<Self> {
        self.body = Body::Json(
            serde_json::to_value(body)
                .map_err(|e| ApiError::MalformedResponse(format!("cannot encode request: {e}")))?,
        );
        Ok(self)
    }

    pub fn form(mut self, fields: Vec<(&'static str, String)>) -> Self {
        self.body = Body::Form(fields);
        self
    }

    pub fn replay(mut self, replay: Replay) -> Self {
        self.replay = replay;
        self
    }
}

/// The ZenML Pro cloud API client. Cheap to clone; build it once and share it.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    base_str: String,
    config: ClientConfig,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient").field("base_url", &self.inner.base_str).finish()
    }
}

/// What one attempt ended with.
enum Attempt {
    Done(bytes::Bytes),
    Retry { error: ApiError, wait: Option<Duration> },
    Fail(ApiError),
}

impl ApiClient {
    /// Builds a client. Fails with `InvalidBaseUrl` when the URL breaks the rules of
    /// [`parse_base_url`].
    pub fn new(config: ClientConfig) -> Result<Self> {
        let base = parse_base_url(&config.base_url)?;
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| ApiError::InvalidBaseUrl(format!("cannot build the HTTP client: {e}")))?;
        let base_str = base.as_str().trim_end_matches('/').to_owned();
        Ok(Self { inner: Arc::new(Inner { http, base, base_str, config }) })
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

    /// Fetches every page of a list with this client's page size. See [`fetch_all`].
    pub async fn all<T, F, Fut>(&self, fetch: F) -> Result<Vec<T>>
    where
        F: FnMut(Page) -> Fut,
        Fut: Future<Output = Result<Vec<T>>>,
    {
        fetch_all_concurrent(self.inner.config.page_size, self.inner.config.page_concurrency, fetch).await
    }

    fn url_for(&self, path: &[String]) -> Result<Url> {
        let mut url = self.inner.base.clone();
        url.path_segments_mut()
            .map_err(|()| ApiError::InvalidBaseUrl("the API URL cannot have a path appended".into()))?
            .pop_if_empty()
            .extend(path);
        Ok(url)
    }

    /// Sends a call and decodes its JSON body. An empty body decodes as `null` (so `()` and
    /// `Option<T>` accept it).
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let bytes = self.send_raw(call).await?;
        let slice: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"null" } else { &bytes };
        serde_json::from_slice(slice).map_err(|e| ApiError::MalformedResponse(e.to_string()))
    }

    /// Sends a call and ignores a successful body.
    pub(crate) async fn send_unit(&self, call: Call<'_>) -> Result<()> {
        self.send_raw(call).await.map(|_| ())
    }

    async fn send_raw(&self, call: Call<'_>) -> Result<bytes::Bytes> {
        let url = self.url_for(&call.path)?;
        let policy = &self.inner.config.retry;
        let started = Instant::now();
        let mut retry = 0u32;
        loop {
            let attempt_started = Instant::now();
            let outcome = self.attempt(&call, &url).await;
            let elapsed_ms = attempt_started.elapsed().as_millis() as u64;
            let (error, wait) = match outcome {
                Attempt::Done(bytes) => {
                    tracing::debug!(method = %call.method, path = url.path(), retry, elapsed_ms, "api call ok");
                    return Ok(bytes);
                }
                Attempt::Fail(error) => {
                    tracing::debug!(method = %call.method, path = url.path(), retry, elapsed_ms, %error, "api call failed");
                    return Err(error);
                }
                Attempt::Retry { error, wait } => (error, wait),
            };
            let delay = wait.unwrap_or_else(|| policy.backoff(retry));
            if retry >= policy.max_retries || started.elapsed() + delay > policy.max_total {
                tracing::debug!(method = %call.method, path = url.path(), retry, %error, "api call failed; retry budget spent");
                return Err(error);
            }
            tracing::info!(
                method = %call.method, path = url.path(), retry, delay_ms = delay.as_millis() as u64, %error,
                "api call will be retried"
            );
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    async fn attempt(&self, call: &Call<'_>, url: &Url) -> Attempt {
        let mut req =
            self.inner.http.request(call.method.clone(), url.clone()).header("accept", "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(token) = call.token {
            req = req.bearer_auth(token.expose());
        }
        req = match &call.body {
            Body::None => req,
            Body::Json(v) => req.json(v),
            Body::Form(fields) => req.form(fields),
        };
        let safe = call.replay == Replay::Safe;
        let response = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                let error = network_error(&e);
                // A refused connection never reached the server: any request may be sent again.
                let may_retry =
                    safe || matches!(error, ApiError::Network { kind: NetworkErrorKind::Connect, .. });
                return if may_retry { Attempt::Retry { error, wait: None } } else { Attempt::Fail(error) };
            }
        };
        let status = response.status();
        let retry_after = retry_after(&response);
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let error = network_error(&e);
                return if safe { Attempt::Retry { error, wait: None } } else { Attempt::Fail(error) };
            }
        };
        if status.is_success() {
            return Attempt::Done(body);
        }
        let error = ApiError::from_status(status.as_u16(), &body, retry_after);
        let retryable = match status {
            StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => true,
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => safe,
            _ => false,
        };
        if retryable {
            Attempt::Retry { error, wait: retry_after }
        } else {
            Attempt::Fail(error)
        }
    }
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn network_error(e: &reqwest::Error) -> ApiError {
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

    #[test]
    fn backoff_grows_and_is_bounded() {
        let p = RetryPolicy::default();
        for retry in 0..10 {
            let d = p.backoff(retry);
            let full = p.initial_backoff.saturating_mul(1 << retry).min(p.max_backoff);
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?} vs {full:?}");
        }
    }

    #[tokio::test]
    async fn fetch_all_stops_on_a_short_page() {
        let data: Vec<u32> = (0..45).collect();
        let mut calls = Vec::new();
        let all = fetch_all(20, |p| {
            calls.push(p);
            let chunk: Vec<u32> =
                data.iter().copied().skip(p.offset as usize).take(p.limit as usize).collect();
            async move { Ok(chunk) }
        })
        .await
        .unwrap();
        assert_eq!(all, data);
        assert_eq!(calls.iter().map(|p| p.offset).collect::<Vec<_>>(), vec![0, 20, 40]);
    }

    #[tokio::test]
    async fn fetch_all_makes_one_extra_call_on_an_exact_multiple() {
        let mut n = 0;
        let all = fetch_all(10, |p| {
            n += 1;
            let chunk: Vec<u64> = (p.offset..20).take(p.limit as usize).collect();
            async move { Ok(chunk) }
        })
        .await
        .unwrap();
        assert_eq!(all.len(), 20);
        assert_eq!(n, 3);
    }

    #[tokio::test]
    async fn concurrent_paging_returns_the_same_list_in_fewer_rounds() {
        let data: Vec<u32> = (0..95).collect();
        let calls = std::sync::Mutex::new(Vec::new());
        let all = fetch_all_concurrent(10, 4, |p| {
            calls.lock().unwrap().push(p.offset);
            let chunk: Vec<u32> =
                data.iter().copied().skip(p.offset as usize).take(p.limit as usize).collect();
            async move { Ok(chunk) }
        })
        .await
        .unwrap();
        assert_eq!(all, data, "in order, nothing repeated or lost");
        // The first page alone, then 10..40, 50..80, 90..120: the page at 90 is short.
        let calls = calls.into_inner().unwrap();
        assert_eq!(calls, vec![0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
        let small = fetch_all_concurrent(10, 4, |_| async { Ok(vec![1, 2, 3]) }).await.unwrap();
        assert_eq!(small, vec![1, 2, 3], "a short first page costs one request");
    }

    #[tokio::test]
    async fn fetch_all_stops_when_the_server_ignores_the_limit() {
        let mut n = 0;
        let all = fetch_all(10, |_| {
            n += 1;
            async { Ok((0..25).collect::<Vec<u32>>()) }
        })
        .await
        .unwrap();
        assert_eq!((all.len(), n), (25, 1));
    }
}
