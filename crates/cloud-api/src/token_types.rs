//! Token types (contract 2.2a): a sign-in token is not accepted everywhere.
//!
//! A server may refuse a device-flow token on some routes (service accounts, API keys) with a 401 whose
//! detail names the token type ("… token type … device_code not allowed for this endpoint"). That is not
//! an expired session. Every call made with a token goes through [`ApiClient::send_as`], which:
//! - on such a 401, exchanges the token through `GET /auth/api_token` (a bare JSON string, an
//!   "automation" token valid one hour) and sends the call once more with it;
//! - remembers, per session token, the routes that refused it (method and path, ids left out) and the
//!   automation token, so the next call to such a route goes straight out with the automation token;
//! - renews the automation token before its hour ends (5 % early, the rule of 2.3), and drops it on any
//!   401 it meets: a plain one (revoked, expired early) sends the call the first way again, once;
//! - never loops: when the automation token is refused by type as well, the call ends as
//!   [`ApiError::Forbidden`] in plain words; a plain 401 stays [`ApiError::Unauthorized`] (the session
//!   expired: renew or sign in again).
//!
//! The automation token lives in this client's memory only: it is never returned to the caller, never
//! written anywhere, and neither logged nor put in an error (its type prints `<redacted>`).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::Value;
use url::Url;

use crate::client::{ApiClient, Call};
use crate::error::{ApiError, ErrorDetail, Result};
use crate::secret::AccessToken;

/// How long an automation token is used: one hour less 5 % (it is renewed after that).
pub const AUTOMATION_TOKEN_USE: Duration = Duration::from_secs(3600 - 3600 / 20);

/// Sessions remembered at most; past that, the ones with no usable automation token are forgotten.
const MAX_SESSIONS: usize = 32;

/// What a caller is told when even the automation token is refused by type.
const REFUSED: &str =
    "this server does not accept this kind of sign-in here, not even after exchanging it for \
                       an automation token";

fn refused() -> ApiError {
    ApiError::Forbidden(ErrorDetail::Text(REFUSED.to_owned()))
}

/// Whether a 401 names the token type (and so is not an expired session).
pub fn names_token_type(detail: &ErrorDetail) -> bool {
    let m = detail.message().to_ascii_lowercase();
    m.contains("token type") || m.contains("token_type")
}

/// A route as remembered: the method and the path with every UUID segment left out.
fn route_key(method: &Method, path: &[String]) -> String {
    let mut key = method.as_str().to_owned();
    for segment in path {
        key.push('/');
        key.push_str(if uuid::Uuid::parse_str(segment).is_ok() { "{id}" } else { segment });
    }
    key
}

#[derive(Default)]
struct Entry {
    /// The automation token and when it stops being used.
    automation: Option<(AccessToken, Instant)>,
    /// Routes that refused the session token by type.
    refusing: HashSet<String>,
}

impl Entry {
    fn usable(&self, now: Instant) -> Option<&AccessToken> {
        self.automation.as_ref().filter(|(_, until)| *until > now).map(|(t, _)| t)
    }
}

/// What one client has learned about token types, per session token (memory only).
#[derive(Default)]
pub(crate) struct TokenTypes {
    sessions: Mutex<HashMap<AccessToken, Entry>>,
    /// One exchange at a time, so calls made together share one automation token.
    exchanging: tokio::sync::Mutex<()>,
}

impl TokenTypes {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<AccessToken, Entry>) -> R) -> R {
        f(&mut self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn refuses(&self, session: &AccessToken, route: &str) -> bool {
        self.with(|m| m.get(session).is_some_and(|e| e.refusing.contains(route)))
    }

    fn usable(&self, session: &AccessToken) -> Option<AccessToken> {
        self.with(|m| m.get(session).and_then(|e| e.usable(Instant::now()).cloned()))
    }

    fn entry<R>(&self, session: &AccessToken, f: impl FnOnce(&mut Entry) -> R) -> R {
        self.with(|m| {
            if !m.contains_key(session) && m.len() >= MAX_SESSIONS {
                let now = Instant::now();
                m.retain(|_, e| e.usable(now).is_some());
                if m.len() >= MAX_SESSIONS {
                    m.clear();
                }
            }
            f(m.entry(session.clone()).or_default())
        })
    }

    /// Forgets `automation` (refused or revoked) when it is still the one held.
    fn forget(&self, session: &AccessToken, automation: &AccessToken) {
        self.with(|m| {
            if let Some(e) = m.get_mut(session) {
                if e.automation.as_ref().is_some_and(|(t, _)| t == automation) {
                    e.automation = None;
                }
            }
        });
    }
}

impl ApiClient {
    /// Sends a call made with the session token `session`, as the module's docs say.
    pub(crate) async fn send_as(
        &self,
        call: &Call<'_>,
        url: &Url,
        session: &AccessToken,
    ) -> Result<bytes::Bytes> {
        let route = route_key(&call.method, &call.path);
        let types = self.token_types();
        if types.refuses(session, &route) {
            let automation = self.automation_token(session).await?;
            match self.send_retrying(call, url, Some(&automation)).await {
                Err(ApiError::Unauthorized(detail)) => {
                    types.forget(session, &automation);
                    if names_token_type(&detail) {
                        return Err(refused());
                    }
                    // Revoked or expired early: the session token is tried again, below.
                }
                other => return other,
            }
        }
        match self.send_retrying(call, url, Some(session)).await {
            Err(ApiError::Unauthorized(detail)) if names_token_type(&detail) => {
                tracing::info!(
                    method = %call.method,
                    path = url.path(),
                    "the server does not take this kind of sign-in token here; exchanging it for an automation token"
                );
                types.entry(session, |e| e.refusing.insert(route));
                let automation = self.automation_token(session).await?;
                match self.send_retrying(call, url, Some(&automation)).await {
                    Err(ApiError::Unauthorized(detail)) if names_token_type(&detail) => {
                        types.forget(session, &automation);
                        Err(refused())
                    }
                    other => other,
                }
            }
            other => other,
        }
    }

