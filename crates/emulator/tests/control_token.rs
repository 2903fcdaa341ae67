//! Control routes answer only requests that carry the run's control token, are addressed to a loopback
//! host, and send JSON when they send a body.

mod common;

use common::Env;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zenml_pro_emulator::{start, Dialect, EmulatorConfig, CONTROL_HEADER};

const ROUTES: [(&str, &str); 12] = [
    ("POST", "faults"),
    ("GET", "faults"),
    ("DELETE", "faults"),
    ("POST", "tokens/revoke"),
    ("POST", "devices/approve"),
    ("POST", "devices/deny"),
    ("POST", "invitations/accept"),
    ("POST", "workspaces/status"),
    ("GET", "stats"),
    ("POST", "stats/reset"),
    ("GET", "requests"),
    ("POST", "requests/reset"),
];

async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// A random token per run (or the configured one), its URL helper, and 401 without it on every control
/// route, unknown ones included; the device verification page needs none.
#[tokio::test]
async fn control_routes_need_the_token() {
    let env = Env::dialect(Dialect::Default).await;
    let other = Env::dialect(Dialect::Default).await;
    let token = env.emu.control_token().to_string();
    assert_eq!(token.len(), 32);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
    assert_ne!(token, other.emu.control_token(), "one per run");
    assert_eq!(env.emu.control_url("stats"), format!("{}/_emulator/stats", env.url));
    assert_eq!(env.emu.control_url("/faults"), format!("{}/_emulator/faults", env.url));

    for (method, path) in ROUTES {
        let method: Method = method.parse().unwrap();
        let url = env.emu.control_url(path);
        for header in [None, Some("wrong"), Some(other.emu.control_token()), Some("")] {
            let mut req = env.http.request(method.clone(), &url).json(&json!({}));
            if let Some(h) = header {
                req = req.header(CONTROL_HEADER, h);
            }
            let (status, body) = send(req).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} with {header:?}");
            assert!(body["detail"].as_str().is_some_and(|d| d.contains(CONTROL_HEADER)), "{body}");
        }
        // The same header twice is refused, even when one is right.
        let req = env
            .http
            .request(method.clone(), &url)
            .header(CONTROL_HEADER, &token)
            .header(CONTROL_HEADER, "wrong");
        assert_eq!(send(req).await.0, StatusCode::UNAUTHORIZED, "{method} {path} twice");
    }
    let (status, stats) =
        send(env.http.get(env.emu.control_url("stats")).header(CONTROL_HEADER, &token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats["requests"], 0, "refused control requests are not API requests");
    let unknown = env.emu.control_url("nothing/here");
    assert_eq!(send(env.http.get(&unknown)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(send(env.http.get(&unknown).header(CONTROL_HEADER, &token)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(send(env.http.get(format!("{}/_emulator", env.url))).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = send(env.http.get(format!("{}/devices/verify", env.url))).await;
    assert_eq!(status, StatusCode::OK, "the verification page is no control route");

    let fixed = start(EmulatorConfig { control_token: Some("fixed-token_1".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(fixed.control_token(), "fixed-token_1");
    assert_eq!(fixed.startup_line()["control_token"], "fixed-token_1");
    let req = env.http.get(fixed.control_url("stats")).header(CONTROL_HEADER, "fixed-token_1");
    assert_eq!(send(req).await.0, StatusCode::OK);
    for bad in ["", "has space", "tab\there", "é"] {
        let config = EmulatorConfig { control_token: Some(bad.into()), ..Default::default() };
        assert!(start(config).await.is_err(), "{bad:?} refused");
    }
}

/// A control request must name a loopback host in `Host`: 127.0.0.1 (any of 127/8), localhost or
/// [::1], with any port; anything else answers 403 even with the token. API routes do not care.
#[tokio::test]
async fn control_routes_answer_only_loopback_hosts() {
    let env = Env::dialect(Dialect::Default).await;
    let token = env.emu.control_token();
    let url = env.emu.control_url("stats");
    let port = env.url.rsplit(':').next().unwrap().to_string();
    for host in ["127.0.0.1", "localhost", "LOCALHOST", "[::1]", "127.0.0.2:1", "[::1]:8080"] {
        let req = env.http.get(&url).header(CONTROL_HEADER, token).header("host", host);
        assert_eq!(send(req).await.0, StatusCode::OK, "{host}");
    }
    let local = format!("localhost:{port}");
    assert_eq!(
        send(env.http.get(&url).header(CONTROL_HEADER, token).header("host", &local)).await.0,
        StatusCode::OK
    );
    for host in [
        "evil.example",
        "evil.example:8080",
        "localhost.evil.example",
        "127.0.0.1.nip.example",
        "10.0.0.1",
        "[::2]",
        "0.0.0.0",
        "user@127.0.0.1",
        "",
    ] {
        let req = env.http.get(&url).header(CONTROL_HEADER, token).header("host", host);
        let (status, body) = send(req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{host:?}: {body}");
        assert!(body["detail"].is_string(), "{body}");
        let req = env.http.get(&url).header("host", host);
        assert_eq!(send(req).await.0, StatusCode::FORBIDDEN, "{host:?}: the host is checked first");
    }
    let req = env.http.get(format!("{}/openapi.json", env.url)).header("host", "evil.example");
    assert_eq!(send(req).await.0, StatusCode::OK, "API routes take any host");
}

/// A control request with a body must send `application/json` (415 otherwise); one without a body
/// needs no content type, and `{}` as JSON is as good.
#[tokio::test]
async fn control_bodies_must_be_json() {
    let env = Env::dialect(Dialect::Default).await;
    let token = env.emu.control_token();
    let url = env.emu.control_url("stats/reset");
    let post = || env.http.post(&url).header(CONTROL_HEADER, token);
    assert_eq!(send(post()).await.0, StatusCode::OK, "no body");
    assert_eq!(send(post().json(&json!({}))).await.0, StatusCode::OK, "{{}} as JSON");
    let with_charset = post().header("content-type", "application/json; charset=utf-8").body("{}");
    assert_eq!(send(with_charset).await.0, StatusCode::OK);
    for content_type in
        [None, Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data")]
    {
        let mut req = post().body("{}");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let (status, body) = send(req).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
        assert!(body["detail"].is_string(), "{body}");
    }
    let form =
        env.http.post(env.emu.control_url("faults")).header(CONTROL_HEADER, token).form(&[("kind", "drop")]);
    assert_eq!(send(form).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let delete = env.http.delete(env.emu.control_url("faults")).header(CONTROL_HEADER, token).body("x");
    assert_eq!(send(delete).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (_, rules) = send(env.http.get(env.emu.control_url("faults")).header(CONTROL_HEADER, token)).await;
    assert_eq!(rules, json!({"rules": []}), "nothing refused took effect");
}
