//! `zpro workspace …` (lifecycle, rename, access, grant, revoke) and `zpro roles show`: resolve the account
//! and organization, call core, print. Every check happens in core before any request.

use serde::Serialize;
use zenml_pro_core::api::{Workspace, WorkspaceStatus};
use zenml_pro_core::{AccessEntry, CoreError, FollowOptions};

use crate::args::{GrantArgs, RolesCommand, WorkspaceCommand, WorkspaceStateArgs};
use crate::cmd::Ctx;
use crate::output::{cell, clean, table};
use crate::{EXIT_FAILURE, EXIT_OK};

macro_rules! say {
    ($w:expr, $($t:tt)*) => {{ let _ = writeln!($w, $($t)*); }};
}

type Res = Result<i32, CoreError>;

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

fn print_entries(ctx: &mut Ctx<'_>, json: bool, entries: &[AccessEntry], empty: &str) -> Res {
    if json {
        #[derive(Serialize)]
        struct Out<'a> {
            items: &'a [AccessEntry],
        }
        let text = serde_json::to_string_pretty(&Out { items: entries })
            .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
        say!(ctx.out, "{text}");
        return Ok(EXIT_OK);
    }
    if entries.is_empty() {
        say!(ctx.out, "{empty}");
        return Ok(EXIT_OK);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.workspace.as_deref().map_or_else(|| "(organization)".to_owned(), clean),
                clean(&e.holder),
                e.kind.to_owned(),
                clean(&e.role),
                cell(e.level.map(|l| l.as_str())),
            ]
        })
        .collect();
    let _ = write!(ctx.out, "{}", table(&["WHERE", "HOLDER", "KIND", "ROLE", "LEVEL"], &rows));
    Ok(EXIT_OK)
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

pub(crate) async fn roles_command(ctx: &mut Ctx<'_>, command: RolesCommand) -> Res {
    let RolesCommand::Show { role, json } = command;
    let (account, org_id) = ctx.account_and_org()?;
    let (role, entries) = ctx.core.role_holders(&account.id, org_id, &role).await?;
    if !json.json {
        say!(ctx.out, "{} ({})", clean(&role.name), cell(role.level.map(|l| l.as_str())));
    }
    print_entries(ctx, json.json, &entries, "Nobody holds this role.")
}
