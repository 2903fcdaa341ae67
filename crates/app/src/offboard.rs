//! Offboarding a person from the window: core plans it (the membership and invitations from the cache,
//! workspace and project roles and teams read from the server), the window sends back exactly
//! the steps it showed (by id), and core carries out those and no others, one step at a time (`Core::offboard_plan`, `Core::offboard_run`, each step logged in the activity log by core's
//! writes); here each result becomes an `offboard_progress` event as it completes, the run can be
//! cancelled before its next step, and afterwards the window is told once per organization acted on
//! which lists changed.

use std::collections::BTreeSet;

use zenml_pro_core::steps::StepStatus;
use zenml_pro_core::{CancellationToken, Entity, Overrides, StepRef};

use crate::app::{lock, App};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::events::AppEvent;
use crate::views::{OffboardPlanView, OffboardReportView, OverridesView, StepRefView, StepResultView};

fn orgs_given(orgs: Vec<String>) -> Vec<String> {
    orgs.into_iter().map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect()
}

pub(crate) async fn plan(app: &App, email: String, orgs: Vec<String>) -> IpcResult<OffboardPlanView> {
    Ok(OffboardPlanView::from(&app.core().offboard_plan(&email, &orgs_given(orgs)).await?))
}

/// Clears the running offboarding's token when the run ends, however it ends.
struct Running<'a>(&'a App);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        *lock(&self.0.offboard) = None;
    }
}

/// The steps the window sent, as core names them; an id that is not one is invalid input.
fn chosen(steps: &[StepRefView]) -> IpcResult<Vec<StepRef>> {
    steps
        .iter()
        .map(|s| {
            let id = |v: &str| {
                uuid::Uuid::parse_str(v.trim())
                    .map_err(|_| IpcError::new(ErrorCode::InvalidInput, format!("{v:?} is not an id")))
            };
            let opt = |v: &Option<String>| v.as_deref().map(id).transpose();
            Ok(StepRef {
                org_id: id(&s.org_id)?,
                action: s.action.into(),
                target_id: id(&s.target_id)?,
                workspace_id: opt(&s.workspace_id)?,
                project_id: opt(&s.project_id)?,
            })
        })
        .collect()
}

pub(crate) async fn run(
    app: &App,
    email: String,
    steps: Vec<StepRefView>,
    overrides: OverridesView,
) -> IpcResult<OffboardReportView> {
    let chosen = chosen(&steps)?;
    // Planned again from the cache over exactly the organizations shown, then narrowed to exactly the
    // steps shown: a step that is no longer there is refused, and nothing else is added.
    let mut orgs: Vec<String> = chosen.iter().map(|s| s.org_id.to_string()).collect();
    orgs.dedup();
    let plan = app.core().offboard_plan(&email, &orgs).await?.only(&chosen)?;
    let overrides = Overrides { remove_self: overrides.remove_self, last_admin: overrides.last_admin };
    let cancel = CancellationToken::new();
    {
        let mut slot = lock(&app.offboard);
        if slot.is_some() {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                "an offboarding is already running: wait for it to finish or cancel it",
            ));
        }
        *slot = Some(cancel.clone());
    }
    let _running = Running(app);
    let events = app.shared.events.clone();
    let progress = move |p: zenml_pro_core::steps::StepProgress| {
        events.emit(AppEvent::OffboardProgress {
            index: u32::try_from(p.index).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            result: Box::new(StepResultView::from(&p.result)),
        });
    };
    let report = app.core().offboard_run(&plan, overrides, progress, cancel).await;
    // One change per organization acted on (the writes updated the cache of every signed-in account
    // that has it; the refresh afterwards went through the step's account).
    let tried: BTreeSet<(String, uuid::Uuid)> = report
        .results
        .iter()
        .filter(|r| r.status != StepStatus::NotAttempted)
        .map(|r| (r.step.account_id.clone(), r.step.org_id))
        .collect();
    for (account_id, org_id) in tried {
        app.changed(&account_id, Some(org_id), &[Entity::Members, Entity::Invitations, Entity::Teams]);
    }
    Ok(OffboardReportView::from(&report))
}

pub(crate) fn cancel(app: &App) -> IpcResult<bool> {
    let slot = lock(&app.offboard);
    if let Some(token) = slot.as_ref() {
        token.cancel();
    }
    Ok(slot.is_some())
}
