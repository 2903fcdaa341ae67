//! The app's service layer against the emulator: the demo, reads, writes, errors, events, connectivity
//! and that no secret reaches a view.

mod common;

use std::time::Duration;

use common::{env, env_with_refresh};
use serde::Serialize;
use zenml_pro_app::views::{MemberKindView, MemberQueryView};
use zenml_pro_app::{AppEvent, ErrorCode, SyncStage};
use zenml_pro_core::SecretKind;
use zenml_pro_core::SecretStore;
use zenml_pro_emulator::{start, EmulatorConfig};

fn q() -> MemberQueryView {
    MemberQueryView::default()
}

/// Guards the "Try the demo" flow: the demo starts in-process, signs in, syncs and reports it.
#[tokio::test]
async fn the_demo_signs_in_syncs_and_lists_organizations() {
    let e = env();
    let account = e.app.start_demo().await.expect("demo starts");
    assert!(account.signed_in && account.active);
    assert!(account.base_url.starts_with("http://127.0.0.1:"), "{}", account.base_url);

    let state = e.app.app_state().await.unwrap();
    assert!(state.demo);
    assert_eq!(state.active_account.as_deref(), Some(account.id.as_str()));
    assert_eq!(state.accounts.len(), 1);
    assert_eq!(state.default_api_url, "https://api.example.test");
    assert!(state.online);

    let orgs = e.app.list_organizations().await.unwrap();
    assert!(orgs.items.len() >= 2, "the demo user is in several organizations");
    assert_eq!(orgs.items.iter().filter(|o| o.active).count(), 1, "one active organization");
    assert!(orgs.freshness.fetched_at.is_some() && !orgs.freshness.stale);

    let events = e.rec.events();
    assert!(events.iter().any(|ev| matches!(ev, AppEvent::SyncProgress { stage: SyncStage::Listing, .. })));
    assert!(events
        .iter()
        .any(|ev| matches!(ev, AppEvent::SyncProgress { stage: SyncStage::Organization, .. })));
    assert!(events.iter().any(|ev| matches!(ev, AppEvent::SyncFinished { .. })));
    assert!(events.iter().any(|ev| matches!(ev, AppEvent::SessionChanged {})));
    assert!(events.iter().any(|ev| matches!(ev, AppEvent::Connectivity { online: true, .. })));

    // Starting it again while it runs just signs in again.
    let again = e.app.start_demo().await.unwrap();
    assert_eq!(again.id, account.id);
    e.app.shutdown().await;
}

