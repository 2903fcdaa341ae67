//! Core against the emulator: sign-in, sync, offline reads and checked writes, each test on its own
//! emulator, temp-dir cache and in-memory keyring.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::{ApiKey, Password};
use zenml_pro_core::*;
use zenml_pro_emulator::EmulatorConfig;

async fn login_admin(e: &Env) -> AccountRecord {
    e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&e.emu.credentials().admin.key)).await.unwrap()
}

async fn login_multi(e: &Env) -> AccountRecord {
    e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&e.emu.credentials().multi_org.key)).await.unwrap()
}

async fn sync(e: &Env, account: &str) -> SyncReport {
    e.core.sync(account, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap()
}

fn org_id(e: &Env, account: &str, name: &str) -> uuid::Uuid {
    e.core.organization(account, name).unwrap().value.id
}

fn member_count(e: &Env, account: &str, org: uuid::Uuid) -> usize {
    e.core.members(account, org, &MemberQuery::default()).unwrap().value.total
}

#[tokio::test]
async fn key_login_then_full_sync_fills_every_list() {
    let e = env().await;
    let account = login_admin(&e).await;
    assert_eq!(account.auth_method, AuthMethod::Key);
    assert_eq!(account.user_email.as_deref(), Some(e.emu.credentials().admin.user_email.as_str()));
    assert_eq!(e.keyring.len(), 2, "the key and the session token, both in the keyring");
    assert_eq!(e.core.active_account().unwrap().unwrap().id, account.id);

    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let report = e
        .core
        .sync(
            &account.id,
            &SyncOptions::default(),
            &move |p| seen.lock().unwrap().push(p),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.synced, report.organizations);
    let progress = progress.lock().unwrap();
    assert_eq!(progress.first(), Some(&SyncProgress::Listing));
    assert!(matches!(progress.last(), Some(SyncProgress::Finished { failed: 0, .. })));
    assert_eq!(
        progress.iter().filter(|p| matches!(p, SyncProgress::Organization { .. })).count(),
        report.organizations
    );

    let orgs = e.core.organizations(&account.id).unwrap();
    assert_eq!(orgs.len(), report.organizations);
    assert!(orgs.iter().all(|o| !o.stale));
    let acme = org_id(&e, &account.id, "acme-ml");
    let members = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap();
    assert!(members.value.total > 3 && !members.stale);
    assert!(!e.core.invitations(&account.id, acme, false).unwrap().value.is_empty());
    assert!(!e.core.workspaces(&account.id, acme).unwrap().value.is_empty());
    assert!(!e.core.teams(&account.id, acme).unwrap().value.is_empty());
    assert!(e.core.roles(&account.id, acme).unwrap().value.len() >= 5);
    assert_eq!(e.core.my_roles(&account.id, acme).unwrap(), vec!["Organization Admin".to_string()]);

    let by_role = e
        .core
        .members(
            &account.id,
            acme,
            &MemberQuery { role: Some("organization viewer".into()), ..Default::default() },
        )
        .unwrap();
    assert!(by_role
        .value
        .rows
        .iter()
        .all(|r| r.roles.iter().any(|x| x.name.as_deref() == Some("Organization Viewer"))));
    let search = e
        .core
        .members(&account.id, acme, &MemberQuery { search: Some("VIEWER@acme".into()), ..Default::default() })
        .unwrap();
    assert_eq!(search.value.total, 1);
}

#[tokio::test]
async fn device_login_reuses_the_client_and_device_ids_and_can_be_cancelled() {
    let e = env_with(EmulatorConfig { auto_approve: true, ..Default::default() }).await;
    let login = e.core.begin_device_login(&e.emu.base_url()).await.unwrap();
    assert!(login.verification_url.starts_with(&e.emu.base_url()), "{}", login.verification_url);
    assert!(!login.user_code.is_empty());
    let account = e.core.complete_device_login(&login).await.unwrap();
    assert_eq!(account.auth_method, AuthMethod::Device);
    assert_eq!(e.keyring.len(), 1, "a device sign-in keeps only the session token");
    let device_id = account.device_id.expect("a device id");
    let client_id = e.core.client_id().unwrap();
    assert_eq!(e.core.client_id().unwrap(), client_id, "the client id is stable");

    let again = e.core.begin_device_login(&e.emu.base_url()).await.unwrap();
    let account2 = e.core.complete_device_login(&again).await.unwrap();
    assert_eq!(account2.id, account.id);
    assert_eq!(account2.device_id, Some(device_id), "the device is reused");

    let e = env_with(EmulatorConfig { device_poll_interval: 1, ..Default::default() }).await;
    let login = e.core.begin_device_login(&e.emu.base_url()).await.unwrap();
    let cancel = login.cancel_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        cancel.cancel();
    });
    let err = e.core.complete_device_login(&login).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert!(e.core.accounts().unwrap().is_empty());
}

