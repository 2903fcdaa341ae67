//! JSON error bodies in the three forms of the contract, and the request-input helpers that produce
//! the FastAPI-style 422 errors (query parameters, path ids, JSON bodies).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::dialect::Dialect;
use crate::routes::QueryParam;
use crate::AppState;

/// Largest `limit` any list accepts in the default dialect; larger values answer 422.
pub const LIMIT_MAX: usize = 1000;
/// `limit` used when a list request carries none.
pub const LIMIT_DEFAULT: usize = 20;

/// An API error, rendered as `{"detail": ...}` in the form the contract gives for its status.
#[derive(Debug)]
pub enum ApiError {
    /// 401, string detail.
    Unauthorized(String),
    /// 403, `["IllegalOperationError", message]`.
    Forbidden(String),
    /// 404, `["KeyError", message]`.
    NotFound(String),
    /// 409, string detail.
    Conflict(String),
    /// 422, FastAPI list `[{loc, msg, type}]`.
    Invalid { loc: Vec<String>, msg: String, kind: &'static str },
    /// 422 with one whole FastAPI detail item (`type`, `loc`, `msg`, `input`, `ctx`), as the newer
    /// FastAPI releases send it.
    Validation(Value),
}

impl ApiError {
    pub fn invalid(loc: &[&str], msg: impl Into<String>, kind: &'static str) -> Self {
        ApiError::Invalid { loc: loc.iter().map(|s| s.to_string()).collect(), msg: msg.into(), kind }
    }

    pub fn not_found(what: &str, id: impl std::fmt::Display) -> Self {
        ApiError::NotFound(format!("{what} with ID or name '{id}' not found"))
    }

    pub fn forbidden() -> Self {
        ApiError::Forbidden("Your role in this organization does not allow this operation".into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail) = match self {
            ApiError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, json!(m)),
            ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, json!(["IllegalOperationError", m])),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, json!(["KeyError", m])),
            ApiError::Conflict(m) => (StatusCode::CONFLICT, json!(m)),
            ApiError::Invalid { loc, msg, kind } => {
                (StatusCode::UNPROCESSABLE_ENTITY, json!([{"loc": loc, "msg": msg, "type": kind}]))
            }
            ApiError::Validation(item) => (StatusCode::UNPROCESSABLE_ENTITY, json!([item])),
        };
        let mut resp = (status, Json(json!({ "detail": detail }))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// Query parameters of a request (last value wins), with typed accessors that answer 422.
///
/// It knows the route it serves: the largest `limit` of the running dialect, and (in debug builds) it
/// checks that a handler reads only the query parameters its route declares in the route table, so the
/// OpenAPI document cannot miss one.
#[derive(Debug, Default)]
pub struct Params {
    values: HashMap<String, String>,
    dialect: Dialect,
    /// The route's declared parameters; `None` when the request matched no route of the table.
    declared: Option<(&'static [QueryParam], bool)>,
}

impl FromRequestParts<Arc<AppState>> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw)
            .map_err(|_| ApiError::invalid(&["query"], "malformed query string", "value_error"))?;
        let declared = parts
            .extensions
            .get::<MatchedPath>()
            .and_then(|m| state.route_doc(&parts.method, m.as_str()))
            .map(|doc| (doc.query, doc.list));
        Ok(Params { values: pairs.into_iter().collect(), dialect: state.config.dialect, declared })
    }
}

impl Params {
    /// Debug builds only: a handler reading a parameter its route does not declare is a bug in the
    /// route table (the document would not show it).
    fn check_declared(&self, key: &str) {
        if let Some((query, list)) = self.declared {
            debug_assert!(
                query.iter().any(|q| q.name == key) || (list && matches!(key, "offset" | "limit")),
                "query parameter '{key}' is read but not declared in the route table"
            );
        }
    }

    /// A string parameter; empty values count as absent.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.check_declared(key);
        self.values.get(key).map(String::as_str).filter(|s| !s.is_empty())
    }

    pub fn uuid(&self, key: &str) -> Result<Option<Uuid>, ApiError> {
        self.str(key).map(|v| parse_uuid(v, &["query", key])).transpose()
    }

    /// FastAPI booleans: `true`/`false` in any case, and `1`/`0`.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.str(key) {
            None => Ok(None),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                _ => Err(ApiError::invalid(
                    &["query", key],
                    "Input should be a valid boolean, unable to interpret input",
                    "bool_parsing",
                )),
            },
        }
    }

    /// `offset` (default 0) and `limit` (default 20, 1 to the dialect's maximum).
    pub fn page(&self) -> Result<Page, ApiError> {
        let int = |key: &str, default: i64| -> Result<i64, ApiError> {
            match self.str(key) {
                None => Ok(default),
                Some(v) => v.parse::<i64>().map_err(|_| {
                    ApiError::invalid(
                        &["query", key],
                        "Input should be a valid integer, unable to parse string as an integer",
                        "int_parsing",
                    )
                }),
            }
        };
        let offset = int("offset", 0)?;
        if offset < 0 {
            return Err(ApiError::invalid(
                &["query", "offset"],
                "Input should be greater than or equal to 0",
                "greater_than_equal",
            ));
        }
        let limit = int("limit", LIMIT_DEFAULT as i64)?;
        if limit < 1 {
            return Err(ApiError::invalid(
                &["query", "limit"],
                "Input should be greater than or equal to 1",
                "greater_than_equal",
            ));
        }
        let max = self.dialect.limit_max();
        if limit > max as i64 {
            if self.dialect.is_variant() {
                return Err(ApiError::Validation(json!({
                    "type": "less_than_equal",
                    "loc": ["query", "limit"],
                    "msg": format!("Input should be less than or equal to {max}"),
                    "input": self.str("limit").unwrap_or_default(),
                    "ctx": {"le": max},
                })));
            }
            return Err(ApiError::invalid(
                &["query", "limit"],
                format!("Input should be less than or equal to {max}"),
                "less_than_equal",
            ));
        }
        Ok(Page { offset: offset as usize, limit: limit as usize })
    }
}

/// One page of a list, applied after sorting.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    pub fn apply<T>(&self, items: Vec<T>) -> Vec<T> {
        items.into_iter().skip(self.offset).take(self.limit).collect()
    }
}

pub fn parse_uuid(value: &str, loc: &[&str]) -> Result<Uuid, ApiError> {
    Uuid::parse_str(value).map_err(|_| {
        ApiError::invalid(loc, "Input should be a valid UUID, invalid character or length", "uuid_parsing")
    })
}

/// A path segment that must be a UUID (422 with `loc: ["path", name]` otherwise).
pub fn path_uuid(value: &str, name: &str) -> Result<Uuid, ApiError> {
    parse_uuid(value, &["path", name])
}

/// Parses a JSON request body; a missing or malformed body answers 422.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::invalid(&["body"], format!("JSON decode error: {e}"), "json_invalid"))?
    };
    serde_json::from_value(value).map_err(|e| ApiError::invalid(&["body"], e.to_string(), "value_error"))
}
