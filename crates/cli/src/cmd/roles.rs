//! `zpro roles` and `zpro roles show ROLE`: the organization's roles and who holds one: their grammar
//! (clap derive), carrying them out and the JSON item of `roles --json`.

use clap::{Args, Subcommand};
use serde::Serialize;
use zenml_pro_core::records;
use zenml_pro_core::{AccessEntry, CoreError};

use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{cell, clean, table, Freshness};
use crate::EXIT_OK;

/// `zpro roles [--json]` or `zpro roles show ROLE [--json]`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RolesArgs {
    #[command(subcommand)]
    pub command: Option<RolesCommand>,
    #[command(flatten)]
    pub json: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum RolesCommand {
    /// Who holds a role, and where (the organization, or which workspace). Read from the server.
    Show {
        /// The role's name or id.
        #[arg(value_name = "ROLE")]
        role: String,
        #[command(flatten)]
        json: JsonFlag,
    },
}

pub(crate) fn roles(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.roles(&account.id, org_id)?;
    let fresh = Freshness::from(&cached);
    let items: Vec<records::Role> = cached.value.iter().map(records::Role::new).collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["NAME", "LEVEL", "BUILT-IN", "ID"],
            row: &|r| {
                vec![
                    clean(&r.name),
                    clean(&r.level),
                    match r.system_managed {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "-",
                    }
                    .to_owned(),
                    r.id.to_string(),
                ]
            },
            empty: "No roles.",
        },
    )
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

/// Prints who holds which role where (`roles show`, `workspace access`): JSON or a table.
pub(super) fn print_entries(ctx: &mut Ctx<'_>, json: bool, entries: &[AccessEntry], empty: &str) -> Res {
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
