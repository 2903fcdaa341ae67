//! Token types (contract 2.2a), in both dialects: a device-flow session reads the key routes through
//! one exchange at `GET /auth/api_token`, reused by later calls; a plain 401 stays "sign in again"; a
//! server that refuses the exchanged token too ends the call in plain words, never in a loop. (The
//! variant dialect does not offer service accounts: there the route answers 404 once the token is
//! taken, after the same exchange.)

use std::time::Duration;

use uuid::Uuid;
use zenml_cloud_api::*;
use zenml_pro_emulator::testkit::{Control, TokenPolicy};
use zenml_pro_emulator::{start, Dialect, EmulatorConfig, RunningEmulator};

async fn emulator(dialect: Dialect) -> RunningEmulator {
    start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.expect("emulator starts")
}

fn client(emu: &RunningEmulator) -> ApiClient {
    let mut config = ClientConfig::new(emu.base_url());
    config.retry = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_total: Duration::from_secs(5),
    };
    ApiClient::new(config).unwrap()
}

/// How many logged requests went to `path` (exactly, or as a prefix with `*` at its end).
async fn calls_to(emu: &RunningEmulator, path: &str) -> usize {
    let log = Control::new(emu).requests().await;
    let matches = |p: &str| match path.strip_suffix('*') {
        Some(prefix) => p.starts_with(prefix),
        None => p == path,
    };
    log.iter().filter(|r| matches(r["path"].as_str().unwrap_or(""))).count()
}

/// A device-flow sign-in, approved through the control route (as the multi-org demo user, an
/// Organization Admin of acme-ml).
async fn device_session(emu: &RunningEmulator, c: &ApiClient) -> AccessToken {
    let client_id = Uuid::new_v4();
    let auth = c.start_device_authorization(client_id, None).await.unwrap();
    Control::new(emu).approve_device(&auth.user_code, None).await;
    match c.poll_device_token(client_id, &auth.device_code).await.unwrap() {
        DevicePoll::Granted(t) => t.access_token,
        other => panic!("not granted: {other:?}"),
    }
}

/// A key route's answer once the token is taken: the list, or (the variant dialect, which does not
/// offer service accounts) its 404, after the same exchange.
fn served<T: std::fmt::Debug>(dialect: Dialect, result: Result<T>) -> Option<T> {
    if dialect == Dialect::Variant {
        let e = result.unwrap_err();
        assert!(matches!(e, ApiError::NotFound(_)), "{dialect}: {e:?}");
        None
    } else {
        Some(result.unwrap())
    }
}

