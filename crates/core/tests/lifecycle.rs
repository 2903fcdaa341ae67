//! Following a workspace change: to `deactivated`, to `failed` with the server's reason, cancelled,
//! bounded; each poll written through to the cache. And scoped roles checked before any request.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{control, env_with, requests, Env};
use serde_json::json;
use zenml_pro_core::api::{ApiKey, WorkspaceStatus};
use zenml_pro_core::{CancellationToken, ErrorCode, FollowOptions, SyncOptions};
use zenml_pro_emulator::EmulatorConfig;

async fn signed_in(transition_ms: u64) -> (Env, String, uuid::Uuid) {
    let e = env_with(EmulatorConfig {
        workspace_transition: Duration::from_millis(transition_ms),
        ..Default::default()
    })
    .await;
    let account =
        e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&e.emu.credentials().admin.key)).await.unwrap();
    e.core.sync(&account.id, &SyncOptions::default(), &|_| {}, &CancellationToken::new()).await.unwrap();
    let org = e.core.resolve_org(&account.id, Some("acme-ml")).unwrap();
    (e, account.id, org)
}

fn quick() -> FollowOptions {
    FollowOptions { interval: Duration::from_millis(50), ..FollowOptions::default() }
}

#[tokio::test]
async fn following_a_deactivation_until_it_lands() {
    let (e, account, org) = signed_in(300).await;
    let ws =
        e.core.set_workspace_state(&account, org, "acme-prod", WorkspaceStatus::Deactivated).await.unwrap();
    assert_eq!(ws.status, WorkspaceStatus::Pending);
    let cached = e.core.find_workspace(&account, org, "acme-prod").unwrap();
    assert_eq!(cached.status, WorkspaceStatus::Pending, "the write is in the cache at once");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let mut progress = move |w: &zenml_pro_core::api::Workspace| s.lock().unwrap().push(w.status);
    let landed = e.core.follow_workspace(&account, org, ws.id, &quick(), &mut progress).await.unwrap();
    assert_eq!(landed.status, WorkspaceStatus::Deactivated);
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() >= 2 && seen[0] == WorkspaceStatus::Pending, "{seen:?}");
    assert_eq!(seen.last(), Some(&WorkspaceStatus::Deactivated));
    assert_eq!(
        e.core.find_workspace(&account, org, &ws.id.to_string()).unwrap().status,
        WorkspaceStatus::Deactivated
    );
}

#[tokio::test]
async fn following_a_change_that_fails_returns_the_reason() {
    let (e, account, org) = signed_in(200).await;
    control(&e.emu, "workspaces/fail", json!({"reason": "Quota exceeded"})).await;
    let ws = e
        .core
        .set_workspace_state(&account, org, "acme-research", WorkspaceStatus::Deactivated)
        .await
        .unwrap();
    let landed = e.core.follow_workspace(&account, org, ws.id, &quick(), &mut |_| {}).await.unwrap();
    assert_eq!(landed.status, WorkspaceStatus::Failed);
    assert_eq!(landed.state_reason.as_deref(), Some("Quota exceeded"));
    assert_eq!(
        e.core.find_workspace(&account, org, "acme-research").unwrap().status,
        WorkspaceStatus::Failed
    );
}

#[tokio::test]
async fn following_is_bounded_and_cancellable() {
    let (e, account, org) = signed_in(60_000).await;
    let ws =
        e.core.set_workspace_state(&account, org, "acme-prod", WorkspaceStatus::Deactivated).await.unwrap();
    let bounded = FollowOptions { timeout: Duration::from_millis(200), ..quick() };
    let err = e.core.follow_workspace(&account, org, ws.id, &bounded, &mut |_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Server);
    assert!(err.message.contains("still pending"), "{err:?}");
    let cancel = CancellationToken::new();
    let options = FollowOptions { cancel: cancel.clone(), ..quick() };
    let c = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        c.cancel();
    });
    let err = e.core.follow_workspace(&account, org, ws.id, &options, &mut |_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
}

#[tokio::test]
async fn writes_are_checked_before_any_request() {
    let (e, account, org) = signed_in(0).await;
    let before = requests(&e.emu).await;
    let bad = [
        e.core.set_workspace_state(&account, org, "nowhere", WorkspaceStatus::Deactivated).await.unwrap_err(),
        e.core.set_workspace_state(&account, org, "acme-prod", WorkspaceStatus::Failed).await.unwrap_err(),
        e.core
            .update_workspace(&account, org, "acme-prod", Some("Bad Name!".into()), None)
            .await
            .unwrap_err(),
        e.core
            .grant_workspace_role(&account, org, "acme-prod", "platform", "Organization Viewer")
            .await
            .unwrap_err(),
        e.core
            .grant_workspace_role(&account, org, "acme-prod", "x@@y", "Workspace Viewer")
            .await
            .unwrap_err(),
        e.core
            .revoke_workspace_role(&account, org, "acme-prod", "ghost-team", "Workspace Viewer")
            .await
            .unwrap_err(),
    ];
    for err in bad {
        assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    }
    assert_eq!(requests(&e.emu).await, before, "no request sent");

    let renamed =
        e.core.update_workspace(&account, org, "acme-prod", Some("acme-main".into()), None).await.unwrap();
    assert_eq!(renamed.name, "acme-main");
    assert_eq!(e.core.find_workspace(&account, org, "acme-main").unwrap().id, renamed.id, "cached at once");
}
