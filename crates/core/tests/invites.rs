//! Core's invitations with several roles and teams against the emulator: what was attached is in the
//! cache at once (no sync between), what failed is said per email, resending keeps everything, wrong
//! input is refused before any request, in both dialects.

mod common;

use common::*;
use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::*;
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn signed_in(e: &Env, key: &str) -> (String, uuid::Uuid) {
    let a = e.core.login_with_key(&e.emu.base_url(), ApiKey::new(key)).await.unwrap();
    e.core.sync(&a.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap();
    let org = e.core.resolve_org(&a.id, Some("acme-ml")).unwrap();
    (a.id, org)
}

fn spec() -> InviteSpec {
    InviteSpec {
        role: "Organization Member".into(),
        workspace_roles: vec![
            ("acme-prod".into(), "Workspace Developer".into()),
            ("acme-research".into(), "workspace viewer".into()),
        ],
        teams: vec!["platform".into()],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_gets_its_workspace_roles_and_teams_and_the_cache_has_them_at_once() {
    for dialect in Dialect::ALL {
        let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
        let (a, org) = signed_in(&e, &e.emu.credentials().admin.key).await;
        let emails = vec!["one@acme-ml.example".to_owned(), "two@acme-ml.example".to_owned()];
        let before = requests(&e.emu).await;
        let out = e.core.invite_with(&a, org, &emails, &spec()).await.unwrap();
        assert_eq!(
            requests(&e.emu).await,
            before + 4 + 2 * 4,
            "{dialect}: the roles, two workspaces and the teams read first; then create, two roles, one team, each"
        );
        for o in &out {
            assert!(o.error.is_none() && o.attached.len() == 3, "{dialect}: {o:?}");
            assert_eq!(o.failed().count(), 0, "{dialect}: {o:?}");
        }
        let labels = |email: &str| {
            let inv = e.core.find_invitation(&a, org, email).unwrap();
            (invitation_role_labels(&inv), invitation_team_labels(&inv))
        };
        let want_roles =
            ["Organization Member", "Workspace Developer on acme-prod", "Workspace Viewer on acme-research"]
                .map(String::from);
        assert_eq!(
            labels("one@acme-ml.example"),
            (want_roles.to_vec(), vec!["platform".to_owned()]),
            "{dialect}"
        );

        // After a sync (the server's shape, named from the cache in the variant) the same.
        e.core.sync(&a, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap();
        let (mut roles, teams) = labels("two@acme-ml.example");
        roles[1..].sort();
        assert_eq!((roles, teams), (want_roles.to_vec(), vec!["platform".to_owned()]), "{dialect}");
        // Its row among the members lists its organization role only.
        let query = MemberQuery {
            search: Some("two@acme-ml.example".into()),
            kind: Some(MemberKind::Invitation),
            ..Default::default()
        };
        let rows = e.core.members(&a, org, &query).unwrap().value.rows;
        assert_eq!(rows[0].roles.iter().map(|r| r.label()).collect::<Vec<_>>(), ["Organization Member"]);

        // Resending keeps them all, on a new invitation.
        let old = e.core.find_invitation(&a, org, "one@acme-ml.example").unwrap();
        let again = e.core.resend_invitation_with_outcome(&a, org, "one@acme-ml.example").await.unwrap();
        let new = again.invitation.clone().unwrap();
        assert_ne!(new.id, old.id);
        assert_eq!(again.failed().count(), 0, "{again:?}");
        assert_eq!(again.attached.len(), 3, "{dialect}: {again:?}");
        let (mut roles, teams) = labels("one@acme-ml.example");
        roles[1..].sort();
        assert_eq!((roles, teams), (want_roles.to_vec(), vec!["platform".to_owned()]), "{dialect}");
    }
}

/// Each wrong part is refused before any request: a bad email, an unknown team, an unknown
/// workspace, a workspace role as the organization role, an organization role as a workspace role.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_parts_are_refused_before_any_request() {
    let e = env().await;
    let (a, org) = signed_in(&e, &e.emu.credentials().admin.key).await;
    let ok = vec!["ok@acme-ml.example".to_owned()];
    let cases: Vec<(Vec<String>, InviteSpec, &str)> = vec![
        (vec!["not-an-email".into()], spec(), "not a valid email"),
        (ok.clone(), InviteSpec { teams: vec!["nobody".into()], ..spec() }, "no team \"nobody\""),
        (
            ok.clone(),
            InviteSpec { workspace_roles: vec![("nowhere".into(), "Workspace Viewer".into())], ..spec() },
            "no workspace \"nowhere\"",
        ),
        (ok.clone(), InviteSpec { role: "Workspace Developer".into(), ..spec() }, "not an organization role"),
        (
            ok.clone(),
            InviteSpec { workspace_roles: vec![("acme-prod".into(), "Organization Admin".into())], ..spec() },
            "not a workspace role",
        ),
    ];
    let before = requests(&e.emu).await;
    for (emails, spec, says) in cases {
        let err = e.core.invite_with(&a, org, &emails, &spec).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{spec:?}: {err:?}");
        assert!(err.message.contains(says), "{says}: {}", err.message);
    }
    assert_eq!(requests(&e.emu).await, before, "nothing was sent");
}

/// A role that may invite but not assign (the demo's People Manager): the invitation is sent and
/// cached with its organization role; each workspace role and team says it was refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_could_not_be_attached_is_said_and_the_cache_holds_only_what_took() {
    let e = env().await;
    let (a, org) = signed_in(&e, &e.emu.credentials().people_manager.key).await;
    let out = e.core.invite_with(&a, org, &["pm.invite@acme-ml.example".to_owned()], &spec()).await.unwrap();
    let o = &out[0];
    assert!(o.invitation.is_some(), "{o:?}");
    assert_eq!(o.failed().count(), 3, "{o:?}");
    assert!(o.failed().all(|f| f.error.as_ref().unwrap().code == ErrorCode::Forbidden));
    let inv = e.core.find_invitation(&a, org, "pm.invite@acme-ml.example").unwrap();
    assert_eq!(invitation_role_labels(&inv), ["Organization Member"]);
    assert!(inv.teams.is_empty());
}
