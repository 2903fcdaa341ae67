//! What the fault rules answer or change: a `redirect`, a streamed `huge_body`, the response faults
//! (`huge_numbers`, `slow_body`) on a served response, and the paging faults' query rewrite.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::uri::PathAndQuery;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::{QueryRewrite, Transform, HUGE_NUMBER};

/// `redirect`: `Location` is the base followed by the request's own path and query; the body is empty.
pub(super) fn redirect(status: u16, base: &str, uri: &Uri) -> Response {
    let target = format!("{base}{}", uri.path_and_query().map_or("/", |pq| pq.as_str()));
    match (StatusCode::from_u16(status), HeaderValue::try_from(target)) {
        (Ok(status), Ok(location)) => {
            let mut resp = status.into_response();
            resp.headers_mut().insert(header::LOCATION, location);
            resp
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// One item of a `huge_body` array.
const HUGE_ITEM: &[u8] = br#"{"id":"00000000-0000-4000-8000-000000000000","name":"x"}"#;
/// Items (each with its comma) per streamed chunk of a `huge_body`.
const HUGE_CHUNK_ITEMS: u64 = 1024;

/// `huge_body`: a 200 JSON array of exactly `total` bytes (at least 58), streamed chunk by chunk from
/// one shared block: `[`, items separated by commas, spaces to make up the size, `]`.
pub(super) fn huge_body(total: u64, content_length: bool) -> Response {
    let item = HUGE_ITEM.len() as u64 + 1;
    let items = (total.max(item + 1) - 1) / item;
    let pad = total.max(item + 1) - 1 - items * item;
    let block = Bytes::from(
        HUGE_ITEM
            .iter()
            .chain(b",")
            .copied()
            .cycle()
            .take((item * HUGE_CHUNK_ITEMS) as usize)
            .collect::<Vec<u8>>(),
    );
    // Every item but the last is followed by a comma.
    let with_comma = items - 1;
    let partial = block.slice(..((with_comma % HUGE_CHUNK_ITEMS) * item) as usize);
    let mut tail = HUGE_ITEM.to_vec();
    tail.resize(tail.len() + pad as usize, b' ');
    tail.push(b']');
    let full_blocks = (0..with_comma / HUGE_CHUNK_ITEMS).map(move |_| block.clone());
    let chunks = std::iter::once(Bytes::from_static(b"["))
        .chain(full_blocks)
        .chain(std::iter::once(partial))
        .chain(std::iter::once(Bytes::from(tail)))
        .filter(|c| !c.is_empty())
        .map(Ok::<_, std::convert::Infallible>);
    let mut resp = Response::new(Body::from_stream(futures::stream::iter(chunks)));
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if content_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    }
    resp
}

/// Replaces every integer in a JSON value, nested ones included, by [`HUGE_NUMBER`].
fn hugify(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => *value = json!(HUGE_NUMBER),
        Value::Array(items) => items.iter_mut().for_each(hugify),
        Value::Object(fields) => fields.values_mut().for_each(hugify),
        _ => {}
    }
}

pub(crate) fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"))
}

/// The response faults on a served response: `huge_numbers` rewrites a JSON body's integers and adds
/// a huge `Retry-After`; `slow_body` then sends the body `bytes_per_sec` bytes at a time, the first
/// part with the headers and one more each second.
pub(super) async fn transform(resp: Response, transform: &Transform) -> Response {
    if *transform == Transform::default() {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(mut bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if transform.huge_numbers {
        if is_json(&parts.headers) {
            if let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) {
                hugify(&mut value);
                bytes = Bytes::from(serde_json::to_vec(&value).expect("JSON value serializes"));
            }
        }
        parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(HUGE_NUMBER));
    }
    let Some(rate) = transform.bytes_per_sec else {
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let rate = usize::try_from(rate).unwrap_or(usize::MAX);
    let chunks = futures::stream::unfold((bytes, true), move |(rest, first)| async move {
        if rest.is_empty() {
            return None;
        }
        if !first {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let n = rate.min(rest.len());
        Some((Ok::<_, std::convert::Infallible>(rest.slice(..n)), (rest.slice(n..), false)))
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// The query of a list request after the paging faults: `offset` dropped, `limit` lowered to the cap
/// (a missing `limit` counts as the default). A query that does not parse is left for the handler to
/// refuse.
pub(super) fn rewrite_query(query: &str, rewrite: &QueryRewrite) -> Option<String> {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    let mut changed = false;
    if rewrite.ignore_offset {
        let before = pairs.len();
        pairs.retain(|(k, _)| k != "offset");
        changed |= pairs.len() != before;
    }
    if let Some(cap) = rewrite.cap {
        let asked = match pairs.iter().rev().find(|(k, _)| k == "limit").map(|(_, v)| v.as_str()) {
            None | Some("") => Some(crate::error::LIMIT_DEFAULT as i64),
            Some(v) => v.parse::<i64>().ok(),
        };
        if asked.is_some_and(|n| n > cap as i64) {
            pairs.retain(|(k, _)| k != "limit");
            pairs.push(("limit".into(), cap.to_string()));
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    serde_urlencoded::to_string(&pairs).ok()
}

pub(super) fn with_query(uri: &Uri, query: &str) -> Option<Uri> {
    let mut parts = uri.clone().into_parts();
    let pq = if query.is_empty() { uri.path().to_string() } else { format!("{}?{query}", uri.path()) };
    parts.path_and_query = Some(PathAndQuery::try_from(pq).ok()?);
    Uri::from_parts(parts).ok()
}