#[tokio::test]
async fn password_login_works_and_keeps_no_password() {
    let e = env().await;
    let creds = e.emu.credentials().password_login.clone();
    let account = e
        .core
        .login_with_password(&e.emu.base_url(), &creds.username, Password::new(&creds.password))
        .await
        .unwrap();
    assert_eq!(account.auth_method, AuthMethod::Password);
    assert_eq!(e.keyring.len(), 1, "only the session token");
    let wrong = e.core.login_with_password(&e.emu.base_url(), &creds.username, Password::new("nope")).await;
    assert_eq!(wrong.unwrap_err().code, ErrorCode::Unauthorized);
}

#[tokio::test]
async fn no_keyring_means_a_clear_error_and_nothing_recorded() {
    let emu = zenml_pro_emulator::start(EmulatorConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = Core::open(CoreOptions {
        data_dir: dir.path().into(),
        secrets: Arc::new(MemoryKeyring::unavailable()),
        client: quick_retries(),
    })
    .unwrap();
    let err =
        core.login_with_key(&emu.base_url(), ApiKey::new(&emu.credentials().admin.key)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::KeyringUnavailable);
    assert!(err.message.contains("keyring") || err.message.contains("Secret Service"), "{}", err.message);
    assert!(core.accounts().unwrap().is_empty(), "no account without its secrets");
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path(), Arc::new(MemoryKeyring::new()));
    let err = core.login_with_key("http://cloudapi.example.com", ApiKey::new("k")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("https"), "{}", err.message);
}

#[tokio::test]
async fn logout_deletes_secrets_and_optionally_the_cache() {
    let e = env().await;
    let account = login_admin(&e).await;
    sync(&e, &account.id).await;
    e.core.logout(&account.id, false).await.unwrap();
    assert!(e.keyring.is_empty());
    let kept = e.core.organizations(&account.id).unwrap();
    assert!(!kept.is_empty(), "signed out, the cached data stays viewable");
    assert!(!e.core.account(&account.id).unwrap().signed_in);
    let err = sync_err(&e, &account.id).await;
    assert_eq!(err.code, ErrorCode::Unauthorized);

    let account = login_admin(&e).await;
    e.core.logout(&account.id, true).await.unwrap();
    assert!(e.core.accounts().unwrap().is_empty());
    assert_eq!(e.core.organizations(&account.id).unwrap_err().code, ErrorCode::NotFound);
}

