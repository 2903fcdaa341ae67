//! The client against a hostile or broken server (the emulator's fault kinds): redirects elsewhere,
//! bodies too large to read, absurd numbers, bodies that trickle. Each ends with a plain error within
//! the client's bounds, never a panic, a hang or a huge allocation.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use zenml_cloud_api::*;
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

async fn emulator() -> RunningEmulator {
    start(EmulatorConfig { port: 0, ..Default::default() }).await.expect("emulator starts")
}

fn client(emu: &RunningEmulator, timeout: Duration) -> ApiClient {
    let mut config = ClientConfig::new(emu.base_url());
    config.request_timeout = timeout;
    config.retry = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_total: Duration::from_secs(5),
    };
    ApiClient::new(config).unwrap()
}

async fn fault(emu: &RunningEmulator, rule: Value) {
    let resp = reqwest::Client::new()
        .post(emu.control_url("faults"))
        .header(zenml_pro_emulator::CONTROL_HEADER, emu.control_token())
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "fault {rule}: {}", resp.status());
}

/// How many API requests the emulator has logged.
async fn requests_served(emu: &RunningEmulator) -> usize {
    let v: Value = reqwest::Client::new()
        .get(emu.control_url("requests"))
        .header(zenml_pro_emulator::CONTROL_HEADER, emu.control_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v.as_array().map_or(0, Vec::len)
}

/// A list redirected to another server (another port here) is not followed: the error names both,
/// and the other server never sees the request.
#[tokio::test]
async fn a_redirect_to_another_server_is_refused_and_names_both() {
    let emu = emulator().await;
    let elsewhere = emulator().await;
    let c = client(&emu, Duration::from_secs(5));
    let t = c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.unwrap().access_token;
    fault(
        &emu,
        json!({"kind": "redirect", "location": elsewhere.base_url(), "path_prefix": "/organizations"}),
    )
    .await;
    let e = c.all_organizations(&t).await.unwrap_err();
    assert!(matches!(e, ApiError::RedirectRefused(_)), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains(&emu.base_url()) && msg.contains(&elsewhere.base_url()), "{msg}");
    assert_eq!(requests_served(&elsewhere).await, 0, "nothing reached the other server");
}

/// A sign-in answered with a redirect, even to the same server, is not followed: the key is not sent
/// anywhere else.
#[tokio::test]
async fn a_sign_in_never_follows_a_redirect() {
    let emu = emulator().await;
    let c = client(&emu, Duration::from_secs(5));
    fault(
        &emu,
        json!({"kind": "redirect", "location": emu.base_url(), "status": 307, "path_prefix": "/auth/login"}),
    )
    .await;
    let e = c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.unwrap_err();
    assert!(matches!(e, ApiError::RedirectRefused(_)), "{e:?}");
    assert!(e.to_string().contains("not followed"), "{e}");
}

/// A body larger than the cap is refused while it is read (chunked) or before (its length says so).
#[tokio::test]
async fn a_huge_body_is_refused_without_reading_it_whole() {
    let emu = emulator().await;
    let mut config = ClientConfig::new(emu.base_url());
    config.max_response_bytes = 4 * 1024 * 1024;
    config.retry = RetryPolicy::none();
    let c = ApiClient::new(config).unwrap();
    let t = c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.unwrap().access_token;
    for length in [false, true] {
        fault(&emu, json!({"kind": "huge_body", "mb": 64, "content_length": length, "path_prefix": "/organizations", "count": 1})).await;
        let started = Instant::now();
        let e = c.all_organizations(&t).await.unwrap_err();
        assert!(matches!(e, ApiError::ResponseTooLarge { .. }), "{e:?}");
        assert!(e.to_string().contains("larger than 4 MiB"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 64 * 1024 * 1024);
}

/// Numbers of any size from a server panic nothing: a token lifetime of 10^18 seconds, a device
/// interval and lifetime of 10^18, a `Retry-After` of 10^18.
#[tokio::test]
async fn absurd_numbers_are_clamped() {
    let emu = emulator().await;
    let c = client(&emu, Duration::from_secs(5));
    fault(&emu, json!({"kind": "huge_numbers", "path_prefix": "/auth/"})).await;
    let token = c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.unwrap();
    assert_eq!(token.expires_in, Some(1_000_000_000_000_000_000));
    let at = token.expires_at(chrono::Utc::now()).expect("an expiry");
    assert!(at.timestamp() > 0);
    let device = c.start_device_authorization(uuid::Uuid::new_v4(), None).await.unwrap();
    assert_eq!(device.interval, 1_000_000_000_000_000_000);
    // Waiting is bounded: the first poll is at once, the clamped interval is a minute at most, and a
    // cancelled wait ends.
    let wait =
        tokio::time::timeout(Duration::from_secs(2), c.wait_for_device_token(uuid::Uuid::new_v4(), &device))
            .await;
    assert!(wait.is_err() || wait.unwrap().is_err(), "no panic, no grant");

    // A 429 asking to wait 10^18 seconds: the retry budget ends the call at once.
    fault(&emu, json!({"kind": "rate_limit", "retry_after": 1_000_000_000_000_000_000u64, "count": 1, "path_prefix": "/users"})).await;
    let t = token.access_token;
    let started = Instant::now();
    let e = c.me(&t).await.unwrap_err();
    assert!(matches!(e, ApiError::RateLimited { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// A body that trickles ends with a timeout, within the client's request timeout and retry budget.
#[tokio::test]
async fn a_trickling_body_times_out() {
    let emu = emulator().await;
    let c = client(&emu, Duration::from_secs(1));
    let t = c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.unwrap().access_token;
    fault(&emu, json!({"kind": "slow_body", "bytes_per_sec": 8, "path_prefix": "/organizations"})).await;
    let started = Instant::now();
    let e = c.all_organizations(&t).await.unwrap_err();
    assert!(matches!(e, ApiError::Network { kind: NetworkErrorKind::Timeout, .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
}
