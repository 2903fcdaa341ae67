//! The fault kinds that attack a client through the response: redirects elsewhere, a huge body, huge
//! integers, and a body that trickles in. Raw HTTP calls, each against its own emulator.

mod common;

use std::time::{Duration, Instant};

use common::{Env, CLIENT_ID};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zenml_pro_emulator::{Dialect, HUGE_NUMBER};

/// A client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Reads a body chunk by chunk: its size, how many chunks, its first and last bytes.
async fn read_stream(mut resp: reqwest::Response) -> (u64, usize, Vec<u8>, Vec<u8>) {
    let (mut size, mut chunks, mut head, mut tail) = (0u64, 0usize, Vec::new(), Vec::new());
    while let Some(chunk) = resp.chunk().await.expect("body chunk") {
        size += chunk.len() as u64;
        chunks += 1;
        if head.len() < 200 {
            head.extend_from_slice(&chunk[..chunk.len().min(200 - head.len())]);
        }
        tail.extend_from_slice(&chunk);
        let keep = tail.len().saturating_sub(200);
        tail.drain(..keep);
    }
    (size, chunks, head, tail)
}

/// Every integer of a JSON value replaced by the huge one, as the fault should do it.
fn hugified(value: &Value) -> Value {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => json!(HUGE_NUMBER),
        Value::Array(items) => Value::Array(items.iter().map(hugified).collect()),
        Value::Object(fields) => {
            Value::Object(fields.iter().map(|(k, v)| (k.clone(), hugified(v))).collect())
        }
        other => other.clone(),
    }
}

/// How many integers a JSON value holds, and whether all are the huge one.
fn integers(value: &Value) -> (usize, bool) {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => (1, n.as_i64() == Some(HUGE_NUMBER)),
        Value::Array(items) => items.iter().map(integers).fold((0, true), |a, b| (a.0 + b.0, a.1 && b.1)),
        Value::Object(fields) => {
            fields.values().map(integers).fold((0, true), |a, b| (a.0 + b.0, a.1 && b.1))
        }
        _ => (0, true),
    }
}

