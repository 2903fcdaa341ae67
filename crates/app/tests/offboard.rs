//! Offboarding from the window against the emulator in both dialects: the plan across three signed-in
//! accounts (what each organization takes away, what cannot be done there), a run narrowed to one
//! organization, a fault on one organization leaving exactly it remaining (each step's result as an
//! event, nothing retried, the window told once per organization), and Cancel before the next step.

mod common;

use std::sync::Arc;

use common::{env, Env};
use serde_json::json;
use zenml_pro_app::views::{
    OffboardPlanView, OffboardReportView, OverridesView, StepActionView, StepRefView, StepStatusView,
};
use zenml_pro_app::{AppEvent, Entity, ErrorCode};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, Dialect, EmulatorConfig, RunningEmulator};

const DEMO: &str = "demo@zenml-pro.example";

/// The demo user's accounts: the acme-ml admin, orbit-labs' admin service account, and the demo user
/// themselves (the only one who sees tiny-startup, as an Organization Viewer).
async fn three_accounts(dialect: Dialect) -> (Env, RunningEmulator) {
    let e = env();
    let emu = start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.unwrap();
    let c = emu.credentials().clone();
    for key in [&c.multi_org.key, &c.admin.key, &c.service_account.key] {
        e.app.login_with_key(emu.base_url(), key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
    }
    (e, emu)
}

/// The DELETE requests the emulator logged since the last reset.
async fn deletes(emu: &RunningEmulator) -> Vec<String> {
    Control::new(emu)
        .requests()
        .await
        .iter()
        .filter(|r| r["method"] == "DELETE")
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect()
}

fn progress(e: &Env, from: usize) -> Vec<(u32, u32, String, StepStatusView)> {
    e.rec.events()[from..]
        .iter()
        .filter_map(|ev| match ev {
            AppEvent::OffboardProgress { index, total, result } => {
                Some((*index, *total, result.step.org_name.clone(), result.status))
            }
            _ => None,
        })
        .collect()
}

/// The steps of a plan as the window sends them back to run.
fn refs(plan: &OffboardPlanView) -> Vec<StepRefView> {
    plan.steps
        .iter()
        .map(|s| StepRefView {
            org_id: s.org_id.clone(),
            action: s.action,
            target_id: s.target_id.clone().expect("a step's target"),
            workspace_id: s.workspace_id.clone(),
            project_id: s.project_id.clone(),
        })
        .collect()
}

fn remaining(r: &OffboardReportView) -> Vec<(String, String)> {
    r.remaining
        .iter()
        .map(|x| (x.org_name.clone(), x.why.split(':').next().unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_narrowed_run_and_a_fault_on_one_organization() {
    for dialect in Dialect::ALL {
        let (e, emu) = three_accounts(dialect).await;

        // The plan: acme-ml and orbit-labs each take away the demo user's roles; tiny-startup cannot.
        let plan = e.app.offboard_plan(format!("  {DEMO} "), Vec::new()).await.unwrap();
        assert_eq!(plan.email, DEMO, "{dialect}");
        let steps: Vec<(&str, StepActionView)> =
            plan.steps.iter().map(|s| (s.org_name.as_str(), s.action)).collect();
        assert_eq!(
            steps,
            [("acme-ml", StepActionView::RemoveMember), ("orbit-labs", StepActionView::RemoveMember)],
            "{dialect}: {plan:?}"
        );
        assert!(plan.steps.iter().all(|s| !s.roles.is_empty() && s.label == DEMO), "{dialect}: {plan:?}");
        let blocked: Vec<&str> = plan.blocked.iter().map(|b| b.org_name.as_str()).collect();
        assert_eq!(blocked, ["tiny-startup"], "{dialect}: {plan:?}");
        assert!(plan.blocked[0].reason.contains("does not allow"), "{dialect}: {:?}", plan.blocked);
        let orbit = plan.steps[1].org_id.clone();

        // Narrowed to acme-ml: only it is planned and acted on.
        let narrow = e.app.offboard_plan(DEMO.into(), vec!["acme-ml".into()]).await.unwrap();
        assert_eq!(narrow.steps.len(), 1, "{dialect}: {narrow:?}");
        Control::new(&emu).reset_requests().await;
        let before = e.rec.events().len();
        let report = e.app.offboard_run(DEMO.into(), refs(&narrow), OverridesView::default()).await.unwrap();
        assert_eq!((report.done, report.failed, report.results.len()), (1, 0, 1), "{dialect}: {report:?}");
        assert!(report.remaining.is_empty(), "{dialect}: {report:?}");
        assert_eq!(progress(&e, before), [(1, 1, "acme-ml".into(), StepStatusView::Done)], "{dialect}");
        let acme_deletes = deletes(&emu).await;
        assert_eq!(acme_deletes.len(), 1, "{dialect}: {acme_deletes:?}");
        assert!(!acme_deletes[0].contains(&orbit), "{dialect}: {acme_deletes:?}");

        // A fault on orbit-labs: it fails with the server's words, and acme-ml is not offered again.
        let path = format!("/organizations/{orbit}/members");
        let rule = json!({"kind": "status", "status": 500, "path_prefix": path, "method": "DELETE"});
        Control::new(&emu).add_fault(rule).await;
        Control::new(&emu).reset_requests().await;
        let before = e.rec.events().len();
        let again = e.app.offboard_plan(DEMO.into(), Vec::new()).await.unwrap();
        let report = e.app.offboard_run(DEMO.into(), refs(&again), OverridesView::default()).await.unwrap();
        assert_eq!((report.done, report.failed, report.not_attempted), (0, 1, 0), "{dialect}: {report:?}");
        assert_eq!(remaining(&report), [("orbit-labs".into(), "failed".into())], "{dialect}: {report:?}");
        assert!(report.remaining[0].why.contains("500"), "{dialect}: {:?}", report.remaining);
        let err = report.results[0].error.as_ref().expect("the failure's error");
        assert!(!err.message.is_empty() && err.code != ErrorCode::Internal, "{dialect}: {err:?}");
        assert_eq!(progress(&e, before), [(1, 1, "orbit-labs".into(), StepStatusView::Failed)], "{dialect}");
        let sent = deletes(&emu).await;
        assert_eq!(
            sent.iter().filter(|p| p.starts_with(&path)).count(),
            1,
            "{dialect}: not retried: {sent:?}"
        );
        assert_eq!(sent.len(), 1, "{dialect}: {sent:?}");
        // The window is told once, for orbit-labs, that its members, invitations and teams changed.
        let changed: Vec<(Option<String>, Vec<Entity>)> = e.rec.events()[before..]
            .iter()
            .filter_map(|ev| match ev {
                AppEvent::DataChanged { org_id, entities, .. } => Some((org_id.clone(), entities.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            changed,
            [(Some(orbit.clone()), vec![Entity::Members, Entity::Invitations, Entity::Teams])],
            "{dialect}"
        );

        // Bad input in plain words.
        let err = e.app.offboard_plan("not an email".into(), Vec::new()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {err:?}");
        let bad = StepRefView { org_id: "no-such-org".into(), ..refs(&again)[0].clone() };
        let err = e.app.offboard_run(DEMO.into(), vec![bad], OverridesView::default()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {err:?}");
        // A step the plan no longer has (acme-ml's, done above) is refused before anything is sent.
        Control::new(&emu).reset_requests().await;
        let err = e.app.offboard_run(DEMO.into(), refs(&plan), OverridesView::default()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {err:?}");
        assert!(err.message.contains("no longer in it"), "{dialect}: {err:?}");
        assert!(deletes(&emu).await.is_empty(), "{dialect}");
        // Nothing chosen: nothing is run.
        let err = e.app.offboard_run(DEMO.into(), Vec::new(), OverridesView::default()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}: {err:?}");
        assert!(!e.app.cancel_offboard().await.unwrap(), "{dialect}: nothing is running");
        emu.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_before_the_next_step() {
    for dialect in Dialect::ALL {
        let (e, emu) = three_accounts(dialect).await;
        let plan = e.app.offboard_plan(DEMO.into(), Vec::new()).await.unwrap();
        assert_eq!(plan.steps.len(), 2, "{dialect}: {plan:?}");
        // Every DELETE is slow, so that the cancel lands while the run is under way.
        let rule = json!({"kind": "latency", "ms": 800, "method": "DELETE"});
        Control::new(&emu).add_fault(rule).await;
        Control::new(&emu).reset_requests().await;
        let app = Arc::clone(&e.app);
        let chosen = refs(&plan);
        let run =
            tokio::spawn(
                async move { app.offboard_run(DEMO.into(), chosen, OverridesView::default()).await },
            );
        // Cancel as soon as the run has started (it answers false until then).
        let mut tries = 0;
        while !e.app.cancel_offboard().await.unwrap() {
            tries += 1;
            assert!(tries < 2500, "{dialect}: the run never started");
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let report = run.await.unwrap().unwrap();
        assert_eq!(report.failed, 0, "{dialect}: {report:?}");
        assert!(report.not_attempted >= 1, "{dialect}: {report:?}");
        assert_eq!(report.done + report.not_attempted, 2, "{dialect}: {report:?}");
        let last = report.results.last().unwrap();
        assert_eq!(last.status, StepStatusView::NotAttempted, "{dialect}");
        assert_eq!(last.detail.as_deref(), Some("cancelled before it started"), "{dialect}");
        // Only the steps done reached the server.
        assert_eq!(deletes(&emu).await.len(), report.done as usize, "{dialect}");
        assert!(!e.app.cancel_offboard().await.unwrap(), "{dialect}: the run is over");
        emu.shutdown().await;
    }
}

/// A person with a workspace role and a team: the window's plan shows the role (with its workspace,
/// sent back as shown), the team, then the membership, and what is out of reach; the run takes them
/// away in that order, and the server keeps none of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_role_and_a_team_go_first_from_the_window() {
    const MEMBER: &str = "member@acme-ml.example";
    for dialect in Dialect::ALL {
        let e = env();
        let emu = start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.unwrap();
        e.app.login_with_key(emu.base_url(), emu.credentials().admin.key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
        let plan = e.app.offboard_plan(MEMBER.into(), vec!["acme-ml".into()]).await.unwrap();
        let shown: Vec<(StepActionView, Option<&str>)> =
            plan.steps.iter().map(|s| (s.action, s.on.as_deref())).collect();
        assert_eq!(
            shown,
            [
                (StepActionView::RevokeRole, Some("Workspace Developer on acme-research")),
                (StepActionView::LeaveTeam, Some("team data-science")),
                (StepActionView::RemoveMember, None),
            ],
            "{dialect}: {plan:?}"
        );
        assert!(plan.steps[0].workspace_id.is_some(), "{dialect}: {plan:?}");
        assert_eq!(plan.out_of_reach.len(), 2, "{dialect}");
        // The role step without its workspace is not the step shown: refused, nothing sent.
        let mut wrong = refs(&plan);
        wrong[0].workspace_id = None;
        Control::new(&emu).reset_requests().await;
        let err = e.app.offboard_run(MEMBER.into(), wrong, OverridesView::default()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {err:?}");
        assert!(deletes(&emu).await.is_empty(), "{dialect}");

        let report = e.app.offboard_run(MEMBER.into(), refs(&plan), OverridesView::default()).await.unwrap();
        assert_eq!((report.done, report.failed, report.not_attempted), (3, 0, 0), "{dialect}: {report:?}");
        assert!(report.remaining.is_empty() && report.out_of_reach.len() == 2, "{dialect}: {report:?}");
        let sent = deletes(&emu).await;
        assert_eq!(sent.len(), 3, "{dialect}: {sent:?}");
        assert!(sent[0].starts_with("/roles/") && sent[1].starts_with("/teams/"), "{dialect}: {sent:?}");
        assert!(sent[2].ends_with("/members"), "{dialect}: {sent:?}");
        // Planned again from what the server has now: the person is nowhere.
        e.app.sync_now().await.unwrap();
        let err = e.app.offboard_plan(MEMBER.into(), vec!["acme-ml".into()]).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}: {err:?}");
        emu.shutdown().await;
    }
}
