//! The HTTP client: configuration, base URL rules, the request engine with retries, and paging.

use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::{Host, Url};

use crate::error::{ApiError, ErrorDetail, NetworkErrorKind, Result};
use crate::secret::AccessToken;
use crate::wire::{read_one, Listing, ReadNotes, Skip, Wire};
use serde_json::Value;

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
const MAX_REDIRECTS: usize = 5;

/// Longest wait a server's `Retry-After` can ask for; the retry budget usually ends the call first.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

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

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

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

/// Bounds of one paged read, so no server can keep a list going for ever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PagingBounds {
    /// At most this many pages of one list.
    pub max_pages: usize,
    /// At most this many rows of one list.
    pub max_rows: usize,
}

impl Default for PagingBounds {
    fn default() -> Self {
        Self { max_pages: 10_000, max_rows: 1_000_000 }
    }
}

/// What paging has learned about one server, shared by every list read through one client: the
/// largest `limit` it takes (from a 422 that names `limit`, or from a silent cap), and the largest page
/// it has served in full (a shorter page than that is surely the end of its list).
#[derive(Debug, Default)]
pub struct PagingMemory {
    /// The server's maximum `limit`; 0 while unknown.
    cap: std::sync::atomic::AtomicU32,
    /// The longest page the server has served.
    proven: std::sync::atomic::AtomicU32,
}

impl PagingMemory {
    /// The largest `limit` the server was found to take, if one was found.
    pub fn cap(&self) -> Option<u32> {
        Some(self.cap.load(Ordering::Relaxed)).filter(|c| *c > 0)
    }

    /// Remembers the server's maximum `limit` (keeps the smallest one seen).
    pub fn set_cap(&self, cap: u32) {
        let cap = cap.max(1);
        let _ = self
            .cap
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| (old == 0 || cap < old).then_some(cap));
    }

    fn prove(&self, served: usize) {
        self.proven.fetch_max(served.min(u32::MAX as usize) as u32, Ordering::Relaxed);
    }

    fn proven(&self) -> usize {
        self.proven.load(Ordering::Relaxed) as usize
    }

    /// The page size to ask for: `wanted`, or the server's cap when smaller.
    pub fn limit_for(&self, wanted: u32) -> u32 {
        match self.cap() {
            Some(cap) => wanted.clamp(1, cap),
            None => wanted.max(1),
        }
    }
}

/// The `limit` to retry with after `error`, when it is a 422 (or 400) that names `limit`: the maximum
/// the message states, else half of `current`. `None` for any other error, or when no smaller limit
/// is left.
pub fn smaller_limit(error: &ApiError, current: u32) -> Option<u32> {
    let ApiError::InvalidInput(detail) = error else {
        return None;
    };
    let message = match detail {
        ErrorDetail::Validation(fields) => fields
            .iter()
            .find(|f| f.field == "limit" || f.loc.last().is_some_and(|l| l == "limit"))?
            .message
            .clone(),
        other => {
            let m = other.message();
            if !m.to_ascii_lowercase().contains("limit") {
                return None;
            }
            m
        }
    };
    let stated = stated_maximum(&message).filter(|n| *n >= 1 && *n < current);
    let next = stated.unwrap_or(current / 2);
    (next >= 1 && next < current).then_some(next)
}

/// The maximum a validation message states: "less than or equal to 100" → 100, "less than 101" → 100,
/// otherwise the last number in it.
fn stated_maximum(message: &str) -> Option<u32> {
    let lower = message.to_ascii_lowercase();
    let numbers: Vec<(usize, u64)> = {
        let mut out = Vec::new();
        let bytes = lower.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if let Ok(n) = lower[start..i].parse::<u64>() {
                    out.push((start, n));
                }
            } else {
                i += 1;
            }
        }
        out
    };
    let (pos, n) = *numbers.last()?;
    let before = &lower[..pos];
    let strict = before.trim_end().ends_with("less than") || before.trim_end().ends_with('<');
    let n = if strict { n.checked_sub(1)? } else { n };
    u32::try_from(n).ok()
}

/// Fetches every page of a list, one page after another. See [`fetch_pages`].
pub async fn fetch_all<T, F, Fut>(limit: u32, fetch: F) -> Result<Vec<T>>
where
    T: PartialEq,
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    fetch_pages(limit, 1, PagingBounds::default(), &PagingMemory::default(), fetch).await
}

