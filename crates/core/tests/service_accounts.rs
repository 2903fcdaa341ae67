//! Service accounts managed through core, in both dialects, by a device-flow (browser) sign-in: the
//! accounts are listed, one is created (said before: the adoption note), deactivated and activated
//! again by undo, given a role and a team through the existing role and team writes by its name; a
//! key is created (its secret once), signs in, is rotated with a retention, deactivated and deleted;
//! the account is deleted. Every write is journaled. The secrets are then looked for in the cache
//! files, the journal, the log file and the diagnostics report, and found in none. The variant dialect
//! does not offer service accounts: the list says so, a write fails as not found in plain words.
//! One test installs the process's logger.

mod common;

use common::*;
use zenml_pro_core::api::{ApiClient, ApiKey, ClientConfig};
use zenml_pro_core::{
    ActivityEntry, ActivityKind, ActivityQuery, CancellationToken, Core, ErrorCode, SyncOptions,
    TOKENS_OUTLIVE,
};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn device_env(dialect: Dialect) -> (Env, String) {
    let e = env_with(EmulatorConfig { dialect, auto_approve: true, ..Default::default() }).await;
    let login = e.core.begin_device_login(&e.emu.base_url()).await.unwrap();
    let account = e.core.complete_device_login(&login).await.unwrap();
    e.core
        .sync(&account.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap();
    (e, account.id)
}

fn newest(core: &Core, kind: ActivityKind) -> ActivityEntry {
    let page = core.activity(&ActivityQuery { kind: Some(kind), ..Default::default() }).unwrap();
    page.entries.into_iter().next().unwrap_or_else(|| panic!("no {kind:?} entry"))
}

/// Whether a key signs in now (through a client of its own: nothing of core's is involved).
async fn signs_in(base_url: &str, secret: &str) -> bool {
    let c = ApiClient::new(ClientConfig::new(base_url.to_owned())).unwrap();
    c.login_with_key(&ApiKey::new(secret)).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_session_manages_service_accounts_and_keys_and_no_key_reaches_a_file_or_report() {
    let logs = tempfile::tempdir().unwrap();
    std::env::set_var(zenml_pro_core::logging::LOG_DIR_ENV, logs.path());
    std::env::set_var(zenml_pro_core::logging::LOG_LEVEL_ENV, "trace");
    let guard = zenml_pro_core::logging::init("zpro-service-accounts", "off");
    let mut secrets: Vec<String> = Vec::new();
    let mut kept = Vec::new();
    let mut reports = Vec::new();

    for dialect in Dialect::ALL {
        let (e, a) = device_env(dialect).await;
        let org = e.core.resolve_org(&a, Some("acme-ml")).unwrap();
        let url = e.emu.base_url();
        let note = e.core.adoption_note(" autobot ");
        assert!(note.contains("\"autobot\"") && note.contains("adopts"), "{note}");

        if dialect == Dialect::Variant {
            let listed = e.core.service_accounts(&a, org).await.unwrap();
            assert!(!listed.offered && listed.items.is_empty(), "{listed:?}");
            assert_eq!(
                listed.reason.as_deref(),
                Some("the server does not offer a list of service accounts")
            );
            let err = e.core.create_service_account(&a, org, "autobot", None).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");
            assert!(err.message.contains("does not offer service accounts"), "{err}");
            let entry = newest(&e.core, ActivityKind::ServiceAccountCreate);
            assert!(!entry.ok && entry.target == "autobot", "{entry:?}");
            let err = e.core.create_api_key(&a, org, "autobot", "ci", None, None).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");
            reports.push(e.core.doctor(Some(&a), &url).await.unwrap());
            kept.push(e);
            continue;
        }

        // Listed with their state, key count and roles (from the cached member rows).
        let before = e.core.service_accounts(&a, org).await.unwrap();
        assert!(before.offered, "{before:?}");
        let ci =
            before.items.iter().find(|s| s.name == "Acme CI pipeline").expect("the demo's service account");
        assert_eq!(ci.active, Some(true));
        assert!(!ci.roles.is_empty(), "{ci:?}");

        // Created (no role yet), refused again by name, bad names refused before any request.
        let made = e.core.create_service_account(&a, org, "autobot", Some("CI robot")).await.unwrap();
        assert_eq!((made.name.as_str(), made.active, made.key_count), ("autobot", Some(true), Some(0)));
        assert!(made.roles.is_empty());
        let entry = newest(&e.core, ActivityKind::ServiceAccountCreate);
        assert_eq!((entry.ok, entry.target.as_str()), (true, "autobot"));
        assert_eq!(entry.target_id, Some(made.id.to_string()));
        let err = e.core.create_service_account(&a, org, "AutoBot", None).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{err:?}");
        let sent = requests(&e.emu).await;
        let err = e.core.create_service_account(&a, org, "two words", None).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert_eq!(requests(&e.emu).await, sent, "nothing sent");
        let listed = e.core.service_accounts(&a, org).await.unwrap();
        assert!(listed.items.iter().any(|s| s.id == made.id && s.name == "autobot"));

        // Deactivated (journaled with what it was), then undone: active again.
        let off = e.core.set_service_account_active(&a, org, "autobot", false).await.unwrap();
        assert_eq!(off.active, Some(false));
        let entry = newest(&e.core, ActivityKind::ServiceAccountActive);
        assert_eq!(
            (entry.detail.as_deref(), entry.replaced.state.as_deref()),
            (Some("deactivated"), Some("activated"))
        );
        assert!(entry.undoable, "{entry:?}");
        let preview = e.core.undo_preview(entry.id).await.unwrap();
        assert!(preview.will.contains("autobot will be activated"), "{}", preview.will);
        e.core.undo(entry.id, false).await.unwrap();
        let listed = e.core.service_accounts(&a, org).await.unwrap();
        assert_eq!(listed.items.iter().find(|s| s.id == made.id).unwrap().active, Some(true));
        assert!(TOKENS_OUTLIVE.contains("hour"));

        // A role and a team through the existing writes, by its name (its email is no address).
        e.core.set_member_role(&a, org, "autobot", "Organization Viewer").await.unwrap();
        let listed = e.core.service_accounts(&a, org).await.unwrap();
        let row = listed.items.iter().find(|s| s.id == made.id).unwrap();
        assert_eq!(row.roles, ["Organization Viewer"], "{row:?}");
        e.core.create_team(&a, org, "robots", None, &["autobot".to_owned()]).await.unwrap();
        let members = e.core.team_members(&a, org, "robots").await.unwrap();
        assert!(members.members.iter().any(|m| m.user.as_ref().is_some_and(|u| u.id == made.id)));

        // A key: its secret once, redacted in every printout; it signs in as the account.
        let key = e.core.create_api_key(&a, org, "autobot", "ci", Some("pipelines"), Some(60)).await.unwrap();
        let first = key.secret.reveal().to_owned();
        assert!(first.starts_with("ZENPROKEY_"));
        assert!(!format!("{key:?} {}", key.secret).contains(&first));
        assert!(key.key.expires.is_some() && key.key.active == Some(true));
        assert!(signs_in(&url, &first).await);
        let entry = newest(&e.core, ActivityKind::ApiKeyCreate);
        assert_eq!(
            (entry.target.as_str(), entry.target_id.clone()),
            ("autobot / ci", Some(key.key.id.to_string()))
        );
        let keys = e.core.api_keys(&a, org, "autobot").await.unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys[0].last_used.is_some() && keys[0].expires.is_some(), "{keys:?}");
        let listed = e.core.service_accounts(&a, org).await.unwrap();
        let row = listed.items.iter().find(|s| s.id == made.id).unwrap();
        assert!(row.key_count == Some(1) && row.last_login.is_some(), "{row:?}");

        // Rotated with a retention: the old secret keeps working, the new one works.
        let rotated = e.core.rotate_api_key(&a, org, "autobot", "ci", Some(30)).await.unwrap();
        let second = rotated.secret.reveal().to_owned();
        assert_ne!(second, first);
        assert!(signs_in(&url, &first).await && signs_in(&url, &second).await);
        let entry = newest(&e.core, ActivityKind::ApiKeyRotate);
        assert_eq!(entry.detail.as_deref(), Some("the old secret works 30 more minutes"));

        // Deactivated: refused; deleted: gone.
        let off =
            e.core.set_api_key_active(&a, org, "autobot", &key.key.id.to_string(), false).await.unwrap();
        assert_eq!(off.active, Some(false));
        assert!(!signs_in(&url, &second).await);
        assert_eq!(newest(&e.core, ActivityKind::ApiKeyActive).detail.as_deref(), Some("deactivated"));
        e.core.delete_api_key(&a, org, "autobot", "ci").await.unwrap();
        assert!(e.core.api_keys(&a, org, "autobot").await.unwrap().is_empty());
        let err = e.core.delete_api_key(&a, org, "autobot", "ci").await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");
        assert!(!newest(&e.core, ActivityKind::ApiKeyDelete).ok);

        // A second key, then the account deleted: its keys stop with it.
        let third = e.core.create_api_key(&a, org, "autobot", "other", None, None).await.unwrap();
        let third = third.secret.reveal().to_owned();
        assert!(signs_in(&url, &third).await);
        e.core.delete_service_account(&a, org, "autobot").await.unwrap();
        assert!(!signs_in(&url, &third).await);
        let listed = e.core.service_accounts(&a, org).await.unwrap();
        assert!(!listed.items.iter().any(|s| s.id == made.id));
        let entry = newest(&e.core, ActivityKind::ServiceAccountDelete);
        assert_eq!((entry.ok, entry.target.as_str()), (true, "autobot"));

        secrets.extend([first, second, third]);
        reports.push(e.core.doctor(Some(&a), &url).await.unwrap());
        kept.push(e);
    }

    // No secret anywhere: the cache and journal files, every journal entry, the report, the log.
    assert_eq!(secrets.len(), 3);
    for e in &kept {
        let mut found = Vec::new();
        files(e.dir.path(), &mut found);
        let names: Vec<String> =
            found.iter().map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert!(
            names.iter().any(|n| n.starts_with("cache")) && names.iter().any(|n| n.starts_with("journal"))
        );
        let journal = serde_json::to_string(&e.core.activity(&ActivityQuery::default()).unwrap()).unwrap();
        assert!(journal.contains("autobot"), "the journal names the account");
        for s in &secrets {
            assert!(!journal.contains(s.as_str()), "a key reached the journal");
            for (path, bytes) in &found {
                assert!(!holds(bytes, s), "a key reached {}", path.display());
            }
        }
    }
    for r in &reports {
        let text = format!("{} {}", r.to_text(), serde_json::to_string(r).unwrap());
        assert!(secrets.iter().all(|s| !text.contains(s.as_str())), "a key reached the diagnostics report");
    }
    drop(guard); // flushes
    let mut log = Vec::new();
    files(logs.path(), &mut log);
    assert!(log.iter().any(|(_, b)| holds(b, "key rotated")), "the log was written");
    for (path, bytes) in &log {
        for s in &secrets {
            assert!(!holds(bytes, s), "a key reached the log {}", path.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_is_refused_by_the_server_and_an_account_changed_since_is_not_undone() {
    let (e, a) = device_env(Dialect::Default).await;
    let org = e.core.resolve_org(&a, Some("acme-ml")).unwrap();
    e.core.create_service_account(&a, org, "robo", None).await.unwrap();
    let off = e.core.set_service_account_active(&a, org, "robo", false).await.unwrap();
    assert_eq!(off.active, Some(false));
    let entry = newest(&e.core, ActivityKind::ServiceAccountActive);
    // Another admin activates it meanwhile: the undo is refused as a conflict, nothing sent.
    e.core.set_service_account_active(&a, org, "robo", true).await.unwrap();
    let err = e.core.undo(entry.id, false).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{err:?}");
    // Keys of an unknown account, an unknown key: not found in plain words.
    let err = e.core.api_keys(&a, org, "nobody").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("no service account named \"nobody\""), "{err}");
    let err = e.core.rotate_api_key(&a, org, "robo", "nope", None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");
    let err = e.core.create_api_key(&a, org, "robo", "k", None, Some(0)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    // A viewer: the server's 403 decides, said as forbidden.
    let viewer =
        e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&e.emu.credentials().viewer.key)).await.unwrap();
    e.core
        .sync(&viewer.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap();
    let err = e.core.create_service_account(&viewer.id, org, "nope", None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
    let listed = e.core.service_accounts(&viewer.id, org).await.unwrap();
    assert!(listed.offered && listed.items.iter().any(|s| s.name == "robo"));
}
