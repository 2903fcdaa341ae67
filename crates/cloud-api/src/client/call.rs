//! One API call described once: method, path, query, body, token, and whether it may be replayed.

use reqwest::Method;

use crate::error::{ApiError, Result};
use crate::paging::Page;
use crate::secret::AccessToken;

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
