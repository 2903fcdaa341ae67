//! Offboarding reaches every grant it can see, in every dialect the emulator speaks:
//!
//! - a person with a workspace role and a team membership: the plan lists the role, then the team,
//!   then the membership; the run takes them away in that order, and a fresh copy of the app reading
//!   the server finds nothing of theirs left;
//! - a plan that cannot read role assignments or team members still plans what the cache shows and
//!   says what could not be read, and why;
//! - what no step can reach is said with the plan and the report;
//! - the access review lists a member marked inactive who still holds roles.

mod common;

use std::sync::Arc;

use common::*;
use serde_json::json;
use uuid::Uuid;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::steps::StepAction;
use zenml_pro_core::{
    CancellationToken, Core, ErrorCode, MemoryKeyring, Overrides, ReviewQuery, StepRef, StepStatus,
    SyncOptions, OUT_OF_REACH,
};
use zenml_pro_emulator::{Dialect, EmulatorConfig, RunningEmulator};

/// In acme-ml: Organization Member, Workspace Developer on acme-research, in the data-science team.
const MEMBER: &str = "member@acme-ml.example";

async fn login(core: &Core, emu: &RunningEmulator, key: &str) -> String {
    core.login_with_key(&emu.base_url(), ApiKey::new(key)).await.expect("key sign-in").id
}

