//! Handlers of the sign-in routes: the key and password exchanges and the device-code grant
//! (`POST /auth/login`), the device authorization flow with its verification page, and the automation
//! token (`GET /auth/api_token`). Token and device state live in [`crate::auth`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::{
    device_authorization_json, device_metadata, normalize_user_code, token_json, Caller, DeviceRequest,
    DeviceState, TokenKind, API_TOKEN_TTL, DEVICE_GRANT, KEY_GRANT,
};
use crate::error::{ApiError, Params};
use crate::AppState;

/// `GET /auth/api_token`: any valid token buys a one-hour automation token, answered as a bare JSON
/// string.
pub async fn api_token(State(st): State<Arc<AppState>>, caller: Caller) -> Response {
    let token = st.auth.lock().expect("auth lock").issue(caller.0, API_TOKEN_TTL, TokenKind::Automation);
    Json(Value::String(token)).into_response()
}

fn form(body: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn oauth_error(error: &str, description: Option<&str>) -> Response {
    let mut body = json!({ "error": error });
    if let Some(d) = description {
        body["error_description"] = json!(d);
    }
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// `POST /auth/device_authorization`
pub async fn device_authorization(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = form(&body);
    let metadata = device_metadata(headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()));
    let Some(client_id) = f.get("client_id").cloned() else {
        return ApiError::invalid(&["body", "client_id"], "Field required", "missing").into_response();
    };
    let device_id = match f.get("device_id") {
        Some(d) => match Uuid::parse_str(d) {
            Ok(u) => u,
            Err(_) => {
                return ApiError::invalid(
                    &["body", "device_id"],
                    "Input should be a valid UUID",
                    "uuid_parsing",
                )
                .into_response()
            }
        },
        None => Uuid::new_v4(),
    };
    let mut rng = rand::rng();
    // No vowels or look-alike characters in user codes.
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut auth = st.auth.lock().expect("auth lock");
    let user_code = loop {
        let mut s: String = (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
        s.insert(4, '-');
        if !auth.user_code_known(&s) {
            break s;
        }
    };
    let device_code = Alphanumeric.sample_string(&mut rng, 40);
    auth.user_codes.insert(user_code.clone(), device_code.clone());
    auth.devices.insert(
        device_code.clone(),
        DeviceRequest {
            client_id,
            device_id,
            metadata,
            expires: Instant::now() + st.config.device_code_ttl,
            last_poll: None,
            state: DeviceState::Pending,
        },
    );
    Json(device_authorization_json(
        st.config.dialect,
        &device_code,
        &user_code,
        st.config.device_code_ttl,
        st.config.device_poll_interval,
    ))
    .into_response()
}

/// `POST /auth/login`: device-code grant, key exchange (`grant_type=zenml_api_key&password=<key>`, or
/// `password=<key>` alone in the default dialect), or username + password.
pub async fn login(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let f = form(&body);
    let ttl = st.config.token_ttl;
    let grant = f.get("grant_type").map(String::as_str);
    if grant == Some(DEVICE_GRANT) {
        return device_token(&st, &f);
    }
    let user = {
        let mut db = st.db.lock().expect("db lock");
        let now = chrono::Utc::now();
        match (f.get("username"), f.get("password")) {
            (_, Some(key)) if grant == Some(KEY_GRANT) => {
                db.key_user(key, now).map(|u| (u, TokenKind::KeyExchange)).ok_or("Invalid API key or access token")
            }
            (None, Some(_)) if st.config.dialect.is_variant() => {
                return oauth_error(
                    "unsupported_grant_type",
                    Some("grant_type=zenml_api_key is required for API key login"),
                )
            }
            (Some(username), Some(password)) => db
                .passwords
                .iter()
                .find(|(u, p, _)| u.eq_ignore_ascii_case(username) && p == password)
                .map(|(_, _, id)| (*id, TokenKind::Password))
                .ok_or("Incorrect username or password"),
            (None, Some(key)) => {
                db.key_user(key, now).map(|u| (u, TokenKind::KeyExchange)).ok_or("Invalid API key or access token")
            }
            _ => {
                return oauth_error(
                    "unsupported_grant_type",
                    Some("send a device_code grant, grant_type=zenml_api_key with password=<key>, or username and password"),
                )
            }
        }
    };
    match user {
        Ok((user_id, kind)) => {
            let token = st.auth.lock().expect("auth lock").issue(user_id, ttl, kind);
            Json(token_json(st.config.dialect, &token, ttl, None)).into_response()
        }
        Err(msg) => ApiError::Unauthorized(msg.to_string()).into_response(),
    }
}

fn device_token(st: &AppState, f: &HashMap<String, String>) -> Response {
    let now = Instant::now();
    let interval = Duration::from_secs(st.config.device_poll_interval);
    let mut auth = st.auth.lock().expect("auth lock");
    let Some(req) = f.get("device_code").and_then(|c| auth.devices.get_mut(c)) else {
        return oauth_error("invalid_grant", Some("Unknown device code"));
    };
    if f.get("client_id") != Some(&req.client_id) {
        return oauth_error("invalid_client", Some("The client_id does not match the device code"));
    }
    if req.state == DeviceState::Used {
        return oauth_error("invalid_grant", Some("The device code was already used"));
    }
    if req.expires <= now {
        return oauth_error("expired_token", Some("The device code expired; start a new login"));
    }
    let previous = req.last_poll.replace(now);
    if let Some(prev) = previous {
        if now.duration_since(prev) < interval {
            return oauth_error("slow_down", None);
        }
    }
    if req.state == DeviceState::Pending && st.config.auto_approve {
        req.state = DeviceState::Approved(st.demo_user);
    }
    match req.state {
        DeviceState::Pending => oauth_error("authorization_pending", None),
        DeviceState::Denied => oauth_error("access_denied", Some("The login request was denied")),
        DeviceState::Used => oauth_error("invalid_grant", Some("The device code was already used")),
        DeviceState::Approved(user_id) => {
            req.state = DeviceState::Used;
            let device_id = req.device_id;
            let metadata = req.metadata.clone();
            let token = auth.issue(user_id, st.config.token_ttl, TokenKind::Device);
            let body = token_json(
                st.config.dialect,
                &token,
                st.config.token_ttl,
                Some((device_id, metadata.as_ref())),
            );
            Json(body).into_response()
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;max-width:32rem;margin:4rem auto}}\
         code{{font-size:1.6rem}}button{{font-size:1rem;margin-right:1rem}}</style></head>\
         <body><h1>{t}</h1>{body}<p><small>ZenML Pro emulator</small></p></body></html>",
        t = escape(title)
    )
}

/// `GET /devices/verify?user_code=`: the page a user opens to approve or deny a device login.
pub async fn verify_page(State(st): State<Arc<AppState>>, params: Params) -> Response {
    let Some(code) = params.str("user_code") else {
        let body = "<form method=\"post\" action=\"/devices/verify\"><p>Enter the code shown by the app:</p>\
             <input name=\"user_code\" autofocus> <button name=\"action\" value=\"approve\">Approve</button>\
             <button name=\"action\" value=\"deny\">Deny</button></form>";
        return Html(page("Device login", body)).into_response();
    };
    let known = st.auth.lock().expect("auth lock").user_code_known(code);
    if !known {
        let body = format!("<p>No login request has the code <code>{}</code>.</p>", escape(code));
        return (StatusCode::NOT_FOUND, Html(page("Unknown code", &body))).into_response();
    }
    let code = escape(&normalize_user_code(code));
    let body = format!(
        "<p>An application asks to sign in as <b>{user}</b>. Check that it shows this code:</p>\
         <p><code>{code}</code></p>\
         <form method=\"post\" action=\"/devices/verify\">\
         <input type=\"hidden\" name=\"user_code\" value=\"{code}\">\
         <button type=\"submit\" name=\"action\" value=\"approve\">Approve</button>\
         <button type=\"submit\" name=\"action\" value=\"deny\">Deny</button></form>",
        user = escape(crate::demo::DEMO_USER_EMAIL),
    );
    Html(page("Device login", &body)).into_response()
}

/// `POST /devices/verify` (form `user_code`, `action=approve|deny`).
pub async fn verify_submit(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let f = form(&body);
    let code = f.get("user_code").cloned().unwrap_or_default();
    let (state, done) = match f.get("action").map(String::as_str) {
        Some("approve") => {
            (DeviceState::Approved(st.demo_user), "Login approved. You can close this window.")
        }
        Some("deny") => (DeviceState::Denied, "Login denied. You can close this window."),
        _ => {
            return (StatusCode::BAD_REQUEST, Html(page("Device login", "<p>Choose Approve or Deny.</p>")))
                .into_response()
        }
    };
    if st.auth.lock().expect("auth lock").decide(&code, state) {
        Html(page("Device login", &format!("<p>{}</p>", escape(done)))).into_response()
    } else {
        let body = format!(
            "<p>No pending login request has the code <code>{}</code> (it may have expired).</p>",
            escape(&code)
        );
        (StatusCode::NOT_FOUND, Html(page("Unknown code", &body))).into_response()
    }
}
