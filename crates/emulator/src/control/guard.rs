//! Which control requests are refused: not addressed to a loopback host (403), without the run's
//! control token (401), or with a body that is not JSON (415).

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::CONTROL_HEADER;
use crate::faults::is_json;
use crate::AppState;

/// Why a control request is refused, if it is: 403 unless it is addressed to a loopback host (so a web
/// page that renamed itself onto 127.0.0.1 cannot reach them), 401 without the run's token in
/// [`CONTROL_HEADER`], 415 when it carries a body that is not `application/json` (so a plain form post
/// from a browser cannot either). A request with no body needs no content type.
pub(crate) fn refuse_control(st: &AppState, req: &Request) -> Option<Response> {
    let refuse =
        |status: StatusCode, detail: &str| Some((status, Json(json!({ "detail": detail }))).into_response());
    if !addressed_to_loopback(req) {
        return refuse(
            StatusCode::FORBIDDEN,
            "Control routes answer only requests addressed to a loopback host (127.0.0.1, localhost, [::1])",
        );
    }
    let mut sent = req.headers().get_all(CONTROL_HEADER).iter();
    let token_ok = match (sent.next(), sent.next()) {
        (Some(v), None) => same_bytes(v.as_bytes(), st.control_token.as_bytes()),
        _ => false,
    };
    if !token_ok {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Control routes need the header x-emulator-control with the control token printed at start",
        );
    }
    if has_body(req) && !is_json(req.headers()) {
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Control request bodies must be application/json");
    }
    None
}

/// Whether the request's `Host` (and its URI's authority, when it has one) names a loopback host:
/// `localhost`, an address in 127.0.0.0/8 or `[::1]`, with any port. No host at all is refused.
fn addressed_to_loopback(req: &Request) -> bool {
    let mut hosts = req.headers().get_all(header::HOST).iter().map(|v| v.to_str().ok()).collect::<Vec<_>>();
    if let Some(authority) = req.uri().authority() {
        hosts.push(Some(authority.as_str()));
    }
    !hosts.is_empty() && hosts.into_iter().all(|h| h.is_some_and(is_loopback_host))
}

fn is_loopback_host(host_port: &str) -> bool {
    if host_port.contains('@') {
        return false;
    }
    let Ok(authority) = host_port.parse::<axum::http::uri::Authority>() else {
        return false;
    };
    let host = authority.host();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Equal byte strings, compared in time that depends only on their lengths.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a request carries a body: a `content-length` other than 0, or a transfer encoding.
fn has_body(req: &Request) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.to_str().ok().and_then(|n| n.trim().parse::<u64>().ok()) != Some(0))
}
