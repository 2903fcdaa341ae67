//! Core's team methods against the emulator: each write is in the cache at once (no sync between),
//! wrong input is refused before any request, and service accounts say when they are not offered.

mod common;

use common::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::*;

async fn admin(e: &Env) -> (String, uuid::Uuid) {
    let a =
        e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&e.emu.credentials().admin.key)).await.unwrap();
    e.core.sync(&a.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap();
    let org = e.core.resolve_org(&a.id, Some("acme-ml")).unwrap();
    (a.id, org)
}

fn via_team_roles(e: &Env, account: &str, org: uuid::Uuid, email: &str) -> Vec<String> {
    let row = e.core.find_member(account, org, email).unwrap();
    row.roles.iter().filter(|r| r.via_team).map(|r| r.label()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_writes_go_through_to_the_cache() {
    let e = env().await;
    let (a, org) = admin(&e).await;
    let created = e
        .core
        .create_team(&a, org, " ops ", Some("Ops".into()), &["member@acme-ml.example".into()])
        .await
        .unwrap();
    assert_eq!(created.team.name, "ops");
    assert!(created.members.iter().all(|m| m.ok && !m.unchanged), "{:?}", created.members);
    let cached = e.core.find_team(&a, org, "OPS").unwrap();
    assert_eq!((cached.id, cached.member_count), (created.team.id, Some(1)));

    let renamed = e.core.update_team(&a, org, "ops", Some("operations".into()), None).await.unwrap();
    assert_eq!(renamed.description.as_deref(), Some("Ops"));
    assert!(e.core.find_team(&a, org, "ops").is_err());
    assert_eq!(e.core.find_team(&a, org, "operations").unwrap().id, created.team.id);

    let roles = e.core.set_team_role(&a, org, "operations", "Organization Viewer").await.unwrap();
    assert_eq!(roles.iter().map(|r| r.label()).collect::<Vec<_>>(), ["Organization Viewer"]);
    assert!(via_team_roles(&e, &a, org, "member@acme-ml.example").contains(&"Organization Viewer".to_owned()));

    let listed = e.core.team_members(&a, org, "operations").await.unwrap();
    assert_eq!(listed.members.len(), 1);
    assert_eq!(listed.members[0].email(), Some("member@acme-ml.example"));

    let out = e.core.add_to_team(&a, org, "operations", &["member@acme-ml.example".into()]).await.unwrap();
    assert!(out[0].ok && out[0].unchanged, "already in: {out:?}");

    let deleted = e.core.delete_team(&a, org, "operations").await.unwrap();
    assert_eq!(deleted.id, created.team.id);
    let err = e.core.find_team(&a, org, "operations").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        !via_team_roles(&e, &a, org, "member@acme-ml.example").contains(&"Organization Viewer".to_owned())
    );
    let page =
        e.core.members(&a, org, &MemberQuery { kind: Some(MemberKind::Team), ..Default::default() }).unwrap();
    assert!(page.value.rows.iter().all(|r| r.team.as_ref().is_none_or(|t| t.id != deleted.id)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_input_is_refused_before_any_request() {
    let e = env().await;
    let (a, org) = admin(&e).await;
    let before = requests(&e.emu).await;
    let checks = [
        e.core.update_team(&a, org, "nobody", Some("x".into()), None).await.unwrap_err(),
        e.core.add_to_team(&a, org, "platform", &["not-an-email".into()]).await.unwrap_err(),
        e.core.add_to_team(&a, org, "platform", &["stranger@else.example".into()]).await.unwrap_err(),
        e.core.set_team_role(&a, org, "platform", "Workspace Admin").await.unwrap_err(),
        e.core.create_team(&a, org, "data-science", None, &[]).await.unwrap_err(),
        e.core.update_team(&a, org, "platform", None, None).await.unwrap_err(),
    ];
    for err in &checks {
        assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    }
    assert!(
        checks[0].message.contains("data-science") && checks[0].message.contains("platform"),
        "lists the teams"
    );
    assert_eq!(requests(&e.emu).await, before, "no request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_accounts_not_offered_is_not_a_failure() {
    let e = env().await;
    let (a, org) = admin(&e).await;
    let listed = e.core.service_accounts(&a, org).await.unwrap();
    assert!(listed.offered && !listed.items.is_empty());
    for status in [404, 403] {
        fault(&e.emu, json!({"kind": "status", "status": status, "path_prefix": format!("/organizations/{org}/service_accounts")}))
            .await;
        let listed = e.core.service_accounts(&a, org).await.unwrap();
        assert!(!listed.offered && listed.items.is_empty() && listed.reason.is_some(), "{status}");
        clear_faults(&e.emu).await;
    }
}