    /// The session's automation token: the one held while usable, else a new one from
    /// `GET /auth/api_token` (one exchange at a time per client).
    async fn automation_token(&self, session: &AccessToken) -> Result<AccessToken> {
        let types = self.token_types();
        let _one = types.exchanging.lock().await;
        if let Some(t) = types.usable(session) {
            return Ok(t);
        }
        let obtained = Instant::now();
        let call = Call::new(Method::GET, &["auth", "api_token"]);
        let url = self.url_for(&call.path)?;
        let body = match self.send_retrying(&call, &url, Some(session)).await {
            Ok(body) => body,
            Err(ApiError::Unauthorized(detail)) if names_token_type(&detail) => return Err(refused()),
            Err(e) => return Err(e),
        };
        let token = read_automation_token(&body)?;
        types.entry(session, |e| e.automation = Some((token.clone(), obtained + AUTOMATION_TOKEN_USE)));
        tracing::debug!("automation token obtained");
        Ok(token)
    }
}

/// The token of a `GET /auth/api_token` answer: a bare JSON string (or, tolerated, an object with
/// `access_token`). The error never quotes the body.
fn read_automation_token(body: &[u8]) -> Result<AccessToken> {
    let token = match serde_json::from_slice::<Value>(body) {
        Ok(Value::String(s)) => Some(s),
        Ok(Value::Object(mut m)) => match m.remove("access_token") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    };
    match token.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        Some(t) => Ok(AccessToken::new(t)),
        None => Err(ApiError::MalformedResponse(
            "the automation token the server sent could not be read".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_401_that_names_the_token_type_is_told_apart() {
        let typed = ErrorDetail::parse(
            br#"{"detail": "Authentication error: invalid token type: device_code not allowed for this endpoint"}"#,
        );
        assert!(names_token_type(&typed));
        assert!(names_token_type(&ErrorDetail::parse(
            br#"{"detail": ["AuthorizationException", "Invalid token_type"]}"#
        )));
        for plain in [br#"{"detail": "Authentication token expired"}"#.as_slice(), b"", b"{}"] {
            assert!(!names_token_type(&ErrorDetail::parse(plain)));
        }
    }

    #[test]
    fn routes_are_remembered_without_their_ids() {
        let path = |p: &str| p.split('/').map(str::to_owned).collect::<Vec<_>>();
        let a = route_key(
            &Method::GET,
            &path("organizations/5e0e7c9a-2b3c-4d5e-8f90-1a2b3c4d5e6f/service_accounts"),
        );
        let b = route_key(
            &Method::GET,
            &path("organizations/11111111-2222-4333-8444-555555555555/service_accounts"),
        );
        assert_eq!(a, b);
        assert_eq!(a, "GET/organizations/{id}/service_accounts");
        assert_ne!(
            a,
            route_key(
                &Method::POST,
                &path("organizations/5e0e7c9a-2b3c-4d5e-8f90-1a2b3c4d5e6f/service_accounts")
            )
        );
    }

    #[test]
    fn the_answer_is_read_as_a_bare_string_and_never_quoted() {
        assert_eq!(read_automation_token(br#""abc""#).unwrap().expose(), "abc");
        assert_eq!(read_automation_token(br#"{"access_token": "abc"}"#).unwrap().expose(), "abc");
        for bad in [br#""""#.as_slice(), b"42", br#"{"token": "secret-value"}"#, b"secret-value"] {
            let e = read_automation_token(bad).unwrap_err();
            assert!(!format!("{e} {e:?}").contains("secret-value"));
        }
    }

    #[test]
    fn an_automation_token_is_renewed_before_its_hour_ends() {
        assert!(AUTOMATION_TOKEN_USE < Duration::from_secs(3600));
        let now = Instant::now();
        let t = AccessToken::new("t");
        let fresh =
            Entry { automation: Some((t.clone(), now + Duration::from_secs(60))), ..Entry::default() };
        assert!(fresh.usable(now).is_some());
        let ending = Entry { automation: Some((t, now)), ..Entry::default() };
        assert!(ending.usable(now).is_none(), "at its use-by time it is renewed");
        let types = TokenTypes::default();
        for i in 0..(MAX_SESSIONS + 5) {
            types.entry(&AccessToken::new(format!("s{i}")), |e| e.refusing.insert("r".into()));
        }
        assert!(types.with(|m| m.len()) <= MAX_SESSIONS, "memory stays bounded");
    }
}