/// Guards the overview, the switcher and the dashboard links.
#[tokio::test]
async fn overview_switch_and_dashboard_links() {
    let e = env();
    e.app.start_demo().await.unwrap();
    let acme = e.app.switch_organization("acme-ml".into()).await.unwrap();
    assert!(acme.active);
    assert!(e
        .rec
        .events()
        .iter()
        .any(|ev| matches!(ev, AppEvent::ActiveOrgChanged { org_id, .. } if *org_id == acme.id)));

    let o = e.app.organization_overview(None).await.unwrap();
    assert_eq!(o.org.id, acme.id);
    assert!(o.org.active);
    assert!(o.my_roles.iter().any(|r| r == "Organization Admin"), "{:?}", o.my_roles);
    assert!(o.can_manage && o.can_see_billing);
    assert_eq!(o.dashboard_url, format!("https://dashboard.example.test/organizations/{}", acme.id));
    assert_eq!(
        o.billing_url,
        format!("https://dashboard.example.test/organizations/{}/settings/billing", acme.id)
    );
    assert!(o.member_count.is_some_and(|n| n > 0) && o.workspace_count.is_some_and(|n| n > 0));
    assert!(o.fetched_at.is_some());

    let by_name = e.app.organization_overview(Some("acme-ml".into())).await.unwrap();
    assert_eq!(by_name.org.id, acme.id);

    let ws = e.app.list_workspaces(None).await.unwrap();
    let first = &ws.items[0];
    assert_eq!(first.dashboard_url, format!("{}/workspaces/{}", o.dashboard_url, first.name));
    let opened = e.app.open_in_dashboard(None, Some(first.name.clone())).await.unwrap();
    assert_eq!(opened, first.dashboard_url);
    assert_eq!(e.rec.urls(), vec![first.dashboard_url.clone()]);
    let err = e.app.open_in_dashboard(None, Some("no-such-workspace".into())).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    let err = e.app.switch_organization("no-such-org".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}

/// Guards the members query: search, role and kind filters and paging.
#[tokio::test]
async fn members_are_searched_filtered_and_paged() {
    let e = env();
    e.app.start_demo().await.unwrap();
    e.app.switch_organization("acme-ml".into()).await.unwrap();
    let all = e.app.list_members(None, q()).await.unwrap();
    assert!(all.total as usize >= all.items.len() && !all.items.is_empty());
    let keys: std::collections::HashSet<_> = all.items.iter().map(|r| r.key.clone()).collect();
    assert_eq!(keys.len(), all.items.len(), "keys are unique");

    let page =
        e.app.list_members(None, MemberQueryView { limit: Some(2), offset: Some(1), ..q() }).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.total, all.total);
    assert_eq!(page.items[0].key, all.items[1].key);

    let admins = e
        .app
        .list_members(None, MemberQueryView { role: Some("Organization Admin".into()), ..q() })
        .await
        .unwrap();
    assert!(admins.total > 0 && admins.total < all.total);
    assert!(admins.items.iter().all(|r| r.held_roles.iter().any(|c| c.name == "Organization Admin")));

    let someone = all.items.iter().find(|r| r.email.is_some()).unwrap();
    let needle = someone.email.clone().unwrap();
    let found =
        e.app.list_members(None, MemberQueryView { search: Some(needle.clone()), ..q() }).await.unwrap();
    assert!(found.items.iter().any(|r| r.key == someone.key));

    let users =
        e.app.list_members(None, MemberQueryView { kind: Some(MemberKindView::User), ..q() }).await.unwrap();
    assert!(users.items.iter().all(|r| r.kind == MemberKindView::User));
}

/// Guards writes: invite (with its event), revoke, resend, role change, removal and rename.
#[tokio::test]
async fn writes_return_views_and_tell_the_ui() {
    let e = env();
    e.app.start_demo().await.unwrap();
    let acme = e.app.switch_organization("acme-ml".into()).await.unwrap();
    e.rec.clear();

    let out = e
        .app
        .invite(None, vec!["new.person@example.com".into()], "Organization Viewer".into())
        .await
        .unwrap();
    assert_eq!(out.len(), 1);
    assert!(out[0].ok && out[0].error.is_none());
    let inv = out[0].invitation.clone().unwrap();
    assert_eq!(inv.status.as_deref(), Some("pending"));
    assert_eq!(inv.role_name.as_deref(), Some("Organization Viewer"));
    assert!(e
        .rec
        .events()
        .iter()
        .any(|ev| matches!(ev, AppEvent::DataChanged { org_id: Some(o), .. } if *o == acme.id)));
    let pending = e.app.list_invitations(None, true).await.unwrap();
    assert!(pending.items.iter().any(|i| i.id == inv.id));

    let resent = e.app.resend_invitation(None, inv.id.clone()).await.unwrap();
    assert_ne!(resent.id, inv.id);
    let revoked = e.app.revoke_invitation(None, resent.id.clone()).await.unwrap();
    assert_eq!(revoked.status.as_deref(), Some("revoked"));
    assert!(!e.app.list_invitations(None, true).await.unwrap().items.iter().any(|i| i.email == inv.email));

    let viewers = e
        .app
        .list_members(
            None,
            MemberQueryView {
                role: Some("Organization Viewer".into()),
                kind: Some(MemberKindView::User),
                ..q()
            },
        )
        .await
        .unwrap();
    let member = viewers.items[0].clone();
    let changed =
        e.app.set_member_role(None, member.id.clone(), "Organization Manager".into()).await.unwrap();
    assert_eq!(changed.key, member.key);
    assert!(changed.held_roles.iter().any(|r| r.name == "Organization Manager" && !r.via_team));
    assert!(!changed.held_roles.iter().any(|r| r.name == "Organization Viewer" && !r.via_team));

    let before = e.app.list_members(None, q()).await.unwrap().total;
    e.app.remove_member(None, member.id.clone()).await.unwrap();
    assert_eq!(e.app.list_members(None, q()).await.unwrap().total, before - 1);

    let renamed =
        e.app.update_organization(None, None, Some("Described from the desktop".into())).await.unwrap();
    assert_eq!(renamed.description.as_deref(), Some("Described from the desktop"));
    assert!(renamed.active);
}

