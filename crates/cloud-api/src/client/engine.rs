//! The request engine: sending a call, retrying it under the policy, and decoding what came back.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::call::{Body, Call, Replay};
use super::http::{network_error, origin_of, read_capped, retry_after};
use super::ApiClient;
use crate::error::{ApiError, NetworkErrorKind, Result};
use crate::paging::{fetch_pages, Page};
use crate::secret::AccessToken;
use crate::wire::{read_one, Listing, ReadNotes, Skip, Wire};

/// What one attempt ended with.
enum Attempt {
    Done(bytes::Bytes),
    Retry { error: ApiError, wait: Option<Duration> },
    Fail(ApiError),
}

impl ApiClient {
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