/// Like [`fetch_all`], with `concurrency` pages asked for at once after a full first page, and twice
/// as many after each full round (up to 32).
pub async fn fetch_all_concurrent<T, F, Fut>(limit: u32, concurrency: usize, fetch: F) -> Result<Vec<T>>
where
    T: PartialEq,
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    fetch_pages(limit, concurrency, PagingBounds::default(), &PagingMemory::default(), fetch).await
}

/// Fetches every page of a list whose server gives no total count, and adapts to how the server pages:
/// - it asks for `limit` rows a page (or the server's known cap); once a page comes back full it asks
///   for `concurrency` pages at once, in order, and twice as many each time a whole round comes back
///   full, up to 32 at once (or `concurrency`, if larger): a long list costs a few rounds rather than
///   one per `concurrency` pages, a short one costs what it did, and the waste at the end (empty pages
///   asked for past the end) stays below one round. `concurrency` 1 pages strictly one after another;
///   no round asks for more pages than `bounds` could still take;
/// - a 422 that names `limit` makes it ask again with the maximum the message states (or half), and
///   `memory` keeps that for the server's other lists;
/// - it stops on an empty page or a short one. A short page as long as a plausible cap (a multiple of
///   ten, longer than any page the server has served in full) may be a silent cap: the next page is
///   asked for too, and if it has rows, the short page's length is the server's cap;
/// - a page equal to the one before (a server that ignores `offset`) ends it with an error, as does
///   going past `bounds`: never a loop without end;
/// - a page longer than asked for (a server that ignores `limit`) is taken as the whole rest.
pub async fn fetch_pages<T, F, Fut>(
    limit: u32,
    concurrency: usize,
    bounds: PagingBounds,
    memory: &PagingMemory,
    mut fetch: F,
) -> Result<Vec<T>>
where
    T: PartialEq,
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    // The most pages one round asks for, once a list has proved long.
    const MAX_BATCH: usize = 32;
    let concurrency = concurrency.max(1);
    let max_batch = if concurrency == 1 { 1 } else { MAX_BATCH.max(concurrency) };
    let mut limit = memory.limit_for(limit);
    let mut all: Vec<T> = Vec::new();
    let mut offset = 0u64;
    let mut batch = 1usize;
    // Pages the next round asks for, if the current one comes back full.
    let mut next_batch = concurrency;
    let mut pages = 0usize;
    // Where the previous page starts in `all`, and how long it is.
    let mut previous: Option<(usize, usize)> = None;
    // A short page's length that may be a silent cap, while the page after it is awaited.
    let mut suspect: Option<u32> = None;
    loop {
        let requests: Vec<Fut> =
            (0..batch).map(|i| fetch(Page { offset: offset + i as u64 * u64::from(limit), limit })).collect();
        let results = match futures::future::try_join_all(requests).await {
            Ok(r) => r,
            Err(e) => match smaller_limit(&e, limit) {
                Some(smaller) => {
                    tracing::info!(
                        limit,
                        smaller,
                        "the server refused the page size; asking for smaller pages"
                    );
                    memory.set_cap(smaller);
                    limit = smaller;
                    batch = 1;
                    next_batch = concurrency;
                    continue;
                }
                None => return Err(e),
            },
        };
        let mut probing = false;
        for page in results {
            pages += 1;
            let n = page.len();
            if n == 0 {
                return Ok(all);
            }
            if let Some((start, len)) = previous {
                if len == n && all[start..] == page[..] {
                    return Err(ApiError::Paging(format!(
                        "the server sent the same page twice (it seems to ignore `offset`); {} rows were \
                         read and the rest could not be",
                        all.len()
                    )));
                }
            }
            if pages > bounds.max_pages || all.len() + n > bounds.max_rows {
                return Err(ApiError::Paging(format!(
                    "the list goes on past {} pages or {} rows; stopped there",
                    bounds.max_pages, bounds.max_rows
                )));
            }
            if let Some(cap) = suspect.take() {
                // The page after a suspiciously short one has rows: the server caps its pages.
                tracing::info!(cap, "the server caps its pages without saying so; asking for that many");
                memory.set_cap(cap);
            }
            previous = Some((all.len(), n));
            all.extend(page);
            offset += n as u64;
            if n > limit as usize {
                tracing::warn!(
                    limit,
                    got = n,
                    "server ignored the page limit; taking the page as the whole list"
                );
                return Ok(all);
            }
            if n < limit as usize {
                if n % 10 == 0 && n > memory.proven() {
                    suspect = Some(n as u32);
                    limit = n as u32;
                    probing = true;
                    break;
                }
                return Ok(all);
            }
            memory.prove(n);
        }
        if probing {
            // The page size changes: the list proves itself long again from one page.
            batch = 1;
            next_batch = concurrency;
        } else {
            // Enough to reach the page or row past the bounds, never more.
            let to_bound = (bounds.max_pages + 1).saturating_sub(pages);
            let rows_to_bound = bounds.max_rows.saturating_sub(all.len()) / (limit as usize).max(1) + 1;
            batch = next_batch.min(to_bound).min(rows_to_bound).max(1);
            next_batch = (next_batch * 2).min(max_batch);
        }
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
    /// A `User-Agent` for this call instead of the client's.
    pub user_agent: Option<String>,
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
            user_agent: None,
        }
    }

    pub fn user_agent(mut self, agent: String) -> Self {
        self.user_agent = Some(agent);
        self
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

    /// Reads every page of a list route (see [`fetch_pages`]) and then each row tolerantly.
    pub(crate) async fn all<'t, T, F>(&self, call: F) -> Result<Listing<T>>
    where
        T: Wire,
        F: Fn(Page) -> Call<'t>,
    {
        let c = &self.inner.config;
        let rows = fetch_pages(c.page_size, c.page_concurrency, c.paging_bounds, &self.inner.paging, |p| {
            self.list_rows(call(p))
        })
        .await?;
        Ok(Listing::read(&rows))
    }

    /// One page of a list route, read tolerantly.
    pub(crate) async fn page<T: Wire>(&self, call: Call<'_>) -> Result<Listing<T>> {
        Ok(Listing::read(&self.list_rows(call).await?))
    }

    /// The rows of one page: a bare JSON array, or the `items` of a page object.
    pub(crate) async fn list_rows(&self, call: Call<'_>) -> Result<Vec<Value>> {
        match self.send_value(call).await? {
            Value::Array(rows) => Ok(rows),
            Value::Object(mut map) => match map.remove("items") {
                Some(Value::Array(rows)) => Ok(rows),
                _ => Err(ApiError::MalformedResponse("a list was expected and something else came".into())),
            },
            _ => Err(ApiError::MalformedResponse("a list was expected and something else came".into())),
        }
    }

    /// Sends a call and reads its body as one record, tolerantly; the notes say what was noticed.
    pub(crate) async fn send_wire<T: Wire>(&self, call: Call<'_>) -> Result<(T, ReadNotes)> {
        let value = self.send_value(call).await?;
        let mut notes = ReadNotes::default();
        match read_one::<T>(&value, &mut notes) {
            Ok(v) => Ok((v, notes)),
            Err(Skip(reason)) => Err(ApiError::MalformedResponse(format!(
                "the {} it sent could not be read: {reason}",
                T::spec().name.replace('_', " ")
            ))),
        }
    }

    /// Sends a call and parses its body as JSON (an empty body is `null`).
    pub(crate) async fn send_value(&self, call: Call<'_>) -> Result<Value> {
        self.send(call).await
    }

    pub(crate) fn url_for(&self, path: &[String]) -> Result<Url> {
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

    /// Sends a call; one made with a token goes through [`ApiClient::send_as`] (token types, see
    /// `token_types.rs`).
    async fn send_raw(&self, call: Call<'_>) -> Result<bytes::Bytes> {
        let url = self.url_for(&call.path)?;
        match call.token {
            Some(session) => self.send_as(&call, &url, session).await,
            None => self.send_retrying(&call, &url, None).await,
        }
    }

    /// Sends a call with `bearer` as its token (if any), retried as the policy allows.
    pub(crate) async fn send_retrying(
        &self,
        call: &Call<'_>,
        url: &Url,
        bearer: Option<&AccessToken>,
    ) -> Result<bytes::Bytes> {
        let policy = &self.inner.config.retry;
        let started = Instant::now();
        let mut retry = 0u32;
        loop {
            let attempt_started = Instant::now();
            let outcome = self.attempt(call, url, bearer).await;
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

    async fn attempt(&self, call: &Call<'_>, url: &Url, bearer: Option<&AccessToken>) -> Attempt {
        let secret_body = matches!(call.body, Body::Form(_));
        let http = if secret_body { &self.inner.no_redirects } else { &self.inner.http };
        let mut req = http.request(call.method.clone(), url.clone()).header("accept", "application/json");
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(token) = bearer {
            req = req.bearer_auth(token.expose());
        }
        if let Some(agent) = &call.user_agent {
            req = req.header(reqwest::header::USER_AGENT, agent);
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
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|l| origin_of(&url.join(l).ok()))
                .unwrap_or_else(|| "somewhere else".to_owned());
            return Attempt::Fail(ApiError::RedirectRefused(format!(
                "{} answered a sign-in with a redirect to {to}; it was not followed, so the key or password \
                 went nowhere else",
                origin_of(&Some(url.clone()))
            )));
        }
        let retry_after = retry_after(&response);
        let body = match read_capped(response, self.inner.config.max_response_bytes).await {
            Ok(b) => b,
            Err(error @ ApiError::ResponseTooLarge { .. }) => return Attempt::Fail(error),
            Err(error) => {
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

/// `Retry-After` in seconds, clamped to [`MAX_RETRY_AFTER`] (a number of any size is no reason to panic
/// or to wait for ever). The HTTP-date form is not used by the API.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
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
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<bytes::Bytes> {
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
fn origin_of(url: &Option<Url>) -> String {
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
fn http_client(config: &ClientConfig, base: &Url, follow_redirects: bool) -> Result<reqwest::Client> {
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

fn network_error(e: &reqwest::Error) -> ApiError {
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
        // The first page alone, then 10..40, then 50..120 (twice as many): the page at 90 is short.
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

    /// A list of `n` numbers served by a fake server with the given rules, recording each request.
    struct FakeList {
        n: u32,
        /// 422 for a larger `limit`, with this message.
        max_limit: Option<(u32, &'static str)>,
        /// Serve at most this many rows whatever `limit` says.
        silent_cap: Option<u32>,
        ignore_offset: bool,
        calls: std::sync::Mutex<Vec<Page>>,
    }

    impl FakeList {
        fn new(n: u32) -> Self {
            Self { n, max_limit: None, silent_cap: None, ignore_offset: false, calls: Default::default() }
        }

        fn page(&self, p: Page) -> impl Future<Output = Result<Vec<u32>>> {
            self.calls.lock().unwrap().push(p);
            let result = match self.max_limit {
                Some((max, msg)) if p.limit > max => {
                    let body = format!(
                        r#"{{"detail":[{{"type":"less_than_equal","loc":["query","limit"],"msg":"{msg}"}}]}}"#
                    );
                    Err(ApiError::from_status(422, body.as_bytes(), None))
                }
                _ => {
                    let offset = if self.ignore_offset { 0 } else { p.offset as u32 };
                    let take = p.limit.min(self.silent_cap.unwrap_or(u32::MAX));
                    Ok((offset..self.n).take(take as usize).collect())
                }
            };
            async move { result }
        }

        fn limits(&self) -> Vec<u32> {
            self.calls.lock().unwrap().iter().map(|p| p.limit).collect()
        }
    }

    #[tokio::test]
    async fn a_422_naming_limit_shrinks_the_page_to_the_stated_maximum_and_is_remembered() {
        let mut server = FakeList::new(250);
        server.max_limit = Some((100, "Input should be less than or equal to 100"));
        let memory = PagingMemory::default();
        let all = fetch_pages(1000, 4, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
        assert_eq!(all, (0..250).collect::<Vec<_>>());
        assert_eq!(server.limits()[..2], [1000, 100]);
        assert_eq!(memory.cap(), Some(100));
        // The next list of the same server asks for 100 at once.
        let again = fetch_pages(1000, 4, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
        assert_eq!(again.len(), 250);
        assert!(server.limits()[server.limits().len() - 4..].iter().all(|l| *l == 100));
    }

    #[tokio::test]
    async fn a_422_that_states_no_maximum_halves_the_page() {
        let mut server = FakeList::new(30);
        server.max_limit = Some((20, "the page is too big"));
        let memory = PagingMemory::default();
        let all = fetch_pages(80, 1, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
        assert_eq!(all.len(), 30);
        assert_eq!(server.limits()[..3], [80, 40, 20]);
        assert_eq!(memory.cap(), Some(20));
    }

    #[tokio::test]
    async fn a_silent_cap_is_found_and_nothing_is_lost() {
        let mut server = FakeList::new(175);
        server.silent_cap = Some(50);
        let memory = PagingMemory::default();
        let all = fetch_pages(1000, 4, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
        assert_eq!(all, (0..175).collect::<Vec<_>>());
        assert_eq!(memory.cap(), Some(50));
        // A short list whose length is not a plausible cap costs one request.
        let short = FakeList::new(7);
        let got = fetch_pages(100, 4, PagingBounds::default(), &memory, |p| short.page(p)).await.unwrap();
        assert_eq!((got.len(), short.limits().len()), (7, 1));
    }

    #[tokio::test]
    async fn a_short_page_below_a_served_full_page_is_the_end() {
        let memory = PagingMemory::default();
        let long = FakeList::new(150);
        fetch_pages(100, 1, PagingBounds::default(), &memory, |p| long.page(p)).await.unwrap();
        let forty = FakeList::new(40);
        let got = fetch_pages(100, 1, PagingBounds::default(), &memory, |p| forty.page(p)).await.unwrap();
        assert_eq!((got.len(), forty.limits().len()), (40, 1), "100 rows were served once: 40 is the end");
    }

    #[tokio::test]
    async fn a_server_that_ignores_offset_ends_with_a_clear_error_not_a_loop() {
        let mut server = FakeList::new(500);
        server.ignore_offset = true;
        let e = fetch_pages(100, 4, PagingBounds::default(), &PagingMemory::default(), |p| server.page(p))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Paging(_)), "{e:?}");
        assert!(e.to_string().contains("ignore `offset`"), "{e}");
        assert!(server.limits().len() <= 5);
    }

    #[tokio::test]
    async fn an_empty_first_page_is_an_empty_list() {
        let server = FakeList::new(0);
        let all = fetch_pages(100, 4, PagingBounds::default(), &PagingMemory::default(), |p| server.page(p))
            .await
            .unwrap();
        assert!(all.is_empty());
        assert_eq!(server.limits().len(), 1);
    }

    #[tokio::test]
    async fn a_list_without_end_stops_at_the_bound() {
        let server = FakeList::new(u32::MAX);
        let bounds = PagingBounds { max_pages: 30, max_rows: 1_000_000 };
        let e = fetch_pages(10, 4, bounds, &PagingMemory::default(), |p| server.page(p)).await.unwrap_err();
        assert!(e.to_string().contains("past 30 pages"), "{e}");
    }

    #[test]
    fn limits_stated_in_validation_messages() {
        let e = |msg: &str| {
            let body = format!(r#"{{"detail":[{{"loc":["query","limit"],"msg":"{msg}","type":"x"}}]}}"#);
            ApiError::from_status(422, body.as_bytes(), None)
        };
        assert_eq!(smaller_limit(&e("Input should be less than or equal to 100"), 1000), Some(100));
        assert_eq!(smaller_limit(&e("ensure this value is less than 101"), 1000), Some(100));
        assert_eq!(smaller_limit(&e("must be at most 500"), 1000), Some(500));
        assert_eq!(smaller_limit(&e("too big"), 1000), Some(500));
        assert_eq!(smaller_limit(&e("too big"), 1), None);
        let other = ApiError::from_status(
            422,
            br#"{"detail":[{"loc":["body","email"],"msg":"bad","type":"x"}]}"#,
            None,
        );
        assert_eq!(smaller_limit(&other, 1000), None, "a 422 about another field is not about paging");
        let text = ApiError::from_status(400, br#"{"detail":"limit must be <= 50"}"#, None);
        assert_eq!(smaller_limit(&text, 100), Some(50));
    }

    /// Long lists take few rounds: after the first page, rounds ask for `concurrency` pages, then
    /// twice as many each time a round comes back full, up to 32; the rows stay in order.
    #[tokio::test]
    async fn rounds_grow_as_a_list_proves_long() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let server = FakeList::new(10_000);
        // A round is the requests made before any of them is awaited.
        let polled = std::sync::Arc::new(AtomicBool::new(true));
        let rounds = std::sync::Mutex::new(Vec::<usize>::new());
        let all = fetch_pages(100, 4, PagingBounds::default(), &PagingMemory::default(), |p| {
            let mut r = rounds.lock().unwrap();
            if polled.swap(false, Ordering::SeqCst) {
                r.push(0);
            }
            *r.last_mut().unwrap() += 1;
            let page = server.page(p);
            let polled = polled.clone();
            async move {
                polled.store(true, Ordering::SeqCst);
                page.await
            }
        })
        .await
        .unwrap();
        assert_eq!(all, (0..10_000).collect::<Vec<_>>());
        let rounds = rounds.into_inner().unwrap();
        assert_eq!(rounds[..5], [1, 4, 8, 16, 32], "{rounds:?}");
        assert!(rounds[5..].iter().all(|n| *n <= 32), "{rounds:?}");
        assert!(rounds.len() <= 9, "101 pages in few rounds: {rounds:?}");
        // One page after another when asked so.
        let strict = FakeList::new(500);
        fetch_pages(100, 1, PagingBounds::default(), &PagingMemory::default(), |p| strict.page(p))
            .await
            .unwrap();
        assert_eq!(strict.limits().len(), 6);
    }
}
