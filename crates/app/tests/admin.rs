//! The window's organization admin commands against the emulator: teams and a team's members, a
//! workspace's lifecycle followed to where it lands (with its events and notification), scoped roles,
//! who holds a role, the service accounts; and a Viewer refused by the server.

mod common;

use std::time::Duration;

use common::{env, Env};
use zenml_pro_app::notify::NotificationKind;
use zenml_pro_app::{AppEvent, Entity, ErrorCode};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, Dialect, EmulatorConfig, RunningEmulator};

async fn signed_in(admin: bool, transition_ms: u64) -> (Env, RunningEmulator) {
    signed_in_to(admin, transition_ms, Dialect::Default).await
}

async fn signed_in_to(admin: bool, transition_ms: u64, dialect: Dialect) -> (Env, RunningEmulator) {
    let e = env();
    let emu = start(EmulatorConfig {
        port: 0,
        dialect,
        workspace_transition: Duration::from_millis(transition_ms),
        ..Default::default()
    })
    .await
    .unwrap();
    let creds = emu.credentials();
    let key = if admin { creds.admin.key.clone() } else { creds.viewer.key.clone() };
    e.app.login_with_key(emu.base_url(), key).await.unwrap();
    e.app.sync_now().await.unwrap();
    e.app.switch_organization("acme-ml".into()).await.unwrap();
    e.app.set_follow_interval(Duration::from_millis(50));
    (e, emu)
}

fn changed(e: &Env, entity: Entity) -> usize {
    e.rec
        .events()
        .iter()
        .filter(|ev| matches!(ev, AppEvent::DataChanged { entities, .. } if entities.contains(&entity)))
        .count()
}