/// `redirect`: the status asked for (307 by default), `Location` = the base plus the request's path
/// and query, an empty body; bad statuses and locations are refused; filters and counts hold.
#[tokio::test]
async fn redirect_sends_the_request_elsewhere() {
    let env = Env::dialect(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    let http = no_redirects();
    let (status, rules) = env
        .control("faults", json!({"kind": "redirect", "location": "http://127.0.0.1:9999", "count": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{rules}");
    let resp = http
        .get(format!("{}/organizations?offset=0&limit=100", env.url))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(resp.headers()["location"], "http://127.0.0.1:9999/organizations?offset=0&limit=100");
    assert_eq!(resp.bytes().await.unwrap().len(), 0, "empty body");
    assert_eq!(env.get(&admin, "/organizations").await.0, StatusCode::OK, "count used up");

    for code in [301u16, 302, 303, 307, 308] {
        let rule = json!({"kind": "redirect", "location": "https://elsewhere.example/base/", "status": code,
                          "path_prefix": "/users", "count": 1});
        assert_eq!(env.control("faults", rule).await.0, StatusCode::OK);
        assert_eq!(env.get(&admin, "/workspaces").await.0, StatusCode::OK, "path_prefix filters");
        let resp = http.get(format!("{}/users/me", env.url)).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), code);
        assert_eq!(resp.headers()["location"], "https://elsewhere.example/base/users/me");
    }
    // A POST is redirected too (the login form, for instance).
    let rule = json!({"kind": "redirect", "location": "http://localhost:1", "method": "POST", "count": 1});
    env.control("faults", rule).await;
    let resp = http.post(format!("{}/auth/login", env.url)).form(&[("password", "x")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(resp.headers()["location"], "http://localhost:1/auth/login");

    for bad in [
        json!({"kind": "redirect"}),
        json!({"kind": "redirect", "location": "/relative"}),
        json!({"kind": "redirect", "location": "ftp://127.0.0.1:21"}),
        json!({"kind": "redirect", "location": "http://127.0.0.1:9999?x=1"}),
        json!({"kind": "redirect", "location": "not a url"}),
        json!({"kind": "redirect", "location": "http://127.0.0.1:9999", "status": 200}),
        json!({"kind": "redirect", "location": "http://127.0.0.1:9999", "status": 304}),
    ] {
        let (status, body) = env.control("faults", bad.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad} → {body}");
    }
}

/// `huge_body`: 200 JSON of exactly N MiB that starts like an array, streamed in many chunks with no
/// `content-length` (chunked); with `content_length: true` the length is sent up front, and the body
/// is a whole JSON array.
#[tokio::test]
async fn huge_body_streams_megabytes() {
    let env = Env::dialect(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    env.control("faults", json!({"kind": "huge_body", "mb": 8, "path_prefix": "/organizations"})).await;
    assert_eq!(env.get(&admin, "/users/me").await.0, StatusCode::OK, "path_prefix filters");
    let resp = env.http.get(format!("{}/organizations", env.url)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert!(resp.headers().get("content-length").is_none(), "{:?}", resp.headers());
    assert_eq!(resp.headers()["transfer-encoding"], "chunked");
    let (size, chunks, head, tail) = read_stream(resp).await;
    assert_eq!(size, 8 << 20);
    assert!(chunks > 8, "streamed in chunks, got {chunks}");
    let item = r#"{"id":"00000000-0000-4000-8000-000000000000","name":"x"}"#;
    assert!(head.starts_with(format!("[{item},{item},").as_bytes()), "{}", String::from_utf8_lossy(&head));
    assert_eq!(tail.last(), Some(&b']'));
    env.control_call(reqwest::Method::DELETE, "faults", None).await;

    env.control("faults", json!({"kind": "huge_body", "mb": 1, "content_length": true, "count": 1})).await;
    let resp = env.http.get(format!("{}/workspaces", env.url)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-length"], (1u64 << 20).to_string().as_str());
    let body = resp.bytes().await.unwrap();
    assert_eq!(body.len(), 1 << 20);
    let items: Vec<Value> = serde_json::from_slice(&body).expect("a whole JSON array");
    assert_eq!(items.len(), ((1 << 20) - 1) / (item.len() + 1));
    assert_eq!(items[0], json!({"id": "00000000-0000-4000-8000-000000000000", "name": "x"}));
    assert_eq!(env.get(&admin, "/workspaces").await.0, StatusCode::OK, "count used up");

    for bad in [
        json!({"kind": "huge_body"}),
        json!({"kind": "huge_body", "mb": 0}),
        json!({"kind": "huge_body", "mb": 100000}),
    ] {
        assert_eq!(env.control("faults", bad.clone()).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

/// `huge_numbers`: the request is served, then every integer of its JSON body (nested ones too) is
/// 10^18 and `Retry-After` is 10^18: token responses, device authorizations and lists.
#[tokio::test]
async fn huge_numbers_replace_every_integer() {
    let env = Env::dialect(Dialect::Variant).await;
    let key = env.emu.credentials().admin.key.clone();
    let admin = env.token(&key).await;
    let normal_workspaces = env.ok(&admin, "/workspaces?limit=100").await;
    let normal_orgs = env.ok(&admin, "/organizations").await;
    env.control("faults", json!({"kind": "huge_numbers"})).await;

    let login = |http: reqwest::Client, url: String, form: Vec<(&'static str, String)>| async move {
        http.post(format!("{url}/auth/login")).form(&form).send().await.unwrap()
    };
    let resp = login(
        env.http.clone(),
        env.url.clone(),
        vec![("grant_type", "zenml_api_key".into()), ("password", key)],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["retry-after"], "1000000000000000000");
    let token: Value = resp.json().await.unwrap();
    assert_eq!(token["expires_in"], json!(1_000_000_000_000_000_000i64), "{token}");
    assert!(token["access_token"].is_string(), "strings are left alone");

    let resp = env
        .http
        .post(format!("{}/auth/device_authorization", env.url))
        .form(&[("client_id", CLIENT_ID)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["retry-after"], "1000000000000000000");
    let auth: Value = resp.json().await.unwrap();
    assert_eq!(auth["expires_in"], json!(HUGE_NUMBER), "{auth}");
    assert_eq!(auth["interval"], json!(HUGE_NUMBER), "{auth}");
    assert!(auth["user_code"].is_string());

    // Lists: every integer, down to the objects nested in each row, and nothing else changed.
    let resp =
        env.http.get(format!("{}/workspaces?limit=100", env.url)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(resp.headers()["retry-after"], "1000000000000000000");
    let workspaces: Value = resp.json().await.unwrap();
    let (count, all_huge) = integers(&workspaces);
    assert!(count > workspaces.as_array().unwrap().len() && all_huge, "{count} {all_huge}");
    assert_eq!(workspaces, hugified(&normal_workspaces));
    let orgs = env.ok(&admin, "/organizations").await;
    assert_eq!(orgs, hugified(&normal_orgs));
    assert_eq!(orgs[0]["x_revision"], json!(HUGE_NUMBER), "{orgs}");

    // Errors are served too, and a filter keeps the rest alone.
    env.control_call(reqwest::Method::DELETE, "faults", None).await;
    env.control("faults", json!({"kind": "huge_numbers", "path_prefix": "/auth", "count": 1})).await;
    assert_eq!(env.ok(&admin, "/workspaces?limit=100").await, normal_workspaces);
    let resp = login(env.http.clone(), env.url.clone(), vec![("password", "nope".into())]).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "served as it would be");
    assert_eq!(resp.headers()["retry-after"], "1000000000000000000");
    let resp = login(env.http.clone(), env.url.clone(), vec![("password", "nope".into())]).await;
    assert!(resp.headers().get("retry-after").is_none(), "count used up");
}

/// `slow_body`: headers at once, then the body `bytes_per_sec` bytes each second, whole in the end; a
/// client with a total timeout gives up.
#[tokio::test]
async fn slow_body_trickles_in() {
    let env = Env::dialect(Dialect::Default).await;
    let admin = env.token(&env.emu.credentials().admin.key).await;
    let normal = env.http.get(format!("{}/users/me", env.url)).bearer_auth(&admin).send().await.unwrap();
    let normal = normal.bytes().await.unwrap();
    // Three parts: the first with the headers, the others one and two seconds later.
    let rate = normal.len().div_ceil(3);
    assert!(normal.len() > 2 * rate, "a body of {} bytes", normal.len());
    let (status, body) =
        env.control("faults", json!({"kind": "slow_body", "bytes_per_sec": rate, "count": 1})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let t = Instant::now();
    let mut resp = env.http.get(format!("{}/users/me", env.url)).bearer_auth(&admin).send().await.unwrap();
    assert!(t.elapsed() < Duration::from_millis(700), "headers at once: {:?}", t.elapsed());
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-length"], normal.len().to_string().as_str());
    let mut got = Vec::new();
    let mut parts = Vec::new();
    while let Some(chunk) = resp.chunk().await.unwrap() {
        parts.push((chunk.len(), t.elapsed()));
        got.extend_from_slice(&chunk);
    }
    let elapsed = t.elapsed();
    assert_eq!(got, normal.to_vec(), "the whole body in the end");
    assert!(parts.len() >= 3 && parts.iter().all(|(n, _)| *n <= rate), "{parts:?}");
    assert!(elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_secs(4), "{elapsed:?}");
    let t = Instant::now();
    assert_eq!(env.get(&admin, "/users/me").await.0, StatusCode::OK);
    assert!(t.elapsed() < Duration::from_millis(700), "count used up");

    env.control("faults", json!({"kind": "slow_body", "bytes_per_sec": 10})).await;
    let impatient = reqwest::Client::builder().timeout(Duration::from_secs(1)).build().unwrap();
    let t = Instant::now();
    let err = match impatient.get(format!("{}/users/me", env.url)).bearer_auth(&admin).send().await {
        Ok(resp) => resp.bytes().await.expect_err("the body does not arrive in time"),
        Err(e) => e,
    };
    assert!(err.is_timeout(), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(3));

    for bad in [json!({"kind": "slow_body"}), json!({"kind": "slow_body", "bytes_per_sec": 0})] {
        assert_eq!(env.control("faults", bad.clone()).await.0, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}