/// Guards the error mapping: input checks give `invalid_input` with field messages; a role that may
/// not manage gives `forbidden`; nothing signed in gives `unauthorized`.
#[tokio::test]
async fn errors_reach_the_ui_with_their_codes() {
    let e = env();
    let err = e.app.list_organizations().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);

    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    e.app.login_with_key(emu.base_url(), emu.credentials().viewer.key.clone()).await.unwrap();
    e.app.sync_now().await.unwrap();
    e.app.switch_organization("acme-ml".into()).await.unwrap();

    let err =
        e.app.invite(None, vec!["not-an-email".into()], "Organization Viewer".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(err.fields.len(), 1);
    assert_eq!(err.fields[0].field, "not-an-email");
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "invalid_input", "codes are snake_case strings on the wire");

    let err =
        e.app.invite(None, vec!["ok@example.com".into()], "Organization Viewer".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden, "{err}");
    let o = e.app.organization_overview(None).await.unwrap();
    assert!(!o.can_manage);

    let err = e.app.update_organization(None, Some("   ".into()), None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    let err = e.app.login_with_key(emu.base_url(), "ZENPAT_wrong".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    let err = e.app.complete_device_login().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

/// Guards offline behaviour: a sync that cannot reach the server says so by event, and every read
/// still answers from the cache, marked stale.
#[tokio::test]
async fn offline_is_announced_and_reads_still_answer() {
    let e = env();
    e.app.start_demo().await.unwrap();
    let members = e.app.list_members(None, q()).await.unwrap();
    let fetched = e.app.list_organizations().await.unwrap().freshness.fetched_at;
    e.app.stop_demo().await.unwrap();
    e.rec.clear();

    let err = e.app.sync_now().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{err}");
    let events = e.rec.events();
    assert!(
        events
            .iter()
            .any(|ev| matches!(ev, AppEvent::Connectivity { online: false, as_of } if *as_of == fetched)),
        "{events:?}"
    );
    assert!(!e.app.app_state().await.unwrap().online);

    let offline = e.app.list_members(None, q()).await.unwrap();
    assert_eq!(offline.total, members.total);
    assert!(offline.freshness.stale && offline.freshness.last_error.is_some());
    let orgs = e.app.list_organizations().await.unwrap();
    assert!(!orgs.items.is_empty() && orgs.freshness.stale);
    assert!(!e.app.list_workspaces(None).await.unwrap().items.is_empty());
    assert!(!e.app.list_roles(None).await.unwrap().items.is_empty());
    assert!(!e.app.list_teams(None).await.unwrap().items.is_empty());
    let err =
        e.app.invite(None, vec!["x@example.com".into()], "Organization Viewer".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline);
}

/// Guards the browser sign-in: the page is opened from Rust, the wait ends with an account, and a
/// waiting sign-in can be cancelled.
#[tokio::test]
async fn device_login_opens_the_page_and_can_be_cancelled() {
    let e = env();
    let emu =
        start(EmulatorConfig { port: 0, auto_approve: true, device_poll_interval: 1, ..Default::default() })
            .await
            .unwrap();
    let d = e.app.begin_device_login(emu.base_url()).await.unwrap();
    assert!(!d.user_code.is_empty() && d.expires_in > 0);
    assert_eq!(e.rec.urls(), vec![d.verification_url.clone()]);
    let account = e.app.complete_device_login().await.unwrap();
    assert!(account.signed_in && account.active);

    let slow =
        start(EmulatorConfig { port: 0, device_poll_interval: 1, ..Default::default() }).await.unwrap();
    e.app.begin_device_login(slow.base_url()).await.unwrap();
    let app = e.app.clone();
    let waiting = tokio::spawn(async move { app.complete_device_login().await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    e.app.cancel_device_login().await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), waiting).await.unwrap().unwrap().unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
}

/// Guards accounts: password sign-in, switching accounts, signing out with and without purge.
#[tokio::test]
async fn accounts_switch_and_sign_out() {
    let e = env();
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let creds = emu.credentials().clone();
    let a = e.app.login_with_key(emu.base_url(), creds.admin.key.clone()).await.unwrap();
    let b = e
        .app
        .login_with_password(
            emu.base_url(),
            creds.password_login.username.clone(),
            creds.password_login.password.clone(),
        )
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    assert!(b.active);
    let back = e.app.switch_account(a.id.clone()).await.unwrap();
    assert!(back.active);
    assert_eq!(e.app.app_state().await.unwrap().active_account, Some(a.id.clone()));

    e.app.logout(a.id.clone(), false).await.unwrap();
    let state = e.app.app_state().await.unwrap();
    assert!(state.accounts.iter().any(|x| x.id == a.id && !x.signed_in), "kept, signed out");
    e.app.logout(b.id.clone(), true).await.unwrap();
    let state = e.app.app_state().await.unwrap();
    assert!(!state.accounts.iter().any(|x| x.id == b.id), "purged");
    assert!(e.rec.events().iter().filter(|ev| matches!(ev, AppEvent::SessionChanged {})).count() >= 4);
}

/// Guards the background refresh: it syncs on its own and tells the UI like a manual sync.
#[tokio::test]
async fn the_background_refresh_syncs_and_emits_events() {
    let e = env_with_refresh(Duration::from_millis(150));
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    e.app.login_with_key(emu.base_url(), emu.credentials().admin.key.clone()).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !e.rec.events().iter().any(|ev| matches!(ev, AppEvent::SyncFinished { .. })) {
        assert!(tokio::time::Instant::now() < deadline, "no background sync");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(e.rec.events().iter().any(|ev| matches!(ev, AppEvent::DataChanged { org_id: None, .. })));
    e.app.shutdown().await;
}

/// Guards rule 4 of the architecture: no key, password or token ever reaches the webview. Every view
/// and event of a whole session is serialized and searched for them.
#[tokio::test]
async fn no_secret_in_any_view_or_event() {
    let e = env();
    let emu =
        start(EmulatorConfig { port: 0, auto_approve: true, device_poll_interval: 1, ..Default::default() })
            .await
            .unwrap();
    let creds = emu.credentials().clone();
    let mut seen = Vec::<String>::new();
    fn push<T: Serialize>(seen: &mut Vec<String>, v: &T) {
        seen.push(serde_json::to_string(v).unwrap());
    }
    let a = e.app.login_with_key(emu.base_url(), creds.admin.key.clone()).await.unwrap();
    push(&mut seen, &a);
    push(&mut seen, &e.app.sync_now().await.unwrap());
    push(&mut seen, &e.app.app_state().await.unwrap());
    push(&mut seen, &e.app.list_organizations().await.unwrap());
    push(&mut seen, &e.app.switch_organization("acme-ml".into()).await.unwrap());
    push(&mut seen, &e.app.organization_overview(None).await.unwrap());
    push(&mut seen, &e.app.list_members(None, q()).await.unwrap());
    push(&mut seen, &e.app.list_invitations(None, false).await.unwrap());
    push(&mut seen, &e.app.list_workspaces(None).await.unwrap());
    push(&mut seen, &e.app.list_teams(None).await.unwrap());
    push(&mut seen, &e.app.list_roles(None).await.unwrap());
    push(
        &mut seen,
        &e.app.invite(None, vec!["s@example.com".into()], "Organization Viewer".into()).await.unwrap(),
    );
    push(&mut seen, &e.app.invite(None, vec!["bad".into()], "Organization Viewer".into()).await.unwrap_err());
    push(&mut seen, &e.app.begin_device_login(emu.base_url()).await.unwrap());
    let device = e.app.complete_device_login().await.unwrap();
    push(&mut seen, &device);
    let p = e
        .app
        .login_with_password(
            emu.base_url(),
            creds.password_login.username.clone(),
            creds.password_login.password.clone(),
        )
        .await
        .unwrap();
    push(&mut seen, &p);
    push(&mut seen, &e.app.login_with_key(emu.base_url(), "ZENPAT_wrong_key".into()).await.unwrap_err());
    for ev in e.rec.events() {
        push(&mut seen, &ev);
    }

    let mut secrets =
        vec![creds.admin.key.clone(), creds.password_login.password.clone(), "ZENPAT_wrong_key".into()];
    for id in [&a.id, &device.id, &p.id] {
        secrets.extend(e.keyring.get(id, SecretKind::AccessToken).unwrap());
    }
    assert!(secrets.len() >= 5, "tokens were found to look for");
    let all = seen.join("\n");
    for s in &secrets {
        assert!(!all.contains(s.as_str()), "a secret reached a view");
    }
}

/// Guards the first-paint report the UI sends once its first organization list is on screen: it
/// never fails, however often it comes (only the first is logged).
#[tokio::test]
async fn ui_painted_is_accepted_any_number_of_times() {
    let e = env();
    e.app.ui_painted().await.expect("first report");
    e.app.ui_painted().await.expect("later reports are ignored");
}

/// Guards "Try the demo" in an app that is not in demo mode: the demo's secrets stay in memory and
/// never reach the keyring (here `e.keyring` stands for the OS keyring), while a real sign-in still
/// keeps its key there.
#[tokio::test]
async fn the_demo_keeps_its_secrets_out_of_the_keyring() {
    let e = env();
    let demo = e.app.start_demo().await.unwrap();
    for kind in [SecretKind::ApiKey, SecretKind::AccessToken] {
        assert_eq!(e.keyring.get(&demo.id, kind).unwrap(), None, "{kind:?} of the demo in the keyring");
    }
    let report = e.app.sync_now().await.unwrap();
    assert!(report.organizations >= 2 && report.failed.is_empty(), "the demo syncs from memory: {report:?}");

    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let real = e.app.login_with_key(emu.base_url(), emu.credentials().admin.key.clone()).await.unwrap();
    assert_eq!(
        e.keyring.get(&real.id, SecretKind::ApiKey).unwrap().as_deref(),
        Some(emu.credentials().admin.key.as_str())
    );
    e.app.shutdown().await;
    emu.shutdown().await;
}

/// The Diagnostics page's command: the doctor's report on the demo server (all well), a text to copy
/// without the demo account's email, and the log folder opened through the opener.
#[tokio::test]
async fn diagnostics_report_on_the_server_and_open_the_log_folder() {
    let e = env();
    std::env::set_var(zenml_pro_core::logging::LOG_DIR_ENV, e.dir.path().join("logs"));
    let account = e.app.start_demo().await.expect("demo starts");
    let d = e.app.diagnostics().await.unwrap();
    assert_eq!(d.server, account.base_url);
    assert_eq!(d.status, "ok", "{:#?}", d.checks);
    assert!(d.checks.iter().any(|c| c.area == "schema" && c.result == "ok"));
    let email = account.email.clone().unwrap();
    assert!(!d.text.contains(&email) && !d.text.contains('@'), "{}", d.text);
    assert_eq!(d.log_dir.as_deref(), Some(e.dir.path().join("logs").to_str().unwrap()));
    let opened = e.app.open_log_folder().await.unwrap();
    assert!(e.rec.urls().contains(&format!("file://{opened}")), "{:?}", e.rec.urls());
    assert!(e.dir.path().join("logs").is_dir());
}

/// The server decides, in the window too: a custom role that the server lets invite has its controls
/// on and invites; a Viewer's controls are greyed (a built-in role known to lack the right), and an
/// invite sent anyway is refused by the server in plain words. Against every dialect.
#[tokio::test]
async fn a_custom_role_invites_from_the_app_and_a_viewer_is_refused_by_the_server() {
    for dialect in zenml_pro_emulator::Dialect::ALL {
        let emu = start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.unwrap();
        let e = env();
        e.app.login_with_key(emu.base_url(), emu.credentials().people_manager.key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
        e.app.switch_organization("acme-ml".into()).await.unwrap();
        let o = e.app.organization_overview(None).await.unwrap();
        assert_eq!(o.my_roles, ["People Manager"], "{dialect}");
        assert!(o.can_manage, "{dialect}: a custom role's controls are on");
        let sent = e
            .app
            .invite(None, vec!["app.custom@acme-ml.example".into()], "Organization Viewer".into())
            .await
            .unwrap();
        assert!(sent[0].ok, "{dialect}: {:?}", sent[0].error);

        let e = env();
        e.app.login_with_key(emu.base_url(), emu.credentials().viewer.key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
        e.app.switch_organization("acme-ml".into()).await.unwrap();
        assert!(!e.app.organization_overview(None).await.unwrap().can_manage, "{dialect}");
        let err = e
            .app
            .invite(None, vec!["app.viewer@acme-ml.example".into()], "Organization Viewer".into())
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{dialect}");
        assert!(err.message.starts_with("the server refused"), "{dialect}: {}", err.message);
    }
}

/// The full check of the cache runs in the background after start: damage in the big tables (which
/// opening does not read) is found, the file is moved aside, and the window is told.
#[tokio::test]
async fn the_background_cache_check_finds_damage_and_tells_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = zenml_pro_core::cache_path(dir.path());
    {
        let (cache, _) = zenml_pro_core::Cache::open(&path).unwrap();
        let now = chrono::Utc::now();
        let me = uuid::Uuid::from_u128(7);
        let acc = zenml_pro_core::account_id("https://api.example.test", me);
        cache
            .upsert_account(&zenml_pro_core::AccountRecord {
                id: acc.clone(),
                base_url: "https://api.example.test".into(),
                user_id: me,
                user_email: None,
                user_name: None,
                auth_method: zenml_pro_core::AuthMethod::Key,
                device_id: None,
                token_expires_at: None,
                created_at: now,
                last_used_at: now,
                signed_in: false,
            })
            .unwrap();
        let members = (0..2000u128)
            .map(|i| {
                serde_json::from_value(serde_json::json!({
                    "user": {"id": uuid::Uuid::from_u128(10_000 + i), "name": format!("User {i:05}")}, "roles": []
                }))
                .unwrap()
            })
            .collect();
        let snapshot = zenml_pro_core::OrgSnapshot {
            organization: serde_json::from_value(
                serde_json::json!({"id": uuid::Uuid::from_u128(100), "name": "acme"}),
            )
            .unwrap(),
            workspaces: vec![],
            members,
            invitations: vec![],
            roles: vec![],
            teams: vec![],
            reads: Default::default(),
        };
        cache.replace_org_snapshot(&acc, &snapshot, now).unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let pages = bytes.len() / 4096;
    for b in &mut bytes[(pages - 8) * 4096..] {
        *b = 0x5A;
    }
    std::fs::write(&path, &bytes).unwrap();

    let keyring = std::sync::Arc::new(zenml_pro_core::MemoryKeyring::new());
    let rec = std::sync::Arc::new(zenml_pro_app::Recorder::new());
    let app = zenml_pro_app::App::new(
        common::config(dir.path(), keyring, Duration::from_secs(3600)),
        rec.clone(),
        rec.clone(),
    )
    .expect("the app opens (the damage is in tables opening does not read)");
    app.resume().await.unwrap();
    let started = std::time::Instant::now();
    let notice = loop {
        let found = rec.events().into_iter().find_map(|e| match e {
            zenml_pro_app::AppEvent::Notice { message } => Some(message),
            _ => None,
        });
        if let Some(n) = found {
            break n;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no notice");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(notice.contains("could not be used") && notice.contains("moved to"), "{notice}");
    assert!(std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains(".corrupt-")));
}

/// A sign-out done beside the app (by `zpro logout` on the same data) is noticed: the app stops using
/// the token it held in memory, and the window is told to read the accounts again.
#[tokio::test]
async fn a_sign_out_by_zpro_is_noticed_by_the_running_app() {
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let e = env();
    let account = e.app.login_with_key(emu.base_url(), emu.credentials().admin.key.clone()).await.unwrap();
    e.app.sync_now().await.unwrap();
    // `zpro` on the same data directory and keyring signs the account out.
    let (zpro, _) = zenml_pro_core::Core::open(zenml_pro_core::CoreOptions {
        data_dir: e.dir.path().to_path_buf(),
        secrets: e.keyring.clone(),
        client: zenml_pro_core::ClientSettings::default(),
    })
    .unwrap();
    zpro.logout(&account.id, false).await.unwrap();
    e.rec.clear();
    let err = e.app.sync_now().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized, "{err}");
    assert!(err.message.contains("signed out"), "{}", err.message);
    assert!(e.rec.events().iter().any(|ev| matches!(ev, AppEvent::SessionChanged {})));
    let state = e.app.app_state().await.unwrap();
    assert!(state.accounts.iter().all(|a| !a.signed_in));
}

/// "Try the demo" keeps one demo account, not one per run.
#[tokio::test]
async fn the_demo_reuses_one_account_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..3 {
        let keyring = std::sync::Arc::new(zenml_pro_core::MemoryKeyring::new());
        let rec = std::sync::Arc::new(zenml_pro_app::Recorder::new());
        let app = zenml_pro_app::App::new(
            common::config(dir.path(), keyring, Duration::from_secs(3600)),
            rec.clone(),
            rec,
        )
        .unwrap();
        app.start_demo().await.unwrap();
        assert_eq!(app.app_state().await.unwrap().accounts.len(), 1);
        app.shutdown().await;
    }
}

/// In demo mode the app keeps what it stores in memory, but signing out of a real account still
/// deletes its entries from the OS keyring (an earlier run may have put them there).
#[tokio::test]
async fn in_demo_mode_signing_out_still_clears_the_os_keyring() {
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let os = std::sync::Arc::new(zenml_pro_core::MemoryKeyring::new());
    let rec = std::sync::Arc::new(zenml_pro_app::Recorder::new());
    let mut config = common::config(dir.path(), os.clone(), Duration::from_secs(3600));
    config.demo = true;
    let app = zenml_pro_app::App::new(config, rec.clone(), rec).unwrap();
    let account = app.login_with_key(emu.base_url(), emu.credentials().admin.key.clone()).await.unwrap();
    assert_eq!(os.len(), 0, "demo mode stores nothing in the OS keyring");
    os.set(&account.id, SecretKind::AccessToken, "from-an-earlier-run").unwrap();
    os.set(&account.id, SecretKind::ApiKey, "from-an-earlier-run").unwrap();
    app.logout(account.id.clone(), false).await.unwrap();
    assert_eq!(os.get(&account.id, SecretKind::AccessToken).unwrap(), None);
    assert_eq!(os.get(&account.id, SecretKind::ApiKey).unwrap(), None);
}