async fn sync_err(e: &Env, account: &str) -> CoreError {
    e.core
        .sync(account, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_revoked_session_is_renewed_from_the_stored_key() {
    let e = env().await;
    let account = login_admin(&e).await;
    control(&e.emu, "tokens/revoke", revoke_all()).await;
    let report = sync(&e, &account.id).await;
    assert!(report.failed.is_empty(), "one 401, then a re-exchange and a retry");
}

#[tokio::test]
async fn an_expired_session_is_renewed_before_the_call() {
    // A 31-second token is treated as expired 30 s early, so after a second it must be renewed.
    let e = env_with(EmulatorConfig { token_ttl: Duration::from_secs(31), ..Default::default() }).await;
    let account = login_admin(&e).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before = requests(&e.emu).await;
    sync(&e, &account.id).await;
    assert!(requests(&e.emu).await > before);
    let stats = zenml_pro_emulator::testkit::Control::new(&e.emu).stats().await;
    assert!(stats["by_route"]["POST /auth/login"].as_u64().unwrap() >= 2, "{stats}");
}

#[tokio::test]
async fn a_token_revoked_mid_sync_gives_unauthorized_and_deletes_nothing() {
    let e = env_with(EmulatorConfig { auto_approve: true, ..Default::default() }).await;
    let login = e.core.begin_device_login(&e.emu.base_url()).await.unwrap();
    let account = e.core.complete_device_login(&login).await.unwrap();
    sync(&e, &account.id).await;
    let orgs_before = e.core.organizations(&account.id).unwrap().len();
    let acme = org_id(&e, &account.id, "acme-ml");
    let members_before = member_count(&e, &account.id, acme);

    // Slow the organization fetches down, and revoke every token while they run.
    fault(&e.emu, json!({"kind": "latency", "ms": 150})).await;
    let revoke = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        control(&e.emu, "tokens/revoke", revoke_all()).await;
    };
    let (options, progress, cancel) =
        (SyncOptions { concurrency: 1 }, no_progress(), CancellationToken::new());
    let (result, ()) = tokio::join!(e.core.sync(&account.id, &options, &progress, &cancel), revoke);
    assert_eq!(result.unwrap_err().code, ErrorCode::Unauthorized);
    assert_eq!(e.core.organizations(&account.id).unwrap().len(), orgs_before, "nothing deleted");
    assert_eq!(member_count(&e, &account.id, acme), members_before);
}

#[tokio::test]
async fn faults_during_sync_keep_the_previous_snapshot_and_record_the_error() {
    let e = env().await;
    let account = login_multi(&e).await;
    sync(&e, &account.id).await;
    let acme = org_id(&e, &account.id, "acme-ml");
    let before = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap();

    // Change the server, so a successful sync would show a difference.
    e.core.invite(&account.id, acme, &["fresh@example.com".into()], "Organization Viewer").await.unwrap();
    let with_invite = member_count(&e, &account.id, acme);

    let members_path = format!("/organizations/{acme}/members");
    for rule in [
        json!({"kind": "status", "status": 503, "count": 50, "path_prefix": members_path}),
        json!({"kind": "status", "status": 500, "count": 50, "path_prefix": members_path}),
        json!({"kind": "rate_limit", "retry_after": 60, "count": 50, "path_prefix": members_path}),
        json!({"kind": "drop", "count": 50, "path_prefix": members_path}),
        json!({"kind": "malformed", "count": 50, "path_prefix": members_path}),
    ] {
        clear_faults(&e.emu).await;
        fault(&e.emu, rule.clone()).await;
        let report = sync(&e, &account.id).await;
        assert_eq!(report.failed.len(), 1, "{rule}: {:?}", report.failed);
        assert_eq!(report.failed[0].organization, "acme-ml");
        assert_eq!(report.synced, report.organizations - 1, "the other organizations still sync");
        let now = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap();
        assert_eq!(now.value.total, with_invite, "{rule}: the previous snapshot is kept");
        assert!(now.stale, "{rule}: marked stale");
        assert!(now.last_error.is_some(), "{rule}: the error is recorded");
        assert_eq!(now.fetched_at, before.fetched_at, "{rule}: the age is that of the kept data");
    }
    clear_faults(&e.emu).await;
    sync(&e, &account.id).await;
    let healed = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap();
    assert!(!healed.stale && healed.last_error.is_none());
}

#[tokio::test]
async fn records_deleted_on_the_server_disappear() {
    let e = env().await;
    let multi = login_multi(&e).await;
    sync(&e, &multi.id).await;
    let names: Vec<String> =
        e.core.organizations(&multi.id).unwrap().into_iter().map(|o| o.organization.name).collect();
    assert!(names.contains(&"acme-ml".to_string()) && names.contains(&"tiny-startup".to_string()));

    // The acme admin (another account on this computer) removes the multi-org user from acme-ml.
    let admin = login_admin(&e).await;
    sync(&e, &admin.id).await;
    let acme = org_id(&e, &admin.id, "acme-ml");
    let who = e.emu.credentials().multi_org.user_email.clone();
    e.core.remove_member(&admin.id, acme, &who).await.unwrap();

    sync(&e, &multi.id).await;
    let names: Vec<String> =
        e.core.organizations(&multi.id).unwrap().into_iter().map(|o| o.organization.name).collect();
    assert!(!names.contains(&"acme-ml".to_string()), "{names:?}");
    assert!(e.core.members(&multi.id, acme, &MemberQuery::default()).is_err());
    // The admin's own slice of the cache is untouched by the other account's sync.
    assert!(e.core.organization(&admin.id, "acme-ml").is_ok());
}

#[tokio::test]
async fn offline_reads_answer_from_the_cache_and_writes_fail_cleanly() {
    let e = env().await;
    let account = login_multi(&e).await;
    sync(&e, &account.id).await;
    let acme = org_id(&e, &account.id, "acme-ml");
    let members = member_count(&e, &account.id, acme);
    let invitations = e.core.invitations(&account.id, acme, true).unwrap().value.len();
    let Env { emu, core, dir: _dir, .. } = e;
    emu.shutdown().await;

    let err = core
        .sync(&account.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{err}");
    let orgs = core.organizations(&account.id).unwrap();
    assert!(!orgs.is_empty() && orgs.iter().all(|o| o.stale), "readable and marked stale");
    let page = core.members(&account.id, acme, &MemberQuery::default()).unwrap();
    assert_eq!(page.value.total, members);
    assert!(page.stale && page.last_error.is_some());
    assert!(!core.workspaces(&account.id, acme).unwrap().value.is_empty());
    assert!(!core.teams(&account.id, acme).unwrap().value.is_empty());
    assert!(!core.roles(&account.id, acme).unwrap().value.is_empty());

    let switched = core.switch_organization(&account.id, "tiny-startup").await.unwrap();
    assert_eq!(core.active_organization(&account.id).unwrap(), Some(switched.id), "switching works offline");

    let err = core
        .invite(&account.id, acme, &["offline@example.com".into()], "Organization Viewer")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline);
    assert_eq!(
        core.invitations(&account.id, acme, true).unwrap().value.len(),
        invitations,
        "nothing changed"
    );
    let err = core.update_organization(&account.id, acme, None, Some("x".into())).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline);
}

