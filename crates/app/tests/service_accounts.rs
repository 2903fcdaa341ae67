//! The window's service-account commands against the emulator: an account created (after its adoption
//! note), a key created and shown once (it signs in; its value is in no event, file or later answer),
//! rotated with and without a retention period, deactivated, activated and deleted; the account
//! deactivated and deleted. A role that may not manage them is refused by the server, bad input is
//! refused before anything is sent, and a server without the routes (the variant dialect) is said to
//! not offer them.

mod common;

use std::path::Path;

use common::{env, Env};
use zenml_pro_app::{AppEvent, Entity, ErrorCode};
use zenml_pro_core::TOKENS_OUTLIVE;
use zenml_pro_emulator::{start, Dialect, EmulatorConfig, RunningEmulator};

async fn signed_in(dialect: Dialect, admin: bool) -> (Env, RunningEmulator) {
    let e = env();
    let emu = start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.unwrap();
    let creds = emu.credentials();
    let key = if admin { creds.admin.key.clone() } else { creds.viewer.key.clone() };
    e.app.login_with_key(emu.base_url(), key).await.unwrap();
    e.app.sync_now().await.unwrap();
    e.app.switch_organization("acme-ml".into()).await.unwrap();
    (e, emu)
}

/// Whether `key` signs in at the server's key exchange now.
async fn signs_in(emu: &RunningEmulator, key: &str) -> bool {
    let body = format!("grant_type=zenml_api_key&password={key}");
    let resp = reqwest::Client::new()
        .post(format!("{}/auth/login", emu.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    resp.status().is_success()
}

fn members_changed(e: &Env) -> usize {
    e.rec
        .events()
        .iter()
        .filter(|ev| matches!(ev, AppEvent::DataChanged { entities, .. } if entities == &[Entity::Members]))
        .count()
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    found
}

/// Checks that no event, file of the app's data or later answer holds the value.
async fn kept_nowhere(e: &Env, value: &str) {
    let events = format!("{:?}", e.rec.events());
    assert!(!events.contains(value), "an event holds a key's value");
    assert_eq!(files_holding(e.dir.path(), value), Vec::<String>::new(), "a file holds a key's value");
    let listed = format!("{:?}", e.app.list_service_accounts(None).await.unwrap());
    assert!(!listed.contains(value));
    let keys = format!("{:?}", e.app.list_api_keys(None, "e2e-bot".into()).await.unwrap());
    assert!(!keys.contains(value));
}

#[tokio::test]
async fn an_account_is_created_keyed_rotated_deactivated_and_deleted() {
    let (e, emu) = signed_in(Dialect::Default, true).await;

    let listed = e.app.list_service_accounts(None).await.unwrap();
    assert!(listed.offered, "{listed:?}");
    assert_eq!(listed.tokens_outlive, TOKENS_OUTLIVE);
    let ci = listed.items.iter().find(|a| a.name.contains("acme-ci") || a.name.contains("Acme CI")).unwrap();
    assert_eq!(ci.active, Some(true));

    // The note names the username, and asking for it sends nothing.
    let note = e.app.service_account_adoption_note("e2e-bot".into()).await.unwrap();
    assert!(note.contains("\"e2e-bot\"") && note.contains("adopts"), "{note}");

    e.rec.clear();
    let made =
        e.app.create_service_account(None, "e2e-bot".into(), Some("Made by a test".into())).await.unwrap();
    assert_eq!(made.name, "e2e-bot");
    assert_eq!(made.description.as_deref(), Some("Made by a test"));
    assert_eq!(made.active, Some(true));
    assert_eq!(members_changed(&e), 1, "the write is announced as a change of members");
    let listed = e.app.list_service_accounts(None).await.unwrap();
    let row = listed.items.iter().find(|a| a.name == "e2e-bot").expect("listed");
    assert_eq!(row.key_count, Some(0));
    let again = e.app.create_service_account(None, "e2e-bot".into(), None).await.unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict, "{again}");

    // A key: its value comes back once, and signs in.
    let key = e.app.create_api_key(None, "e2e-bot".into(), "deploy".into(), None, Some(60)).await.unwrap();
    assert!(key.value.starts_with("ZENPROKEY_"), "a service-account key");
    assert_eq!(key.key.name, "deploy");
    assert!(key.key.expires.is_some(), "it expires");
    assert!(!format!("{key:?}").contains(&key.value), "debug output hides the value");
    assert!(signs_in(&emu, &key.value).await, "the new key signs in");
    let keys = e.app.list_api_keys(None, made.id.clone()).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].active, Some(true));
    assert_eq!(
        e.app
            .list_service_accounts(None)
            .await
            .unwrap()
            .items
            .iter()
            .find(|a| a.name == "e2e-bot")
            .unwrap()
            .key_count,
        Some(1)
    );
    kept_nowhere(&e, &key.value).await;

    // Rotated with an hour of retention: both values sign in.
    let rotated = e.app.rotate_api_key(None, "e2e-bot".into(), "deploy".into(), Some(60)).await.unwrap();
    assert_ne!(rotated.value, key.value);
    assert_eq!(rotated.key.id, key.key.id, "the same key, a new value");
    assert!(signs_in(&emu, &rotated.value).await);
    assert!(signs_in(&emu, &key.value).await, "the old value is retained for an hour");
    // Rotated with none (0): the value before stops at once.
    let third = e.app.rotate_api_key(None, "e2e-bot".into(), key.key.id.clone(), Some(0)).await.unwrap();
    assert!(signs_in(&emu, &third.value).await);
    assert!(!signs_in(&emu, &rotated.value).await, "no retention: the old value stops at once");
    kept_nowhere(&e, &rotated.value).await;
    kept_nowhere(&e, &third.value).await;

    // The key deactivated and activated again.
    let off = e.app.set_api_key_active(None, "e2e-bot".into(), "deploy".into(), false).await.unwrap();
    assert_eq!(off.active, Some(false));
    assert!(!signs_in(&emu, &third.value).await, "a deactivated key does not sign in");
    e.app.set_api_key_active(None, "e2e-bot".into(), "deploy".into(), true).await.unwrap();
    assert!(signs_in(&emu, &third.value).await);

    // The account deactivated: its key stops; activated, it works again.
    let off = e.app.set_service_account_active(None, "e2e-bot".into(), false).await.unwrap();
    assert_eq!(off.active, Some(false));
    assert!(!signs_in(&emu, &third.value).await, "a deactivated account's key does not sign in");
    let on = e.app.set_service_account_active(None, made.id.clone(), true).await.unwrap();
    assert_eq!(on.active, Some(true));
    assert!(signs_in(&emu, &third.value).await);

    // The key deleted, then the account.
    e.rec.clear();
    e.app.delete_api_key(None, "e2e-bot".into(), "deploy".into()).await.unwrap();
    assert!(e.app.list_api_keys(None, "e2e-bot".into()).await.unwrap().is_empty());
    assert!(!signs_in(&emu, &third.value).await);
    e.app.delete_service_account(None, "e2e-bot".into()).await.unwrap();
    assert!(!e.app.list_service_accounts(None).await.unwrap().items.iter().any(|a| a.name == "e2e-bot"));
    assert_eq!(members_changed(&e), 2);
    let gone = e.app.list_api_keys(None, "e2e-bot".into()).await.unwrap_err();
    assert_eq!(gone.code, ErrorCode::NotFound, "{gone}");
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let (e, _emu) = signed_in(Dialect::Default, true).await;
    e.rec.clear();
    for err in [
        e.app.create_service_account(None, "has space".into(), None).await.unwrap_err(),
        e.app.create_service_account(None, "".into(), None).await.unwrap_err(),
        e.app.create_service_account(None, "x".repeat(51), None).await.unwrap_err(),
        e.app.create_api_key(None, "acme-ci".into(), " ".into(), None, None).await.unwrap_err(),
        e.app.create_api_key(None, "acme-ci".into(), "k".into(), None, Some(0)).await.unwrap_err(),
        e.app.create_api_key(None, "acme-ci".into(), "k".into(), None, Some(u32::MAX)).await.unwrap_err(),
        e.app.rotate_api_key(None, "acme-ci".into(), "nope".into(), Some(u32::MAX)).await.unwrap_err(),
    ] {
        assert_eq!(err.code, ErrorCode::InvalidInput, "{err}");
        assert!(!err.message.is_empty());
    }
    assert_eq!(members_changed(&e), 0, "nothing changed, nothing announced");
    let err = e.app.list_api_keys(None, "no-such-account".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err}");
    let err = e.app.rotate_api_key(None, "acme-ci".into(), "no-such-key".into(), None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err}");
}

#[tokio::test]
async fn a_viewer_may_not_manage_service_accounts() {
    let (e, _emu) = signed_in(Dialect::Default, false).await;
    let err = e.app.create_service_account(None, "viewer-bot".into(), None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err}");
    let err = e.app.create_api_key(None, "acme-ci".into(), "mine".into(), None, None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err}");
}

#[tokio::test]
async fn a_server_without_the_routes_is_said_to_not_offer_them_in_both_dialects() {
    for dialect in Dialect::ALL {
        let (e, _emu) = signed_in(dialect, true).await;
        let listed = e.app.list_service_accounts(None).await.unwrap();
        if dialect == Dialect::Default {
            assert!(listed.offered, "{listed:?}");
            continue;
        }
        assert!(!listed.offered, "{dialect:?}: {listed:?}");
        assert!(listed.reason.as_deref().is_some_and(|r| !r.is_empty()));
        assert!(listed.items.is_empty());
        let err = e.app.create_service_account(None, "variant-bot".into(), None).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect:?}: {err}");
        assert!(err.message.contains("does not offer service accounts"), "{err}");
    }
}