/// Every live automation token the emulator issued.
async fn automation_tokens(emu: &RunningEmulator) -> Vec<String> {
    let live = Control::new(emu).tokens().await;
    live.iter()
        .filter(|t| t["kind"] == "api_token")
        .map(|t| t["token"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_device_session_reads_key_routes_through_one_exchange() {
    for dialect in Dialect::ALL {
        let emu = emulator(dialect).await;
        let c = client(&emu);
        let t = device_session(&emu, &c).await;
        let org = c.get_organization(&t, "acme-ml").await.unwrap().id;
        let sas_path = format!("/organizations/{org}/service_accounts");

        let first = served(dialect, c.all_service_accounts(&t, org).await);
        assert!(first.as_ref().is_none_or(|f| !f.items.is_empty()), "{dialect}");
        assert_eq!(calls_to(&emu, "/auth/api_token").await, 1, "{dialect}: exchanged once");
        assert_eq!(calls_to(&emu, &sas_path).await, 2, "{dialect}: refused once, then served");

        // The next calls reuse the exchanged token: no second exchange, no second refusal.
        let again = served(dialect, c.all_service_accounts(&t, org).await);
        assert_eq!(again.map(|a| a.items.len()), first.as_ref().map(|f| f.items.len()));
        let page = served(dialect, c.list_service_accounts(&t, org, Page::default()).await);
        assert!(page.is_none_or(|p| !p.items.is_empty()));
        assert_eq!(calls_to(&emu, "/auth/api_token").await, 1, "{dialect}: reused");
        assert_eq!(calls_to(&emu, &sas_path).await, 4, "{dialect}");
        // Other routes still take the session token as it is.
        c.get_organization(&t, "acme-ml").await.unwrap();
        assert_eq!(calls_to(&emu, "/auth/api_token").await, 1);

        // Calls made together share one exchange (a new session, so a new one is needed).
        let t2 = device_session(&emu, &c).await;
        let (a, b) = tokio::join!(c.all_service_accounts(&t2, org), c.all_service_accounts(&t2, org));
        served(dialect, a);
        served(dialect, b);
        assert_eq!(calls_to(&emu, "/auth/api_token").await, 2, "{dialect}: one exchange for both");

        // The automation token is in no error and no debug output the client gives.
        let tokens = automation_tokens(&emu).await;
        assert_eq!(tokens.len(), 2);
        let shown = format!("{c:?} {first:?} {t:?}");
        assert!(tokens.iter().all(|x| !shown.contains(x.as_str())));
    }
}

#[tokio::test]
async fn a_plain_401_still_means_sign_in_again() {
    for dialect in Dialect::ALL {
        let emu = emulator(dialect).await;
        let c = client(&emu);
        let t = device_session(&emu, &c).await;
        let org = c.get_organization(&t, "acme-ml").await.unwrap().id;
        served(dialect, c.all_service_accounts(&t, org).await);

        // Revoked: the session token and the exchanged one.
        Control::new(&emu).revoke_tokens(None).await;
        let before = calls_to(&emu, "/*").await;
        let e = c.all_service_accounts(&t, org).await.unwrap_err();
        assert!(matches!(e, ApiError::Unauthorized(_)), "{dialect}: {e:?}");
        assert!(e.to_string().contains("not signed in or the session has expired"), "{e}");
        // The exchanged token (refused), then the session token (refused): no exchange, no loop.
        assert_eq!(calls_to(&emu, "/*").await - before, 2, "{dialect}");
        let e = c.get_organization(&t, "acme-ml").await.unwrap_err();
        assert!(matches!(e, ApiError::Unauthorized(_)), "{dialect}: {e:?}");
    }
}

#[tokio::test]
async fn an_exchanged_token_refused_too_ends_in_plain_words_without_a_loop() {
    for dialect in Dialect::ALL {
        let emu = emulator(dialect).await;
        let c = client(&emu);
        Control::new(&emu).token_types(Some(TokenPolicy::Refuse), Some(TokenPolicy::Refuse)).await;
        let t = device_session(&emu, &c).await;
        let org = c.get_organization(&t, "acme-ml").await.unwrap().id;
        let sas_path = format!("/organizations/{org}/service_accounts");

        let e = c.all_service_accounts(&t, org).await.unwrap_err();
        assert!(matches!(e, ApiError::Forbidden(_)), "{dialect}: {e:?}");
        let said = e.to_string();
        assert!(said.contains("does not accept this kind of sign-in"), "{said}");
        assert!(!said.contains('{') && !said.contains("device_code"), "plain words: {said}");
        assert_eq!(calls_to(&emu, "/auth/api_token").await, 1, "{dialect}");
        assert_eq!(calls_to(&emu, &sas_path).await, 2, "{dialect}: once each way, no loop");

        // Again: one new exchange and one refusal, and the session is untouched.
        let e = c.all_service_accounts(&t, org).await.unwrap_err();
        assert!(matches!(e, ApiError::Forbidden(_)), "{e:?}");
        assert_eq!(calls_to(&emu, "/auth/api_token").await, 2, "{dialect}");
        assert_eq!(calls_to(&emu, &sas_path).await, 3, "{dialect}");
        c.get_organization(&t, "acme-ml").await.unwrap();

        // Accepted again: the same session reads the route.
        Control::new(&emu).token_types(None, Some(TokenPolicy::Accept)).await;
        served(dialect, c.all_service_accounts(&t, org).await);

        // A key-exchange session where the server refuses those tokens: exchanged the same way.
        let k = c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.unwrap().access_token;
        let exchanges = calls_to(&emu, "/auth/api_token").await;
        served(dialect, c.all_service_accounts(&k, org).await);
        assert_eq!(calls_to(&emu, "/auth/api_token").await, exchanges + 1, "{dialect}");
    }
}

#[tokio::test]
async fn key_sessions_are_not_exchanged_by_default() {
    for dialect in Dialect::ALL {
        let emu = emulator(dialect).await;
        let c = client(&emu);
        let k = c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.unwrap().access_token;
        let org = c.get_organization(&k, "acme-ml").await.unwrap().id;
        served(dialect, c.all_service_accounts(&k, org).await);
        assert_eq!(calls_to(&emu, "/auth/api_token").await, 0, "{dialect}");
    }
}