#[tokio::test]
async fn invite_checks_input_and_role_before_any_request() {
    let e = env().await;
    let admin = login_admin(&e).await;
    sync(&e, &admin.id).await;
    let acme = org_id(&e, &admin.id, "acme-ml");

    let before = requests(&e.emu).await;
    let err = e
        .core
        .invite(
            &admin.id,
            acme,
            &["ok@example.com".into(), "not an email".into(), "a@b".into()],
            "Organization Viewer",
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(err.fields.len(), 2, "{err:?}");
    assert_eq!(err.fields[0].field, "not an email");
    let err =
        e.core.invite(&admin.id, acme, &["ok@example.com".into()], "Workspace Admin").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "a workspace role is not an organization role");
    assert!(err.message.contains("Organization Viewer"), "names the roles there are: {}", err.message);
    let err = e.core.invite(&admin.id, acme, &["ok@example.com".into()], "Wizard").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(requests(&e.emu).await, before, "no request was sent");

    let outcomes = e
        .core
        .invite(
            &admin.id,
            acme,
            &["one@example.com".into(), " two@example.com ".into(), "one@example.com".into()],
            "organization viewer",
        )
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 2, "duplicates collapse");
    assert!(outcomes.iter().all(|o| o.invitation.is_some()));
    let pending = e.core.invitations(&admin.id, acme, true).unwrap().value;
    assert!(pending.iter().any(|i| i.email == "two@example.com"), "the cache is updated at once");

    let again =
        e.core.invite(&admin.id, acme, &["one@example.com".into()], "Organization Viewer").await.unwrap();
    assert_eq!(again[0].error.as_ref().unwrap().code, ErrorCode::Conflict);
}

