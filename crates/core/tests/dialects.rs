//! The main scenario of core against every dialect the emulator speaks (section 6 of the contract):
//! sign in with a key, sync, read every list (every member row with its role names), invite, change a
//! role, revoke and remove. Also: lists a role may not read are hidden, not empty; a custom role the
//! server allows to invite can; unreadable rows are counted with their list.

mod common;

use common::*;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{ErrorCode, MemberKind, MemberQuery, SyncOptions};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn sync(e: &Env, account: &str) -> zenml_pro_core::SyncReport {
    e.core
        .sync(account, &SyncOptions::default(), &no_progress(), &zenml_pro_core::CancellationToken::new())
        .await
        .expect("sync")
}

async fn login(e: &Env, key: &str) -> String {
    e.core.login_with_key(&e.emu.base_url(), ApiKey::new(key)).await.expect("key sign-in").id
}

/// One scenario, every dialect: nothing the variant does empties the app or stops a write.
#[tokio::test]
async fn the_main_scenario_works_against_every_dialect() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let admin = login(&e, &e.emu.credentials().admin.key).await;
        let report = sync(&e, &admin).await;
        assert!(report.failed.is_empty(), "{dialect}: {:?}", report.failed);
        assert!(report.synced >= 1 && report.synced == report.organizations, "{dialect}");
        let acme = e.core.resolve_org(&admin, Some("acme-ml")).unwrap();

        let members = e.core.members(&admin, acme, &MemberQuery::default()).unwrap();
        assert!(members.value.total > 3 && !members.hidden, "{dialect}");
        let skipped = if dialect == Dialect::Variant { 1 } else { 0 };
        assert_eq!(members.skipped, skipped, "{dialect}: the row of an unknown kind is counted");
        let users = MemberQuery { kind: Some(MemberKind::User), ..Default::default() };
        for row in e.core.members(&admin, acme, &users).unwrap().value.rows {
            assert!(!row.roles.is_empty(), "{dialect}: {row:?}");
            assert!(row.roles.iter().all(|r| r.name.is_some()), "{dialect}: every role named: {row:?}");
        }
        assert_eq!(e.core.my_roles(&admin, acme).unwrap(), ["Organization Admin"], "{dialect}");
        let roles = e.core.roles(&admin, acme).unwrap().value;
        assert!(
            roles.iter().filter(|r| r.name.starts_with("Organization")).all(|r| r.level.is_some()),
            "{dialect}: built-in organization roles are classified: {roles:?}"
        );
        let pending = e.core.invitations(&admin, acme, true).unwrap().value;
        assert!(
            !pending.is_empty() && pending.iter().all(|i| i.role.as_ref().is_some_and(|r| r.name.is_some()))
        );

        let sent = e
            .core
            .invite(&admin, acme, &["dialect.test@acme-ml.example".into()], "Organization Viewer")
            .await
            .unwrap();
        let invitation =
            sent[0].invitation.clone().unwrap_or_else(|| panic!("{dialect}: {:?}", sent[0].error));
        let listed = e.core.find_invitation(&admin, acme, "dialect.test@acme-ml.example").unwrap();
        assert_eq!(listed.id, invitation.id);
        assert_eq!(listed.role.and_then(|r| r.name).as_deref(), Some("Organization Viewer"), "{dialect}");

        let viewer = e.emu.credentials().viewer.user_email.clone();
        let now = e.core.set_member_role(&admin, acme, &viewer, "Organization Manager").await.unwrap();
        assert_eq!(now.iter().map(|r| r.label()).collect::<Vec<_>>(), ["Organization Manager"], "{dialect}");
        e.core.revoke_invitation(&admin, acme, &invitation.id.to_string()).await.unwrap();
        e.core.remove_member(&admin, acme, &viewer).await.unwrap();

        // The next sync agrees with what the writes cached.
        sync(&e, &admin).await;
        assert!(e.core.find_member(&admin, acme, &viewer).is_err(), "{dialect}: removed");
        let revoked = e.core.invitations(&admin, acme, true).unwrap().value;
        assert!(revoked.iter().all(|i| i.id != invitation.id), "{dialect}");
    }
}

