//! Failure codes beside cached reads, single-row lookups of members, invitations and roles (also in a
//! large organization), and roles named by id or by name: against the emulator on a random loopback
//! port, or on a temp-dir cache, with an in-memory keyring.

mod common;

use chrono::Utc;
use common::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_pro_core::api::{ApiKey, MemberRow, RoleLevel};
use zenml_pro_core::*;

async fn login(e: &Env, key: &str) -> AccountRecord {
    e.core.login_with_key(&e.emu.base_url(), ApiKey::new(key)).await.unwrap()
}

async fn sync(core: &Core, account: &str) -> Result<SyncReport> {
    core.sync(account, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await
}

/// A refresh that cannot reach the server leaves every cached read saying so by code, not only in
/// words; before it, nothing carries a code.
#[tokio::test]
async fn an_offline_refresh_is_recorded_with_its_code_on_every_cached_read() {
    let e = env().await;
    let account = login(&e, &e.emu.credentials().admin.key).await;
    sync(&e.core, &account.id).await.unwrap();
    let acme = e.core.resolve_org(&account.id, Some("acme-ml")).unwrap();
    let page = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap();
    assert_eq!((page.last_error.as_deref(), page.last_error_code), (None, None));
    assert_eq!(e.core.organization_list(&account.id).unwrap().last_error_code, None);

    let Env { emu, core, dir, .. } = e;
    emu.shutdown().await;
    let err = sync(&core, &account.id).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{err}");

    let list = core.organization_list(&account.id).unwrap();
    assert!(list.stale && list.last_error.is_some());
    assert_eq!(list.last_error_code, Some(ErrorCode::Offline));
    let page = core.members(&account.id, acme, &MemberQuery::default()).unwrap();
    assert!(page.stale && page.last_error.is_some() && page.value.total > 3);
    assert_eq!(page.last_error_code, Some(ErrorCode::Offline));
    let codes = [
        core.organization(&account.id, "acme-ml").unwrap().last_error_code,
        core.invitations(&account.id, acme, false).unwrap().last_error_code,
        core.workspaces(&account.id, acme).unwrap().last_error_code,
        core.teams(&account.id, acme).unwrap().last_error_code,
        core.roles(&account.id, acme).unwrap().last_error_code,
    ];
    assert_eq!(codes, [Some(ErrorCode::Offline); 5]);
    let (cache, _) = Cache::open(&cache_path(dir.path())).unwrap();
    let state =
        cache.sync_state(&account.id, None, Entity::Organizations).unwrap().expect("the listing's state");
    assert_eq!(state.error_code, Some(ErrorCode::Offline));
    assert!(matches!(state.outcome, SyncOutcome::Error(_)));
}

/// One organization the server fails on records the failure's code for each of its lists; the
/// others stay fine.
#[tokio::test]
async fn an_organization_that_fails_records_its_code_per_list() {
    let e = env().await;
    let account = login(&e, &e.emu.credentials().admin.key).await;
    sync(&e.core, &account.id).await.unwrap();
    let acme = e.core.resolve_org(&account.id, Some("acme-ml")).unwrap();
    let members_path = format!("/organizations/{acme}/members");
    fault(&e.emu, json!({"kind": "status", "status": 503, "count": 50, "path_prefix": members_path})).await;
    let report = sync(&e.core, &account.id).await.unwrap();
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert_eq!(report.failed[0].error.code, ErrorCode::Server);
    let page = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap();
    assert_eq!(page.last_error_code, Some(ErrorCode::Server));
    assert_eq!(e.core.organization_list(&account.id).unwrap().last_error_code, None, "the listing worked");
    clear_faults(&e.emu).await;
    sync(&e.core, &account.id).await.unwrap();
    let page = e.core.members(&account.id, acme, &MemberQuery::default()).unwrap();
    assert_eq!((page.last_error, page.last_error_code), (None, None), "a success clears the code");
}

/// A list the role may not read (403) is hidden, not failed: no error, no code.
#[tokio::test]
async fn a_hidden_list_is_not_an_error() {
    let e = env().await;
    let member = login(&e, &e.emu.credentials().member.key).await;
    sync(&e.core, &member.id).await.unwrap();
    let acme = e.core.resolve_org(&member.id, Some("acme-ml")).unwrap();
    let page = e.core.members(&member.id, acme, &MemberQuery::default()).unwrap();
    assert!(page.hidden);
    assert_eq!((page.last_error, page.last_error_code), (None, None));
    let invitations = e.core.invitations(&member.id, acme, false).unwrap();
    assert!(invitations.hidden && invitations.last_error_code.is_none());
}

/// `invite` and `set_member_role` take a role's id as well as its name; an unknown id, or the id of a
/// role of another level, is refused before any request.
#[tokio::test]
async fn roles_are_named_by_id_or_by_name() {
    let e = env().await;
    let admin = login(&e, &e.emu.credentials().admin.key).await;
    sync(&e.core, &admin.id).await.unwrap();
    let acme = e.core.resolve_org(&admin.id, Some("acme-ml")).unwrap();
    let roles = e.core.roles(&admin.id, acme).unwrap().value;
    let by_name = |n: &str| roles.iter().find(|r| r.name == n).unwrap_or_else(|| panic!("role {n}")).clone();
    let viewer = by_name("Organization Viewer");
    let manager = by_name("Organization Manager");
    let workspace_role =
        roles.iter().find(|r| r.level == Some(RoleLevel::Workspace)).expect("a workspace role");

    assert_eq!(e.core.org_role(&admin.id, acme, &viewer.id.to_string()).unwrap().id, viewer.id);
    assert_eq!(e.core.org_role(&admin.id, acme, &format!(" {} ", viewer.id)).unwrap().id, viewer.id);
    assert_eq!(e.core.org_role(&admin.id, acme, "ORGANIZATION viewer").unwrap().id, viewer.id);

    let before = requests(&e.emu).await;
    for bad in [workspace_role.id.to_string(), Uuid::from_u128(42).to_string(), "Wizard".to_owned()] {
        let err = e.core.invite(&admin.id, acme, &["byid@example.com".into()], &bad).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{bad}");
        assert!(err.message.contains("Organization Viewer"), "names the roles there are: {}", err.message);
        let err = e
            .core
            .set_member_role(&admin.id, acme, &e.emu.credentials().viewer.user_email, &bad)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{bad}");
    }
    assert_eq!(requests(&e.emu).await, before, "no request was sent");

    let sent =
        e.core.invite(&admin.id, acme, &["byid@example.com".into()], &viewer.id.to_string()).await.unwrap();
    let invitation = sent[0].invitation.clone().expect("invited");
    assert_eq!(invitation.role.map(|r| r.id), Some(viewer.id));

    let who = e.emu.credentials().viewer.user_email.clone();
    let held = e.core.set_member_role(&admin.id, acme, &who, &manager.id.to_string()).await.unwrap();
    assert_eq!(held.iter().map(|r| r.role_id).collect::<Vec<_>>(), vec![manager.id]);
    let held = e.core.set_member_role(&admin.id, acme, &who, "organization viewer").await.unwrap();
    assert_eq!(held.iter().map(|r| r.role_id).collect::<Vec<_>>(), vec![viewer.id]);
    sync(&e.core, &admin.id).await.unwrap();
    let row = e.core.find_member(&admin.id, acme, &who).unwrap();
    assert_eq!(row.roles.iter().map(|r| r.role_id).collect::<Vec<_>>(), vec![viewer.id], "on the server too");
}

fn user_row(i: u32, name: Option<&str>, username: Option<&str>, email: Option<&str>) -> MemberRow {
    serde_json::from_value(json!({
        "user": {"id": Uuid::from_u128(0x5000_0000 + u128::from(i)), "name": name, "username": username,
                 "email": email},
        "roles": [{"role_id": Uuid::from_u128(1), "name": "Organization Viewer", "via_team": false}]
    }))
    .unwrap()
}

/// In an organization of 30 000 members, `find_member` and `find_invitation` find the one row asked
/// for, by each of their tiers, with the same ambiguity errors as ever.
#[test]
fn lookups_in_a_large_organization_find_the_right_row() {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path(), std::sync::Arc::new(MemoryKeyring::new()));
    let now = Utc::now();
    let user = Uuid::from_u128(7);
    let acc = account_id("https://large.example", user);
    let org = Uuid::from_u128(100);
    let mut members: Vec<MemberRow> = (0..30_000)
        .map(|i| {
            let (name, username, email) =
                (format!("User {i:05}"), format!("user{i}"), format!("user{i}@large.example"));
            user_row(i, Some(&name), Some(&username), Some(&email))
        })
        .collect();
    // Two people of the same name, and a name that is another member's email.
    members.push(user_row(40_001, Some("Sam Same"), Some("sam1"), Some("sam1@large.example")));
    members.push(user_row(40_002, Some("Sam Same"), None, None));
    members.push(user_row(40_003, Some("user5@large.example"), Some("trickster"), None));
    members.push(user_row(40_004, None, None, Some("Ünïcode@Large.Example")));
    let invitations: Vec<api::Invitation> = (0..5_000)
        .map(|i| {
            serde_json::from_value(json!({
                "id": Uuid::from_u128(0x9000_0000 + i), "email": format!("guest{}@large.example", i % 2_500),
                "status": "pending", "created": format!("2024-01-01T00:{:02}:{:02}Z", (i / 60) % 60, i % 60)
            }))
            .unwrap()
        })
        .collect();
    {
        let (c, _) = Cache::open(&cache_path(dir.path())).unwrap();
        c.upsert_account(&AccountRecord {
            id: acc.clone(),
            base_url: "https://large.example".into(),
            user_id: user,
            user_email: None,
            user_name: None,
            auth_method: AuthMethod::Key,
            device_id: None,
            token_expires_at: None,
            created_at: now,
            last_used_at: now,
            signed_in: false,
        })
        .unwrap();
        let organization = serde_json::from_value(json!({"id": org, "name": "large"})).unwrap();
        let snapshot = OrgSnapshot {
            organization,
            workspaces: vec![],
            members,
            invitations,
            roles: vec![],
            teams: vec![],
            reads: Default::default(),
        };
        c.replace_org_snapshot(&acc, &snapshot, now).unwrap();
    }

    let id_of = |r: &MemberRow| r.user.as_ref().unwrap().id;
    let started = std::time::Instant::now();
    assert_eq!(
        id_of(&core.find_member(&acc, org, "user12345@large.example").unwrap()),
        Uuid::from_u128(0x5000_0000 + 12_345)
    );
    assert_eq!(
        id_of(&core.find_member(&acc, org, "  USER777@Large.Example ").unwrap()),
        Uuid::from_u128(0x5000_0000 + 777)
    );
    assert_eq!(
        id_of(&core.find_member(&acc, org, "user29999").unwrap()),
        Uuid::from_u128(0x5000_0000 + 29_999)
    );
    assert_eq!(id_of(&core.find_member(&acc, org, "user 00042").unwrap()), Uuid::from_u128(0x5000_0000 + 42));
    let by_id = Uuid::from_u128(0x5000_0000 + 20_000);
    assert_eq!(id_of(&core.find_member(&acc, org, &by_id.to_string().to_uppercase()).unwrap()), by_id);
    // An email matches by ASCII case only: the non-ASCII letters must be as stored.
    assert_eq!(
        id_of(&core.find_member(&acc, org, "Ünïcode@large.EXAMPLE").unwrap()),
        Uuid::from_u128(0x5000_0000 + 40_004)
    );
    let err = core.find_member(&acc, org, "ünïcode@large.example").unwrap_err();
    assert_eq!(err.code, zenml_pro_core::ErrorCode::NotFound, "{err:?}");
    // Email comes before name: the member whose name is another's email does not stand for them.
    assert_eq!(
        id_of(&core.find_member(&acc, org, "user5@large.example").unwrap()),
        Uuid::from_u128(0x5000_0000 + 5)
    );
    let err = core.find_member(&acc, org, "sam same").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.starts_with("2 members have the name \"sam same\": sam1@large.example ("),
        "{}",
        err.message
    );
    assert_eq!(err.fields[0].field, "member");
    assert_eq!(core.find_member(&acc, org, "nobody@large.example").unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(
        core.find_member(&acc, org, &Uuid::from_u128(1).to_string()).unwrap_err().code,
        ErrorCode::NotFound
    );

    // Two pending invitations of one email: refused with both ids (a write addresses one); by id, one.
    let err = core.find_invitation(&acc, org, "GUEST7@large.example").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    for id in [Uuid::from_u128(0x9000_0000 + 7), Uuid::from_u128(0x9000_0000 + 2_507)] {
        assert!(err.message.contains(&id.to_string()), "{err}");
        assert_eq!(core.find_invitation(&acc, org, &id.to_string()).unwrap().id, id);
    }
    let one = core.find_invitation(&acc, org, &Uuid::from_u128(0x9000_0000 + 3).to_string()).unwrap();
    assert_eq!(one.email, "guest3@large.example");
    assert_eq!(core.find_invitation(&acc, org, "none@large.example").unwrap_err().code, ErrorCode::NotFound);
    // Indexed reads: far quicker than parsing 30 000 records each time (a generous bound for slow CI).
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}