async fn sync(core: &Core, account: &str) {
    let report = core
        .sync(account, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .expect("sync");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
}

async fn setup(dialect: Dialect) -> (Env, String, Uuid) {
    let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
    let admin = login(&e.core, &e.emu, &e.emu.credentials().admin.key).await;
    sync(&e.core, &admin).await;
    let acme = e.core.resolve_org(&admin, Some("acme-ml")).unwrap();
    (e, admin, acme)
}

/// A second copy of the app (its own data directory and keyring) signed in as the admin and synced:
/// what the server holds now.
async fn fresh_copy(emu: &RunningEmulator) -> (tempfile::TempDir, Core, String) {
    let dir = tempfile::tempdir().unwrap();
    let core = open_core(dir.path(), Arc::new(MemoryKeyring::new()));
    let account = login(&core, emu, &emu.credentials().admin.key).await;
    sync(&core, &account).await;
    (dir, core, account)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_role_and_a_team_go_before_the_membership_and_nothing_is_left() {
    for dialect in Dialect::ALL {
        let (e, _admin, acme) = setup(dialect).await;
        let plan = e.core.offboard_plan(MEMBER, &["acme-ml".into()]).await.unwrap();
        let shown: Vec<(StepAction, Option<&str>)> =
            plan.steps.iter().map(|s| (s.action, s.on.as_deref())).collect();
        assert_eq!(
            shown,
            [
                (StepAction::RevokeRole, Some("Workspace Developer on acme-research")),
                (StepAction::LeaveTeam, Some("team data-science")),
                (StepAction::RemoveMember, None),
            ],
            "{dialect}: {plan:?}"
        );
        assert!(plan.blocked.is_empty(), "{dialect}: {:?}", plan.blocked);
        assert_eq!(plan.out_of_reach, OUT_OF_REACH.map(String::from), "{dialect}");
        let role = &plan.steps[0];
        assert!(role.workspace_id.is_some() && role.project_id.is_none(), "{dialect}: {role:?}");
        assert_eq!(role.member_id, plan.steps[2].target_id, "{dialect}: the member's own assignment");
        // The team step no longer leaves a note that they keep a role through a team.
        assert_eq!(plan.steps[2].note, None, "{dialect}");

        // Each step can be addressed exactly: narrowing to the steps shown keeps them all.
        let refs: Vec<StepRef> = plan.steps.iter().filter_map(StepRef::of).collect();
        let again = e.core.offboard_plan(MEMBER, &["acme-ml".into()]).await.unwrap().only(&refs).unwrap();
        assert_eq!(again.steps.len(), 3, "{dialect}");
        // A role step on another workspace is not one the plan has.
        let mut other = refs[0].clone();
        other.workspace_id = Some(Uuid::from_u128(7));
        let err = again.clone().only(&[other]).unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {err}");

        let order = std::sync::Mutex::new(Vec::new());
        let report = e
            .core
            .offboard_run(
                &again,
                Overrides::default(),
                |p| order.lock().unwrap().push(p.result.step.action),
                CancellationToken::new(),
            )
            .await;
        assert!(report.complete(), "{dialect}: {report:?}");
        assert_eq!(
            order.into_inner().unwrap(),
            [StepAction::RevokeRole, StepAction::LeaveTeam, StepAction::RemoveMember],
            "{dialect}"
        );
        assert!(
            report.results.iter().all(|r| r.status == StepStatus::Done && r.detail.is_none()),
            "{dialect}: {report:?}"
        );
        assert_eq!(report.out_of_reach.len(), 2, "{dialect}");

        // The server, read by a copy of the app that never saw the person's grants.
        let (_dir, fresh, account) = fresh_copy(&e.emu).await;
        let access = fresh.workspace_access(&account, acme, "acme-research").await.unwrap();
        assert!(!access.iter().any(|a| a.holder == MEMBER), "{dialect}: {access:?}");
        let team = fresh.team_members(&account, acme, "data-science").await.unwrap();
        assert!(!team.members.iter().any(|m| m.email() == Some(MEMBER)), "{dialect}: {:?}", team.members);
        let member = fresh.find_member(&account, acme, MEMBER);
        assert_eq!(member.map(|_| ()).unwrap_err().code, ErrorCode::NotFound, "{dialect}");
        // Nothing is left to plan: the person is nowhere.
        let after = fresh.offboard_plan(MEMBER, &["acme-ml".into()]).await.unwrap_err();
        assert_eq!(after.code, ErrorCode::NotFound, "{dialect}: {after}");

        // Journaled, one entry per step.
        let log = e.core.activity(&Default::default()).unwrap();
        let kinds: Vec<&str> = log.entries.iter().map(|x| x.kind.as_str()).collect();
        for k in ["grant_revoke", "team_member_remove", "member_removal"] {
            assert!(kinds.contains(&k), "{dialect}: {kinds:?}");
        }
        e.emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_that_cannot_be_read_are_said_and_the_rest_is_planned() {
    for dialect in Dialect::ALL {
        let (e, _admin, _acme) = setup(dialect).await;
        fault(&e.emu, json!({"kind": "status", "status": 403, "path_prefix": "/roles/"})).await;
        let plan = e.core.offboard_plan(MEMBER, &["acme-ml".into()]).await.unwrap();
        let actions: Vec<StepAction> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, [StepAction::LeaveTeam, StepAction::RemoveMember], "{dialect}: {plan:?}");
        assert_eq!(plan.blocked.len(), 1, "{dialect}: {:?}", plan.blocked);
        let b = &plan.blocked[0];
        assert_eq!(b.action, Some(StepAction::RevokeRole), "{dialect}: {b:?}");
        assert!(
            b.reason.contains("workspace and project roles could not be read"),
            "{dialect}: {}",
            b.reason
        );
        clear_faults(&e.emu).await;

        // Team members refused: the role is still planned, the team is said not to be read.
        fault(&e.emu, json!({"kind": "status", "status": 403, "path_prefix": "/teams/"})).await;
        let plan = e.core.offboard_plan(MEMBER, &["acme-ml".into()]).await.unwrap();
        let actions: Vec<StepAction> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, [StepAction::RevokeRole, StepAction::RemoveMember], "{dialect}: {plan:?}");
        let reasons: Vec<&str> = plan.blocked.iter().map(|b| b.reason.as_str()).collect();
        assert!(
            reasons.iter().any(|r| r.contains("team memberships could not be read")),
            "{dialect}: {reasons:?}"
        );
        // Keeping a role through a team is said again, since the team is not planned.
        assert!(
            plan.steps[1].note.as_deref().is_some_and(|n| n.contains("through a team")),
            "{dialect}: {:?}",
            plan.steps[1]
        );
        clear_faults(&e.emu).await;

        // Offline: the server cannot be reached at all; what the cache shows is still planned.
        let base = e.emu.base_url();
        e.emu.shutdown().await;
        let plan = e.core.offboard_plan(MEMBER, &["acme-ml".into()]).await.unwrap();
        let actions: Vec<StepAction> = plan.steps.iter().map(|s| s.action).collect();
        assert_eq!(actions, [StepAction::RemoveMember], "{dialect} ({base} is gone): {plan:?}");
        let unread: Vec<Option<StepAction>> = plan.blocked.iter().map(|b| b.action).collect();
        assert_eq!(
            unread,
            [Some(StepAction::RevokeRole), Some(StepAction::LeaveTeam)],
            "{dialect}: {plan:?}"
        );
        assert_eq!(plan.out_of_reach.len(), 2, "{dialect}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_finds_members_marked_inactive_who_still_hold_roles() {
    for dialect in Dialect::ALL {
        let (e, admin, _acme) = setup(dialect).await;
        let inactive = |core: &Core| {
            core.access_review(&ReviewQuery::default())
                .unwrap()
                .findings
                .into_iter()
                .filter(|f| f.section.as_str() == "inactive")
                .collect::<Vec<_>>()
        };
        assert!(inactive(&e.core).is_empty(), "{dialect}: nobody is inactive yet");
        control(&e.emu, "users/active", json!({"email": MEMBER, "active": false})).await;
        sync(&e.core, &admin).await;
        let found = inactive(&e.core);
        let here: Vec<_> = found.iter().filter(|f| f.org_name == "acme-ml").collect();
        assert_eq!(here.len(), 1, "{dialect}: {found:?}");
        let f = here[0];
        assert_eq!(f.email.as_deref(), Some(MEMBER), "{dialect}");
        assert!(f.roles.iter().any(|r| r == "Organization Member"), "{dialect}: {:?}", f.roles);
        assert!(f.detail.contains("inactive") && f.detail.contains("offboard"), "{dialect}: {}", f.detail);
        let count = e.core.access_review(&ReviewQuery::default()).unwrap().sections;
        let n = count.iter().find(|s| s.section.as_str() == "inactive").map(|s| s.count);
        assert_eq!(n, Some(found.len()), "{dialect}");

        // Offboarded, they hold nothing and are no finding.
        let plan = e.core.offboard_plan(MEMBER, &["acme-ml".into()]).await.unwrap();
        let report = e.core.offboard_run(&plan, Overrides::default(), |_| {}, CancellationToken::new()).await;
        assert!(report.complete(), "{dialect}: {report:?}");
        sync(&e.core, &admin).await;
        assert!(inactive(&e.core).iter().all(|f| f.org_name != "acme-ml"), "{dialect}");
        e.emu.shutdown().await;
    }
}