/// An Organization Member may not read some lists: they are stored as hidden (not as empty) and the
/// organization still syncs. In the variant, roles and teams are refused too.
#[tokio::test]
async fn lists_the_role_may_not_read_are_hidden_not_empty() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let member = login(&e, &e.emu.credentials().member.key).await;
        let report = sync(&e, &member).await;
        assert!(report.failed.is_empty(), "{dialect}: {:?}", report.failed);
        let acme = e.core.resolve_org(&member, Some("acme-ml")).unwrap();
        let members = e.core.members(&member, acme, &MemberQuery::default()).unwrap();
        assert!(members.hidden && members.value.total == 0, "{dialect}");
        assert!(e.core.invitations(&member, acme, false).unwrap().hidden, "{dialect}");
        let variant = dialect == Dialect::Variant;
        assert_eq!(e.core.roles(&member, acme).unwrap().hidden, variant, "{dialect}");
        assert_eq!(e.core.teams(&member, acme).unwrap().hidden, variant, "{dialect}");
        assert!(!e.core.workspaces(&member, acme).unwrap().hidden, "{dialect}");
        if variant {
            // With the roles hidden, a role name cannot become an id: a clear error before any request.
            let before = requests(&e.emu).await;
            let err =
                e.core.invite(&member, acme, &["x@acme-ml.example".into()], "Organization Viewer").await;
            let err = err.unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput);
            assert!(err.message.contains("not visible to your role"), "{}", err.message);
            assert_eq!(requests(&e.emu).await, before);
        }
    }
}

/// A custom role that the server lets invite can invite (no guess from role names stops it), and
/// what it may not do comes back as the server's refusal.
#[tokio::test]
async fn a_custom_role_the_server_allows_can_invite() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let pm = login(&e, &e.emu.credentials().people_manager.key).await;
        sync(&e, &pm).await;
        let acme = e.core.resolve_org(&pm, Some("acme-ml")).unwrap();
        let mine = e.core.my_roles(&pm, acme).unwrap();
        assert_eq!(mine, ["People Manager"], "{dialect}");
        assert!(!zenml_pro_core::known_to_lack(&mine), "a custom role is not known to lack anything");
        let sent = e
            .core
            .invite(&pm, acme, &["custom.role@acme-ml.example".into()], "Organization Viewer")
            .await
            .unwrap();
        assert!(sent[0].invitation.is_some(), "{dialect}: {:?}", sent[0].error);
        let viewer = e.emu.credentials().viewer.user_email.clone();
        let err = e.core.set_member_role(&pm, acme, &viewer, "Organization Admin").await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Forbidden, "{dialect}");
        assert!(err.message.starts_with("the server refused"), "{}", err.message);
    }
}

/// A role that may invite but not list the organization's roles (the roles list refused with a 403)
/// invites by role id: the id is sent as given, with no roles request, and the server decides (an
/// id that is no organization role of it is the server's refusal); a role name, which cannot become
/// an id without the list, is refused before any request and says to give the id.
#[tokio::test]
async fn with_the_roles_hidden_an_invitation_goes_by_role_id() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let pm = login(&e, &e.emu.credentials().people_manager.key).await;
        sync(&e, &pm).await;
        let acme = e.core.resolve_org(&pm, Some("acme-ml")).unwrap();
        let viewer_role = e.core.org_role(&pm, acme, "Organization Viewer").unwrap().id;

        fault(
            &e.emu,
            serde_json::json!({"kind": "status", "status": 403, "ratio": 1.0,
            "path_prefix": format!("/organizations/{acme}/roles")}),
        )
        .await;
        let report = sync(&e, &pm).await;
        assert!(report.failed.is_empty(), "{dialect}: {:?}", report.failed);
        assert!(e.core.roles(&pm, acme).unwrap().hidden, "{dialect}: the roles are hidden now");

        let before = requests(&e.emu).await;
        let by_name =
            e.core.invite(&pm, acme, &["by.name@acme-ml.example".into()], "Organization Viewer").await;
        let err = by_name.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}");
        assert!(err.message.contains("not visible to your role"), "{}", err.message);
        assert!(err.message.contains("give the role's id"), "{}", err.message);
        assert_eq!(requests(&e.emu).await, before, "{dialect}: refused before any request");

        let id = viewer_role.to_string();
        let sent = e.core.invite(&pm, acme, &["by.id@acme-ml.example".into()], &id).await.unwrap();
        let invitation =
            sent[0].invitation.as_ref().unwrap_or_else(|| panic!("{dialect}: {:?}", sent[0].error));
        assert_eq!(invitation.role.as_ref().map(|r| r.id), Some(viewer_role), "{dialect}");
        let cached = e.core.invitations(&pm, acme, false).unwrap().value;
        assert!(cached.iter().any(|i| i.email == "by.id@acme-ml.example"), "{dialect}: cached");

        let unknown = uuid::Uuid::new_v4().to_string();
        let refused =
            e.core.invite(&pm, acme, &["unknown.role@acme-ml.example".into()], &unknown).await.unwrap();
        assert!(refused[0].invitation.is_none(), "{dialect}");
        let err = refused[0].error.as_ref().expect("the server's refusal");
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {}", err.message);
        assert!(err.message.contains("organization-level role"), "{dialect}: {}", err.message);
    }
}