/// The server decides what a user may do: a Viewer's invite and rename reach the server (each after
/// reading its target) and its 403 comes back as `forbidden` in plain words, with the cache unchanged.
#[tokio::test]
async fn a_viewer_is_refused_by_the_server_in_plain_words() {
    let e = env().await;
    let viewer =
        e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&e.emu.credentials().viewer.key)).await.unwrap();
    sync(&e, &viewer.id).await;
    let acme = org_id(&e, &viewer.id, "acme-ml");
    let pending_before = e.core.invitations(&viewer.id, acme, true).unwrap().value.len();
    let before = requests(&e.emu).await;
    let err =
        e.core.invite(&viewer.id, acme, &["x@example.com".into()], "Organization Viewer").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("does not allow"), "{}", err.message);
    assert_eq!(requests(&e.emu).await, before + 2, "the roles read, then the invitation refused");
    let err = e.core.update_organization(&viewer.id, acme, Some("renamed".into()), None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(requests(&e.emu).await, before + 4, "the organization read, then the rename refused");
    assert_eq!(e.core.invitations(&viewer.id, acme, true).unwrap().value.len(), pending_before);
    assert_eq!(e.core.organization(&viewer.id, "acme-ml").unwrap().value.name, "acme-ml");
    // The cached roles are only a hint for the window: a Viewer is known to lack the right.
    let mine = e.core.my_roles(&viewer.id, acme).unwrap();
    assert!(zenml_pro_core::known_to_lack(&mine), "{mine:?}");
}

