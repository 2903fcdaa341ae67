//! A workspace's lifecycle from the window: ask for a state, then follow the workspace in the
//! background until it leaves `pending`. Each poll is written to the cache by core and announced as a
//! `workspaces` change (the window's card shows the progress); where it lands is told as a
//! notification (when the settings allow) and in the window's notice bar. Signing out or quitting stops
//! following (the change goes on on the server).

use std::sync::Arc;

use uuid::Uuid;
use zenml_pro_core::api::{Workspace, WorkspaceStatus};
use zenml_pro_core::{Entity, FollowOptions};

use crate::app::App;
use crate::error::{IpcError, IpcResult};
use crate::events::AppEvent;
use crate::notify::NotificationKind;
use crate::refresh::Shared;

/// `state`: `available` (activate) or `deactivated`. Resolves as soon as the server took the change
/// (usually with the workspace `pending`); following it goes on in the background.
pub(crate) async fn set_workspace_state(
    app: &App,
    org: Option<String>,
    workspace: String,
    state: String,
) -> IpcResult<zenml_pro_core::records::Workspace> {
    let desired = match state.trim() {
        "available" => WorkspaceStatus::Available,
        "deactivated" => WorkspaceStatus::Deactivated,
        other => {
            return Err(IpcError::from(zenml_pro_core::CoreError::invalid(
                format!("a workspace can be made available or deactivated, not {other:?}"),
                Vec::new(),
            )))
        }
    };
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let ws = app.core().set_workspace_state(&account.id, org_id, &workspace, desired).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Workspaces]);
    if ws.status == WorkspaceStatus::Pending {
        let options = FollowOptions {
            interval: app.follow_interval(),
            cancel: app.follow_token(),
            ..Default::default()
        };
        follow(app.shared.clone(), account.id.clone(), org_id, ws.id, desired, options);
    } else {
        landed(&app.shared, &account.id, org_id, &ws, desired);
    }
    Ok(workspace_view(app, org_id, &ws))
}

/// Renames and/or re-describes a workspace (null leaves a field as it is).
pub(crate) async fn update_workspace(
    app: &App,
    org: Option<String>,
    workspace: String,
    name: Option<String>,
    description: Option<String>,
) -> IpcResult<zenml_pro_core::records::Workspace> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let ws = app.core().update_workspace(&account.id, org_id, &workspace, name, description).await?;
    app.changed(&account.id, Some(org_id), &[Entity::Workspaces]);
    Ok(workspace_view(app, org_id, &ws))
}

fn workspace_view(app: &App, org_id: Uuid, ws: &Workspace) -> zenml_pro_core::records::Workspace {
    zenml_pro_core::records::Workspace::new(ws, app.workspace_dashboard(org_id, ws))
}

fn follow(
    shared: Arc<Shared>,
    account_id: String,
    org_id: Uuid,
    workspace_id: Uuid,
    desired: WorkspaceStatus,
    options: FollowOptions,
) {
    tokio::spawn(async move {
        let events = shared.events.clone();
        let (acc, org) = (account_id.clone(), org_id.to_string());
        let mut progress = move |_: &Workspace| {
            events.emit(AppEvent::DataChanged {
                account_id: acc.clone(),
                org_id: Some(org.clone()),
                entities: vec![Entity::Workspaces],
            })
        };
        match shared.core.follow_workspace(&account_id, org_id, workspace_id, &options, &mut progress).await {
            Ok(ws) => landed(&shared, &account_id, org_id, &ws, desired),
            // Signed out or quitting: nothing to tell.
            Err(e) if e.code == zenml_pro_core::ErrorCode::Cancelled => {}
            Err(e) => {
                tracing::warn!(workspace = %workspace_id, code = ?e.code, "stopped following a workspace");
                shared.events.emit(AppEvent::Notice {
                    message: format!("Stopped following the workspace's change: {}", e.message),
                });
            }
        }
    });
}

/// Tells where a followed workspace landed.
fn landed(shared: &Shared, account_id: &str, org_id: Uuid, ws: &Workspace, desired: WorkspaceStatus) {
    let name = crate::notify::workspace_name(ws);
    let (about, title, body) = if ws.status == desired {
        let (kind, word) = match desired {
            WorkspaceStatus::Deactivated => (NotificationKind::WorkspaceDeactivated, "deactivated"),
            _ => (NotificationKind::WorkspaceAvailable, "available"),
        };
        (kind, format!("Workspace {word}"), format!("The workspace {name} is {word}."))
    } else {
        let reason = ws.state_reason.clone().filter(|r| !r.trim().is_empty());
        let why = reason.map(|r| format!(": {r}")).unwrap_or_default();
        (
            NotificationKind::WorkspaceFailed,
            "Workspace change failed".to_owned(),
            format!("The workspace {name} is {} instead of {}{why}", ws.status.as_str(), desired.as_str()),
        )
    };
    shared.events.emit(AppEvent::Notice { message: body.clone() });
    shared.notify(AppEvent::Notification {
        about,
        title,
        body,
        account_id: account_id.to_owned(),
        org_id: Some(org_id.to_string()),
    });
}
