//! A workspace's lifecycle: ask for a state (`available` or `deactivated`), rename or re-describe it,
//! and follow a change until the workspace leaves `pending`.
//!
//! Every write goes through the write pipeline (`pipeline::workspaces`): checked before any request (a
//! workspace the cache knows, a state a client may ask for, a valid name), the workspace read from the
//! server right before acting, written through to the cache on success and journaled; each poll while
//! following is written to the cache too.
//! Whether the user may change a workspace is the server's to say (a 403 is `forbidden`).

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{Workspace, WorkspaceStatus};

use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::pipeline::workspaces::{SetWorkspaceState, UpdateWorkspace};
use crate::service::Core;

/// How [`Core::follow_workspace`] polls.
#[derive(Clone, Debug)]
pub struct FollowOptions {
    /// Time between polls.
    pub interval: Duration,
    /// How long to wait in all before giving up (the change goes on on the server).
    pub timeout: Duration,
    /// Cancelling it stops following at once (the change goes on on the server).
    pub cancel: CancellationToken,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            interval: Duration::from_secs(2),
            timeout: Duration::from_secs(15 * 60),
            cancel: CancellationToken::new(),
        }
    }
}

/// Checks a workspace name: 1 to 50 lowercase letters, digits and `-`, not starting with `-`.
pub fn check_workspace_name(name: &str) -> std::result::Result<(), String> {
    if name.is_empty() {
        return Err("the workspace name is empty".into());
    }
    if name.len() > 50 {
        return Err("the workspace name is longer than 50 characters".into());
    }
    if name.starts_with('-')
        || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("the workspace name may only have lowercase letters, digits and '-'".into());
    }
    Ok(())
}

impl Core {
    /// A workspace of the organization from the cache, by id or by name (case-insensitive when no
    /// exact match), or `invalid_input` naming the workspaces there are.
    pub fn find_workspace(&self, account_id: &str, org_id: Uuid, id_or_name: &str) -> Result<Workspace> {
        let needle = id_or_name.trim();
        let found = self.with_cache(|c| c.workspaces_matching(account_id, org_id, needle))?;
        if let Some(ws) = found.iter().find(|w| w.id.to_string() == needle || w.name == needle) {
            return Ok(ws.clone());
        }
        match found.len() {
            1 => return Ok(found.into_iter().next().expect("one")),
            0 => {}
            _ => {
                return Err(CoreError::invalid(
                    format!("several workspaces are named {needle:?}; give its id"),
                    vec![FieldMessage { field: "workspace".into(), message: "ambiguous".into() }],
                ))
            }
        }
        let names: Vec<String> =
            self.workspaces(account_id, org_id)?.value.into_iter().map(|w| w.name).collect();
        let known =
            if names.is_empty() { "none are cached; run `zpro sync`".into() } else { names.join(", ") };
        Err(CoreError::invalid(
            format!("no workspace {needle:?} in this organization (workspaces: {known})"),
            vec![FieldMessage { field: "workspace".into(), message: "unknown workspace".into() }],
        ))
    }

    /// Asks for a workspace's state: `Available` (activate) or `Deactivated`, once the server says the
    /// workspace still exists. Returns the workspace as the server answered (usually `pending`); follow
    /// it with [`Core::follow_workspace`]. Journaled, with the state the server had before.
    pub async fn set_workspace_state(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
        desired: WorkspaceStatus,
    ) -> Result<Workspace> {
        self.run(account_id, org_id, &SetWorkspaceState { workspace, desired }).await
    }

    /// Renames a workspace and/or changes its description, once the server says it still exists.
    /// Journaled, with the name or description the server had before.
    pub async fn update_workspace(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace: &str,
        name: Option<String>,
        description: Option<String>,
    ) -> Result<Workspace> {
        self.run(account_id, org_id, &UpdateWorkspace { workspace, name, description }).await
    }

    /// Polls `GET /workspaces/{id}` until its status is no longer `pending`, calling `progress` with
    /// each answer and writing each to the cache. Returns the workspace where it landed (`failed`
    /// included: compare it with what was asked for); `cancelled` when `options.cancel` fires, and a
    /// `server` error when `options.timeout` passes first (the change goes on on the server either way).
    pub async fn follow_workspace(
        &self,
        account_id: &str,
        org_id: Uuid,
        workspace_id: Uuid,
        options: &FollowOptions,
        progress: &mut (dyn FnMut(&Workspace) + Send),
    ) -> Result<Workspace> {
        let started = Instant::now();
        let id = workspace_id.to_string();
        loop {
            let ws = tokio::select! {
                _ = options.cancel.cancelled() => return Err(CoreError::cancelled()),
                ws = self.authed(account_id, |c, t| {
                    let id = id.clone();
                    async move { c.get_workspace(&t, &id).await }
                }) => ws?,
            };
            self.with_cache(|c| c.put_workspace(account_id, org_id, &ws))?;
            progress(&ws);
            if ws.status != WorkspaceStatus::Pending {
                return Ok(ws);
            }
            let left = options.timeout.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(CoreError::new(
                    ErrorCode::Server,
                    format!(
                        "the workspace {} is still pending after {} s; it goes on changing on the server",
                        ws.name,
                        options.timeout.as_secs()
                    ),
                ));
            }
            tokio::select! {
                _ = options.cancel.cancelled() => return Err(CoreError::cancelled()),
                _ = tokio::time::sleep(options.interval.min(left)) => {}
            }
        }
    }
}