#[tokio::test]
async fn role_changes_revocations_resends_removals_and_renames_update_server_and_cache() {
    let e = env().await;
    let admin = login_admin(&e).await;
    sync(&e, &admin.id).await;
    let acme = org_id(&e, &admin.id, "acme-ml");
    let viewer_email = e.emu.credentials().viewer.user_email.clone();

    let roles = e.core.set_member_role(&admin.id, acme, &viewer_email, "Organization Manager").await.unwrap();
    assert_eq!(roles.iter().map(|r| r.label()).collect::<Vec<_>>(), vec!["Organization Manager"]);
    let row = e.core.find_member(&admin.id, acme, &viewer_email).unwrap();
    assert_eq!(row.roles.len(), 1);
    assert_eq!(row.roles[0].name.as_deref(), Some("Organization Manager"));
    sync(&e, &admin.id).await;
    let row = e.core.find_member(&admin.id, acme, &viewer_email).unwrap();
    assert_eq!(
        row.roles.iter().map(|r| r.label()).collect::<Vec<_>>(),
        vec!["Organization Manager"],
        "on the server too"
    );

    let inv =
        &e.core.invite(&admin.id, acme, &["later@example.com".into()], "Billing Admin").await.unwrap()[0];
    let inv = inv.invitation.clone().unwrap();
    let resent = e.core.resend_invitation(&admin.id, acme, "later@example.com").await.unwrap();
    assert_ne!(resent.id, inv.id);
    assert_eq!(resent.role.as_ref().map(|r| r.id), inv.role.as_ref().map(|r| r.id), "same role");
    let revoked = e.core.revoke_invitation(&admin.id, acme, &resent.id.to_string()).await.unwrap();
    assert_eq!(revoked.status, Some(api::InvitationStatus::Revoked));
    assert!(!e
        .core
        .invitations(&admin.id, acme, true)
        .unwrap()
        .value
        .iter()
        .any(|i| i.email == "later@example.com"));
    sync(&e, &admin.id).await;
    assert!(!e
        .core
        .invitations(&admin.id, acme, true)
        .unwrap()
        .value
        .iter()
        .any(|i| i.email == "later@example.com"));

    let before = member_count(&e, &admin.id, acme);
    e.core.remove_member(&admin.id, acme, &viewer_email).await.unwrap();
    assert_eq!(member_count(&e, &admin.id, acme), before - 1);
    assert_eq!(e.core.find_member(&admin.id, acme, &viewer_email).unwrap_err().code, ErrorCode::NotFound);

    let org = e
        .core
        .update_organization(&admin.id, acme, Some("acme-renamed".into()), Some("New words".into()))
        .await
        .unwrap();
    assert_eq!(org.name, "acme-renamed");
    assert_eq!(
        e.core.organization(&admin.id, "acme-renamed").unwrap().value.description.as_deref(),
        Some("New words")
    );
    let err = e.core.update_organization(&admin.id, acme, Some("  ".into()), None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn switching_is_one_at_a_time_and_survives_a_restart() {
    let e = env().await;
    let account = login_multi(&e).await;
    sync(&e, &account.id).await;
    let (a, b) = tokio::join!(
        e.core.switch_organization(&account.id, "orbit-labs"),
        e.core.switch_organization(&account.id, "tiny-startup")
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let active = e.core.active_organization(&account.id).unwrap().unwrap();
    assert!(active == a.id || active == b.id);
    e.core.switch_organization(&account.id, "orbit-labs").await.unwrap();
    let err = e.core.switch_organization(&account.id, "no-such-org").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    let Env { core, dir, keyring, .. } = e;
    drop(core);
    let core = open_core(dir.path(), keyring);
    let orbit = core.organization(&account.id, "orbit-labs").unwrap().value.id;
    assert_eq!(core.active_organization(&account.id).unwrap(), Some(orbit));
    let entries = core.organizations(&account.id).unwrap();
    assert_eq!(entries.iter().filter(|o| o.active).count(), 1);
}

#[tokio::test]
async fn a_cancelled_sync_stops_and_keeps_what_it_had() {
    let e = env().await;
    let account = login_multi(&e).await;
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = e.core.sync(&account.id, &SyncOptions::default(), &no_progress(), &cancel).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert!(e.core.organizations(&account.id).unwrap().is_empty());
}

#[tokio::test]
async fn one_organization_refreshes_on_its_own() {
    let e = env().await;
    let account = login_admin(&e).await;
    sync(&e, &account.id).await;
    let acme = org_id(&e, &account.id, "acme-ml");
    let before = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap().fetched_at;
    tokio::time::sleep(Duration::from_millis(20)).await;
    e.core.refresh_organization(&account.id, "acme-ml").await.unwrap();
    let after = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap().fetched_at;
    assert!(after > before);
}

#[tokio::test]
async fn background_refresh_runs_on_its_interval_and_stops_when_cancelled() {
    let e = env().await;
    let account = login_admin(&e).await;
    let core = Arc::new(e.core);
    let cancel = CancellationToken::new();
    let task = tokio::spawn(core.clone().run_background_refresh(
        account.id.clone(),
        Duration::from_millis(100),
        cancel.clone(),
    ));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while core.organizations(&account.id).unwrap().is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "the background refresh never synced");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), task).await.expect("stops when cancelled").unwrap();
}

#[tokio::test]
async fn no_file_under_the_data_directory_holds_a_token_or_key() {
    let e = env().await;
    let account = login_admin(&e).await;
    sync(&e, &account.id).await;
    let acme = org_id(&e, &account.id, "acme-ml");
    e.core.invite(&account.id, acme, &["grep@example.com".into()], "Organization Viewer").await.unwrap();
    let key = e.emu.credentials().admin.key.clone();
    let token = e.keyring.get(&account.id, SecretKind::AccessToken).unwrap().expect("a stored token");
    let mut files = 0;
    for entry in walk(e.dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        files += 1;
        for secret in [&key, &token] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds a secret",
                entry.display()
            );
        }
    }
    assert!(files >= 1);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
