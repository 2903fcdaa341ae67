//! Token types (contract 2.2a), in both dialects, through core: a browser (device-flow) sign-in lists
//! service accounts (the client exchanged its token once), the exchanged token reaches no file (cache,
//! journal, log), a plain 401 still asks to sign in again, and a server that refuses the exchanged token
//! too is said in plain words without signing anyone out. One test installs the process's logger. (The
//! variant dialect does not offer service accounts: its 404, after the exchange, is "not offered".)

mod common;

use common::*;
use serde_json::{json, Value};
use zenml_pro_core::{ErrorCode, SecretKind, SecretStore, SyncOptions};
use zenml_pro_emulator::{Dialect, EmulatorConfig, RunningEmulator, CONTROL_HEADER};

async fn get(emu: &RunningEmulator, path: &str) -> Value {
    reqwest::Client::new()
        .get(emu.control_url(path))
        .header(CONTROL_HEADER, emu.control_token())
        .send()
        .await
        .expect("control call")
        .json()
        .await
        .expect("json")
}

async fn exchanges(emu: &RunningEmulator) -> usize {
    let log = get(emu, "requests").await;
    log.as_array().unwrap().iter().filter(|r| r["path"] == "/auth/api_token").count()
}

async fn tokens_of_kind(emu: &RunningEmulator, kind: &str) -> Vec<String> {
    let live = get(emu, "tokens").await;
    live.as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == kind)
        .map(|t| t["token"].as_str().unwrap().to_owned())
        .collect()
}

async fn device_env(dialect: Dialect) -> (Env, String) {
    let e = env_with(EmulatorConfig { dialect, auto_approve: true, ..Default::default() }).await;
    let login = e.core.begin_device_login(&e.emu.base_url()).await.unwrap();
    let account = e.core.complete_device_login(&login).await.unwrap();
    (e, account.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_session_lists_service_accounts_and_the_exchanged_token_reaches_no_file() {
    let logs = tempfile::tempdir().unwrap();
    std::env::set_var(zenml_pro_core::logging::LOG_DIR_ENV, logs.path());
    std::env::set_var(zenml_pro_core::logging::LOG_LEVEL_ENV, "trace");
    let guard = zenml_pro_core::logging::init("zpro-token-types", "off");
    let mut scanned = Vec::new();
    let mut secrets = Vec::new();
    for dialect in Dialect::ALL {
        let (e, account) = device_env(dialect).await;
        e.core
            .sync(
                &account,
                &SyncOptions::default(),
                &no_progress(),
                &zenml_pro_core::CancellationToken::new(),
            )
            .await
            .unwrap();
        let org = e.core.resolve_org(&account, Some("acme-ml")).unwrap();

        let listed = e.core.service_accounts(&account, org).await.unwrap();
        if dialect == Dialect::Variant {
            // Service accounts are not offered there: the route's 404 comes after the same exchange.
            assert!(!listed.offered && listed.reason.is_some(), "{dialect}: {listed:?}");
        } else {
            assert!(listed.offered && !listed.items.is_empty(), "{dialect}: {listed:?}");
        }
        assert_eq!(exchanges(&e.emu).await, 1, "{dialect}: the token was exchanged once");
        let again = e.core.service_accounts(&account, org).await.unwrap();
        assert_eq!(again.items.len(), listed.items.len());
        assert_eq!(exchanges(&e.emu).await, 1, "{dialect}: the exchanged token was reused");

        // A journaled write, so the journal has entries to scan.
        e.core
            .invite(&account, org, &["token-types@acme-ml.example".into()], "Organization Viewer")
            .await
            .unwrap();
        e.core.service_accounts(&account, org).await.unwrap();

        let automation = tokens_of_kind(&e.emu, "api_token").await;
        assert_eq!(automation.len(), 1, "{dialect}");
        assert_eq!(e.keyring.len(), 1, "{dialect}: the keyring holds the session token only");
        let session = e.keyring.get(&account, SecretKind::AccessToken).unwrap().unwrap();
        assert!(!automation.contains(&session));
        let mut found = Vec::new();
        files(e.dir.path(), &mut found);
        let names: Vec<String> =
            found.iter().map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert!(names.iter().any(|n| n.starts_with("cache")), "{dialect}: {names:?}");
        assert!(names.iter().any(|n| n.starts_with("journal")), "{dialect}: {names:?}");
        for (path, bytes) in &found {
            for t in automation.iter().chain([&session]) {
                assert!(!holds(bytes, t), "{dialect}: a token reached {}", path.display());
            }
        }
        scanned.push(e);
        secrets.extend(automation);
    }
    drop(guard); // flushes
    let mut log = Vec::new();
    files(logs.path(), &mut log);
    assert!(!log.is_empty() && log.iter().map(|(_, b)| b.len()).sum::<usize>() > 1000, "the log was written");
    assert!(
        log.iter().any(|(_, b)| holds(b, "exchanging it for an automation token")),
        "the exchange is logged"
    );
    for (path, bytes) in &log {
        for t in &secrets {
            assert!(!holds(bytes, t), "the exchanged token reached the log {}", path.display());
        }
    }
}

#[tokio::test]
async fn a_plain_401_asks_to_sign_in_and_a_refused_exchange_signs_no_one_out() {
    for dialect in Dialect::ALL {
        // Revoked: a plain 401, the session expired; a device session has no key to renew it with.
        let (e, account) = device_env(dialect).await;
        e.core
            .sync(
                &account,
                &SyncOptions::default(),
                &no_progress(),
                &zenml_pro_core::CancellationToken::new(),
            )
            .await
            .unwrap();
        let org = e.core.resolve_org(&account, Some("acme-ml")).unwrap();
        e.core.service_accounts(&account, org).await.unwrap();
        control(&e.emu, "tokens/revoke", revoke_all()).await;
        let err = e.core.service_accounts(&account, org).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Unauthorized, "{dialect}: {err}");
        assert!(err.message.contains("sign in again"), "{dialect}: {err}");

        // The server refuses the exchanged token too: said in plain words, once, still signed in.
        let (e, account) = device_env(dialect).await;
        control(&e.emu, "token_types", json!({"api_token": "refuse"})).await;
        e.core
            .sync(
                &account,
                &SyncOptions::default(),
                &no_progress(),
                &zenml_pro_core::CancellationToken::new(),
            )
            .await
            .unwrap();
        let org = e.core.resolve_org(&account, Some("acme-ml")).unwrap();
        let before = requests(&e.emu).await;
        let listed = e.core.service_accounts(&account, org).await.unwrap();
        assert!(!listed.offered && listed.items.is_empty(), "{dialect}: {listed:?}");
        let reason = listed.reason.expect("a reason");
        assert!(!reason.contains('{') && !reason.contains("device_code"), "plain words: {reason}");
        // The refusal, the exchange, the refusal of the exchanged token: no loop, no renewal.
        assert_eq!(requests(&e.emu).await - before, 3, "{dialect}");
        let me = e.core.accounts().unwrap().into_iter().find(|a| a.id == account).unwrap();
        assert!(me.signed_in, "{dialect}: never signed out for it");
        e.core.resolve_org(&account, Some("acme-ml")).unwrap();
        e.core
            .sync(
                &account,
                &SyncOptions::default(),
                &no_progress(),
                &zenml_pro_core::CancellationToken::new(),
            )
            .await
            .expect("the session still works elsewhere");
    }
}
