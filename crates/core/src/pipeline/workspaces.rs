//! The writes on a workspace: ask for a state (`available` or `deactivated`), rename or re-describe
//! it. Each reads the workspace from the server right before acting.

use zenml_cloud_api::{Workspace, WorkspaceStatus, WorkspaceUpdate};

use super::{Ctx, Entry, Write};
use crate::cache::ActivityKind as K;
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::lifecycle::check_workspace_name;

/// The workspace as the server has it now; `not_found` when it no longer exists there.
pub(crate) async fn workspace_now(cx: Ctx<'_>, ws: &Workspace) -> Result<Workspace> {
    let id = ws.id.to_string();
    let now = cx
        .core
        .authed(cx.account_id, |c, t| {
            let id = id.clone();
            async move { c.get_workspace(&t, &id).await }
        })
        .await;
    match now {
        Err(e) if e.code == ErrorCode::NotFound => Err(CoreError::not_found(format!(
            "the workspace {} no longer exists on the server (already gone); nothing was changed",
            ws.name
        ))),
        other => other,
    }
}

async fn patch(cx: Ctx<'_>, ws: &Workspace, update: &WorkspaceUpdate) -> Result<Workspace> {
    let id = ws.id;
    let ws = cx
        .core
        .authed(cx.account_id, |c, t| {
            let update = update.clone();
            async move { c.update_workspace(&t, id, &update).await }
        })
        .await?;
    tracing::info!(org = %cx.org_id, workspace = %id, status = ws.status.as_str(), "workspace changed");
    Ok(ws)
}

/// A workspace asked for a state: `Available` (activate) or `Deactivated`.
pub(crate) struct SetWorkspaceState<'a> {
    pub workspace: &'a str,
    pub desired: WorkspaceStatus,
}

impl Write for SetWorkspaceState<'_> {
    type Target = Workspace;
    /// The workspace as the server has it now.
    type State = Workspace;
    /// The workspace as the server answered (usually `pending`).
    type Answer = Workspace;

    fn kind(&self) -> K {
        K::WorkspaceState
    }

    fn named(&self) -> String {
        self.workspace.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Workspace> {
        if !matches!(self.desired, WorkspaceStatus::Available | WorkspaceStatus::Deactivated) {
            return Err(CoreError::invalid(
                format!(
                    "a workspace can be asked to be available or deactivated, not {}",
                    self.desired.as_str()
                ),
                vec![FieldMessage { field: "desired_state".into(), message: "not allowed".into() }],
            ));
        }
        cx.core.find_workspace(cx.account_id, cx.org_id, self.workspace)
    }

    async fn read(&self, cx: Ctx<'_>, ws: &Workspace) -> Result<Workspace> {
        workspace_now(cx, ws).await
    }

    async fn act(&self, cx: Ctx<'_>, _: &Workspace, now: &Workspace) -> Result<Workspace> {
        patch(cx, now, &WorkspaceUpdate { desired_state: Some(self.desired), ..Default::default() }).await
    }

    fn cache(&self, cx: Ctx<'_>, _: &Workspace, _: &Workspace, ws: &Workspace) -> Result<()> {
        cx.core.with_cache(|c| c.put_workspace(cx.account_id, cx.org_id, ws))
    }

    fn entry(&self, _: Ctx<'_>, ws: &Workspace, now: Option<&Workspace>) -> Entry {
        let mut e = Entry::new(K::WorkspaceState, now.unwrap_or(ws).name.clone())
            .id(ws.id)
            .detail(self.desired.as_str());
        e.replaced.state = now.map(|w| w.status.as_str().to_owned());
        e
    }
}

/// A workspace renamed and/or re-described.
pub(crate) struct UpdateWorkspace<'a> {
    pub workspace: &'a str,
    pub name: Option<String>,
    pub description: Option<String>,
}

impl Write for UpdateWorkspace<'_> {
    type Target = (Workspace, WorkspaceUpdate);
    /// The workspace as the server has it now.
    type State = Workspace;
    type Answer = Workspace;

    fn kind(&self) -> K {
        if self.name.is_some() {
            K::WorkspaceRename
        } else {
            K::WorkspaceDescription
        }
    }

    fn named(&self) -> String {
        self.workspace.to_owned()
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Self::Target> {
        let name = self.name.as_ref().map(|n| n.trim().to_owned());
        if let Some(n) = &name {
            check_workspace_name(n).map_err(|m| {
                CoreError::invalid(m.clone(), vec![FieldMessage { field: "name".into(), message: m }])
            })?;
        }
        if name.is_none() && self.description.is_none() {
            return Err(CoreError::invalid("nothing to change", Vec::new()));
        }
        let ws = cx.core.find_workspace(cx.account_id, cx.org_id, self.workspace)?;
        Ok((ws, WorkspaceUpdate { name, description: self.description.clone(), ..Default::default() }))
    }

    async fn read(&self, cx: Ctx<'_>, (ws, _): &Self::Target) -> Result<Workspace> {
        workspace_now(cx, ws).await
    }

    async fn act(&self, cx: Ctx<'_>, (_, update): &Self::Target, now: &Workspace) -> Result<Workspace> {
        patch(cx, now, update).await
    }

    fn cache(&self, cx: Ctx<'_>, _: &Self::Target, _: &Workspace, ws: &Workspace) -> Result<()> {
        cx.core.with_cache(|c| c.put_workspace(cx.account_id, cx.org_id, ws))
    }

    fn entry(&self, _: Ctx<'_>, (ws, update): &Self::Target, now: Option<&Workspace>) -> Entry {
        let mut e = Entry::new(self.kind(), now.unwrap_or(ws).name.clone()).id(ws.id);
        if let Some(now) = now {
            e.replaced.name = update.name.as_ref().map(|_| now.name.clone());
            e.replaced.description =
                update.description.as_ref().map(|_| now.description.clone().unwrap_or_default());
        }
        e.detail = update.name.clone().or_else(|| update.description.clone());
        e
    }
}
