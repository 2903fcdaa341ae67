//! `zpro workspaces` and `zpro workspace ...` (lifecycle, rename, access, grant, revoke): the
//! organization's workspaces and who holds roles on them: their grammar (clap derive), carrying them
//! out (every check happens in core before any request) and the JSON item of `workspaces --json`.

use clap::{Args, Subcommand};
use zenml_pro_core::api::{Workspace, WorkspaceStatus};
use zenml_pro_core::records;
use zenml_pro_core::FollowOptions;

use super::roles::print_entries;
use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{cell, clean, Freshness};
use crate::{EXIT_FAILURE, EXIT_OK};

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Deactivate a workspace; waits until it lands (progress on stderr) unless --no-wait.
    Deactivate(WorkspaceStateArgs),
    /// Activate a workspace; waits until it lands (progress on stderr) unless --no-wait.
    Activate(WorkspaceStateArgs),
    /// Who holds which role on a workspace (read from the server).
    Access {
        /// The workspace's id or name.
        #[arg(value_name = "WS")]
        workspace: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Give a member (by email), a pending invitation (by email) or a team (by name) a workspace role.
    Grant(GrantArgs),
    /// Take a workspace role back.
    Revoke(GrantArgs),
    /// Rename a workspace (and optionally change its description).
    Rename {
        /// The workspace's id or name.
        #[arg(value_name = "WS")]
        workspace: String,
        /// The new name.
        #[arg(value_name = "NEW")]
        name: String,
        /// A new description.
        #[arg(long, value_name = "D")]
        description: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct WorkspaceStateArgs {
    /// The workspace's id or name.
    #[arg(value_name = "WS")]
    pub workspace: String,
    /// Return as soon as the server accepted the change.
    #[arg(long)]
    pub no_wait: bool,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    /// The workspace's id or name.
    #[arg(value_name = "WS")]
    pub workspace: String,
    /// A member's or pending invitation's email, or a team's name.
    #[arg(value_name = "EMAIL|TEAM")]
    pub who: String,
    /// A workspace role's name (for example "Workspace Developer").
    #[arg(value_name = "ROLE")]
    pub role: String,
}

pub(crate) fn workspaces(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.workspaces(&account.id, org_id)?;
    let fresh = Freshness::from(&cached);
    let dashboards = zenml_pro_core::Dashboards::from_env();
    let items: Vec<records::Workspace> = cached
        .value
        .iter()
        .map(|w| records::Workspace::new(w, dashboards.workspace_page(org_id, w)))
        .collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["NAME", "TYPE", "STATUS", "VERSION", "SERVER URL"],
            row: &|w| {
                vec![
                    clean(&w.name),
                    clean(zenml_pro_core::api::WorkspaceKind::of(Some(&w.workspace_type)).label()),
                    clean(&w.status),
                    cell(w.version.as_deref()),
                    cell(w.server_url.as_deref()),
                ]
            },
            empty: "No workspaces.",
        },
    )
}

pub(crate) async fn workspace(ctx: &mut Ctx<'_>, command: WorkspaceCommand) -> Res {
    match command {
        WorkspaceCommand::Deactivate(a) => change_state(ctx, a, WorkspaceStatus::Deactivated).await,
        WorkspaceCommand::Activate(a) => change_state(ctx, a, WorkspaceStatus::Available).await,
        WorkspaceCommand::Access { workspace, json } => access(ctx, &workspace, json.json).await,
        WorkspaceCommand::Grant(a) => grant(ctx, a, true).await,
        WorkspaceCommand::Revoke(a) => grant(ctx, a, false).await,
        WorkspaceCommand::Rename { workspace, name, description } => {
            rename(ctx, &workspace, name, description).await
        }
    }
}

async fn rename(ctx: &mut Ctx<'_>, workspace: &str, name: String, description: Option<String>) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let old = ctx.core.find_workspace(&account.id, org_id, workspace)?.name;
    let ws = ctx.core.update_workspace(&account.id, org_id, workspace, Some(name), description).await?;
    say!(ctx.out, "Renamed workspace {} to {} (workspace {}).", clean(&old), clean(&ws.name), ws.id);
    Ok(EXIT_OK)
}

fn reason(ws: &Workspace) -> String {
    ws.state_reason
        .as_deref()
        .filter(|r| !r.is_empty())
        .map_or_else(String::new, |r| format!(": {}", clean(r)))
}

async fn change_state(ctx: &mut Ctx<'_>, args: WorkspaceStateArgs, desired: WorkspaceStatus) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let ws = ctx.core.set_workspace_state(&account.id, org_id, &args.workspace, desired).await?;
    let name = clean(&ws.name);
    if args.no_wait || ws.status != WorkspaceStatus::Pending {
        return landed(ctx, &ws, desired, args.no_wait);
    }
    say!(ctx.err, "{name}: pending (asked for {})", desired.as_str());
    // Progress lines go through a channel, so following stays a `Send` future while stderr is not.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut last = WorkspaceStatus::Pending;
    let mut progress = move |w: &Workspace| {
        let line = if w.status != last {
            format!("{}: {}\n", clean(&w.name), w.status.as_str())
        } else {
            ".".into()
        };
        last = w.status;
        let _ = tx.send(line);
    };
    let options =
        FollowOptions { interval: std::time::Duration::from_millis(250), ..FollowOptions::default() };
    let (core, err) = (&ctx.core, &mut *ctx.err);
    let follow = async {
        let r = core.follow_workspace(&account.id, org_id, ws.id, &options, &mut progress).await;
        drop(progress);
        r
    };
    let print = async {
        while let Some(line) = rx.recv().await {
            let _ = write!(err, "{line}");
            let _ = err.flush();
        }
    };
    let (ws, ()) = tokio::join!(follow, print);
    let ws = ws?;
    landed(ctx, &ws, desired, false)
}

fn landed(ctx: &mut Ctx<'_>, ws: &Workspace, desired: WorkspaceStatus, no_wait: bool) -> Res {
    let name = clean(&ws.name);
    if ws.status == desired {
        say!(ctx.out, "{name} is {}.", desired.as_str());
        Ok(EXIT_OK)
    } else if no_wait && ws.status == WorkspaceStatus::Pending {
        say!(
            ctx.out,
            "{name} is pending (asked for {}); see `zpro sync` then `zpro workspaces`.",
            desired.as_str()
        );
        Ok(EXIT_OK)
    } else {
        say!(
            ctx.err,
            "error: {name} is {} instead of {}{}",
            ws.status.as_str(),
            desired.as_str(),
            reason(ws)
        );
        Ok(EXIT_FAILURE)
    }
}

async fn access(ctx: &mut Ctx<'_>, workspace: &str, json: bool) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let entries = ctx.core.workspace_access(&account.id, org_id, workspace).await?;
    print_entries(ctx, json, &entries, "No roles are held on this workspace.")
}

async fn grant(ctx: &mut Ctx<'_>, a: GrantArgs, give: bool) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let e = if give {
        ctx.core.grant_workspace_role(&account.id, org_id, &a.workspace, &a.who, &a.role).await?
    } else {
        ctx.core.revoke_workspace_role(&account.id, org_id, &a.workspace, &a.who, &a.role).await?
    };
    let ws = e.workspace.as_deref().map_or_else(String::new, clean);
    if give {
        say!(ctx.out, "{} ({}) now holds {} on {ws}.", clean(&e.holder), e.kind, clean(&e.role));
    } else {
        say!(ctx.out, "{} ({}) no longer holds {} on {ws}.", clean(&e.holder), e.kind, clean(&e.role));
    }
    Ok(EXIT_OK)
}