/// Waits (up to 10 s) for a notification of a kind; returns its body.
async fn notification(e: &Env, kind: NotificationKind) -> String {
    for _ in 0..200 {
        let found = e.rec.events().into_iter().find_map(|ev| match ev {
            AppEvent::Notification { about, body, .. } if about == kind => Some(body),
            _ => None,
        });
        if let Some(body) = found {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {kind:?} notification; events: {:?}", e.rec.events());
}

#[tokio::test]
async fn a_team_is_created_filled_given_a_role_renamed_and_deleted() {
    let (e, _emu) = signed_in(true, 0).await;
    e.rec.clear();
    let created = e
        .app
        .create_team(
            None,
            "ml-ops".into(),
            Some("Runs the models".into()),
            vec!["new-hire@acme-ml.example".into()],
        )
        .await
        .unwrap();
    assert_eq!(created.team.name, "ml-ops");
    assert!(created.members.iter().all(|m| m.ok), "{:?}", created.members);
    assert!(changed(&e, Entity::Teams) >= 1, "the teams list is told to read again");
    assert!(e.app.list_teams(None).await.unwrap().items.iter().any(|t| t.name == "ml-ops"), "cached at once");

    let members = e.app.team_members(None, "ml-ops".into()).await.unwrap();
    assert_eq!(members.members.len(), 1);
    assert!(members.members[0].pending, "a pending invitation is a member of the team");

    let users = e.app.team_members(None, "data-science".into()).await.unwrap();
    let email = users.members.iter().find(|m| !m.pending).and_then(|m| m.email.clone()).unwrap();
    let out = e.app.add_to_team(None, "ml-ops".into(), vec![email.clone()]).await.unwrap();
    assert!(out[0].ok && !out[0].unchanged, "{out:?}");
    let again = e.app.add_to_team(None, "ml-ops".into(), vec![email.clone()]).await.unwrap();
    assert!(again[0].ok && again[0].unchanged, "adding twice is already so: {again:?}");
    assert_eq!(e.app.team_members(None, "ml-ops".into()).await.unwrap().members.len(), 2);

    e.app.set_team_role(None, "ml-ops".into(), "Organization Member".into()).await.unwrap();
    let holders = e.app.role_holders(None, "Organization Member".into()).await.unwrap();
    assert!(holders
        .holders
        .iter()
        .any(|h| h.kind == "team" && h.holder == "ml-ops" && h.workspace_id.is_none()));

    let out = e.app.remove_from_team(None, "ml-ops".into(), vec![email]).await.unwrap();
    assert!(out[0].ok, "{out:?}");
    assert_eq!(e.app.team_members(None, "ml-ops".into()).await.unwrap().members.len(), 1);

    let renamed = e.app.update_team(None, "ml-ops".into(), Some("model-ops".into()), None).await.unwrap();
    assert_eq!(renamed.name, "model-ops");
    e.app.delete_team(None, "model-ops".into()).await.unwrap();
    assert!(!e.app.list_teams(None).await.unwrap().items.iter().any(|t| t.name == "model-ops"));

    let err = e.app.create_team(None, "  ".into(), None, vec![]).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let err = e.app.team_members(None, "no-such-team".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_deactivation_is_followed_until_it_lands_and_then_told() {
    let (e, _emu) = signed_in(true, 300).await;
    e.rec.clear();
    let ws = e.app.set_workspace_state(None, "acme-prod".into(), "deactivated".into()).await.unwrap();
    assert_eq!(ws.status, "pending");
    assert_eq!(ws.desired_state.as_deref(), Some("deactivated"));
    let body = notification(&e, NotificationKind::WorkspaceDeactivated).await;
    assert!(body.contains("is deactivated"), "{body}");
    assert!(changed(&e, Entity::Workspaces) >= 2, "the write and each poll are announced");
    assert!(e.rec.events().iter().any(|ev| matches!(ev, AppEvent::Notice { message } if message == &body)));
    let listed = e.app.list_workspaces(None).await.unwrap();
    assert_eq!(listed.items.iter().find(|w| w.name == "acme-prod").unwrap().status, "deactivated");

    e.rec.clear();
    e.app.set_workspace_state(None, "acme-prod".into(), "available".into()).await.unwrap();
    notification(&e, NotificationKind::WorkspaceAvailable).await;

    let err = e.app.set_workspace_state(None, "acme-prod".into(), "pending".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_change_that_fails_is_told_with_the_servers_reason() {
    let (e, emu) = signed_in(true, 200).await;
    Control::new(&emu).fail_next_transition(None, Some("Quota exceeded")).await;
    e.rec.clear();
    e.app.set_workspace_state(None, "acme-research".into(), "deactivated".into()).await.unwrap();
    let body = notification(&e, NotificationKind::WorkspaceFailed).await;
    assert!(body.contains("failed instead of deactivated") && body.contains("Quota exceeded"), "{body}");
    let listed = e.app.list_workspaces(None).await.unwrap();
    let ws = listed.items.iter().find(|w| w.name == "acme-research").unwrap();
    assert_eq!((ws.status.as_str(), ws.state_reason.as_deref()), ("failed", Some("Quota exceeded")));
}

#[tokio::test]
async fn workspace_roles_are_granted_listed_and_revoked() {
    let (e, _emu) = signed_in(true, 0).await;
    let before = e.app.workspace_access(None, "acme-prod".into()).await.unwrap();
    assert!(before
        .entries
        .iter()
        .any(|a| a.kind == "team" && a.holder == "platform" && a.role == "Workspace Admin"));
    e.rec.clear();
    let granted = e
        .app
        .grant_workspace_role(None, "acme-prod".into(), "data-science".into(), "Workspace Viewer".into())
        .await
        .unwrap();
    assert_eq!((granted.kind.as_str(), granted.role.as_str()), ("team", "Workspace Viewer"));
    assert!(changed(&e, Entity::Workspaces) == 1, "one announcement");
    let after = e.app.workspace_access(None, "acme-prod".into()).await.unwrap();
    assert_eq!(after.entries.len(), before.entries.len() + 1);
    let holders = e.app.role_holders(None, "Workspace Viewer".into()).await.unwrap();
    assert!(holders
        .holders
        .iter()
        .any(|h| h.holder == "data-science" && h.workspace.as_deref() == Some("acme-prod")));

    e.app
        .revoke_workspace_role(None, "acme-prod".into(), "data-science".into(), "Workspace Viewer".into())
        .await
        .unwrap();
    assert_eq!(
        e.app.workspace_access(None, "acme-prod".into()).await.unwrap().entries.len(),
        before.entries.len()
    );

    let err = e
        .app
        .grant_workspace_role(None, "acme-prod".into(), "data-science".into(), "Organization Admin".into())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "an organization role is not a workspace role");
}

#[tokio::test]
async fn service_accounts_are_listed_read_only() {
    let (e, _emu) = signed_in(true, 0).await;
    let sa = e.app.list_service_accounts(None).await.unwrap();
    assert!(sa.offered);
    assert!(!sa.items.is_empty());
    assert!(sa.items.iter().all(|a| !a.name.is_empty()));
}

#[tokio::test]
async fn a_viewer_is_refused_by_the_server() {
    let (e, _emu) = signed_in(false, 0).await;
    for err in [
        e.app.create_team(None, "nope".into(), None, vec![]).await.unwrap_err(),
        e.app.set_workspace_state(None, "acme-prod".into(), "deactivated".into()).await.unwrap_err(),
        e.app
            .grant_workspace_role(None, "acme-prod".into(), "platform".into(), "Workspace Viewer".into())
            .await
            .unwrap_err(),
        // Someone not in the team yet (one already in is read as done, and nothing is sent).
        e.app
            .add_to_team(None, "platform".into(), vec!["contractor@partner.example".into()])
            .await
            .unwrap_err(),
    ] {
        assert_eq!(err.code, ErrorCode::Forbidden, "{err}");
    }
    // Reading is allowed.
    assert!(!e.app.team_members(None, "platform".into()).await.unwrap().members.is_empty());
}

#[tokio::test]
async fn a_members_access_lists_their_teams_and_workspace_roles_through_them() {
    let (e, _emu) = signed_in(true, 0).await;
    let a = e.app.member_access(None, "data-scientist@acme-ml.example".into(), None).await.unwrap();
    assert_eq!(a.kind, "user");
    assert_eq!(a.teams, ["data-science"]);
    assert!(a.org_roles.iter().any(|r| r.name == "Organization Member" && r.via_team), "{:?}", a.org_roles);
    assert!(
        a.workspace_roles.iter().any(|h| h.role == "Workspace Developer"
            && h.workspace.as_deref() == Some("acme-research")
            && h.via_team.as_deref() == Some("data-science")),
        "{:?}",
        a.workspace_roles
    );
    e.app
        .grant_workspace_role(
            None,
            "acme-prod".into(),
            "data-scientist@acme-ml.example".into(),
            "Workspace Viewer".into(),
        )
        .await
        .unwrap();
    let a = e.app.member_access(None, "data-scientist@acme-ml.example".into(), None).await.unwrap();
    assert!(a.workspace_roles.iter().any(|h| h.role == "Workspace Viewer"
        && h.workspace.as_deref() == Some("acme-prod")
        && h.via_team.is_none()));

    let err = e.app.member_access(None, "nobody@example.com".into(), None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    // As a person's page asks: an organization by name and the account that sees it, named.
    let account = e.app.app_state().await.unwrap().active_account.expect("signed in");
    let named = e
        .app
        .member_access(Some("acme-ml".into()), "data-scientist@acme-ml.example".into(), Some(account))
        .await
        .unwrap();
    assert_eq!((named.teams, named.workspace_roles.len()), (a.teams, a.workspace_roles.len()));
    let err = e
        .app
        .member_access(None, "data-scientist@acme-ml.example".into(), Some("no-such-account".into()))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err}");
}

#[tokio::test]
async fn an_invitation_with_a_workspace_role_and_a_team_lists_them_all_and_keeps_them_when_resent() {
    use zenml_pro_app::views::WorkspaceRoleSpecView;
    let (e, _emu) = signed_in(true, 0).await;
    let out = e
        .app
        .invite_with(
            None,
            vec!["two.roles@example.com".into()],
            "Organization Member".into(),
            vec![WorkspaceRoleSpecView { workspace: "acme-prod".into(), role: "Workspace Developer".into() }],
            vec!["platform".into()],
        )
        .await
        .unwrap();
    assert!(out[0].ok, "{out:?}");
    let labels: Vec<&str> = out[0].attached.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["Workspace Developer on acme-prod", "team platform"]);
    assert!(out[0].attached.iter().all(|a| a.ok));
    let pending = e.app.list_invitations(None, true).await.unwrap();
    let inv = pending.items.iter().find(|i| i.email == "two.roles@example.com").unwrap();
    assert_eq!(inv.roles, ["Organization Member", "Workspace Developer on acme-prod"]);
    assert_eq!(inv.teams, ["platform"]);

    let resent = e.app.resend_invitation(None, inv.id.clone()).await.unwrap();
    assert_ne!(resent.id, inv.id);
    assert_eq!(resent.roles, inv.roles, "resending keeps every role");
    assert_eq!(resent.teams, inv.teams, "and every team");

    // Checked before any request: an unknown team.
    let err = e
        .app
        .invite_with(
            None,
            vec!["x@example.com".into()],
            "Organization Member".into(),
            vec![],
            vec!["no-such-team".into()],
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn signing_out_stops_following_a_workspace() {
    let (e, _emu) = signed_in(true, 300).await;
    e.app.set_workspace_state(None, "acme-prod".into(), "deactivated".into()).await.unwrap();
    let account = e.app.app_state().await.unwrap().active_account.unwrap();
    e.app.logout(account, false).await.unwrap();
    e.rec.clear();
    // Well past the transition and several polls: a follow still running would have told where it
    // landed by now.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let told: Vec<_> = e
        .rec
        .events()
        .into_iter()
        .filter(|ev| matches!(ev, AppEvent::Notification { .. } | AppEvent::Notice { .. }))
        .collect();
    assert!(told.is_empty(), "{told:?}");
}

/// The same window commands against the variant dialect (no display names, role entries without
/// names, invitations' scoped roles by id and teams as bare ids).
#[tokio::test]
async fn the_admin_commands_work_against_the_variant_dialect() {
    use zenml_pro_app::views::WorkspaceRoleSpecView;
    let (e, _emu) = signed_in_to(true, 200, Dialect::Variant).await;
    e.app
        .create_team(None, "ml-ops".into(), None, vec!["data-scientist@acme-ml.example".into()])
        .await
        .unwrap();
    let members = e.app.team_members(None, "ml-ops".into()).await.unwrap();
    assert_eq!(members.members.len(), 1);
    e.app
        .grant_workspace_role(None, "acme-prod".into(), "ml-ops".into(), "Workspace Viewer".into())
        .await
        .unwrap();
    let access = e.app.workspace_access(None, "acme-prod".into()).await.unwrap();
    assert!(
        access.entries.iter().any(|a| a.holder == "ml-ops" && a.role == "Workspace Viewer"),
        "{:?}",
        access.entries
    );
    let who = e.app.member_access(None, "data-scientist@acme-ml.example".into(), None).await.unwrap();
    assert!(who
        .workspace_roles
        .iter()
        .any(|h| h.role == "Workspace Viewer" && h.via_team.as_deref() == Some("ml-ops")));

    let out = e
        .app
        .invite_with(
            None,
            vec!["variant.person@example.com".into()],
            "Organization Member".into(),
            vec![WorkspaceRoleSpecView { workspace: "acme-prod".into(), role: "Workspace Developer".into() }],
            vec!["ml-ops".into()],
        )
        .await
        .unwrap();
    assert!(out[0].ok && out[0].attached.iter().all(|a| a.ok), "{out:?}");
    e.app.sync_now().await.unwrap();
    let pending = e.app.list_invitations(None, true).await.unwrap();
    let inv = pending.items.iter().find(|i| i.email == "variant.person@example.com").unwrap();
    assert_eq!(
        inv.roles,
        ["Organization Member", "Workspace Developer on acme-prod"],
        "read back after a sync"
    );
    assert_eq!(inv.teams, ["ml-ops"]);

    e.rec.clear();
    e.app.set_workspace_state(None, "acme-prod".into(), "deactivated".into()).await.unwrap();
    let body = notification(&e, NotificationKind::WorkspaceDeactivated).await;
    assert!(body.contains("acme-prod is deactivated"), "no display name in this dialect: {body}");
}
