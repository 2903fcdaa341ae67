//! `zpro orgs`, `zpro switch` and `zpro org ...`: the account's organizations, the active one, and
//! showing or changing one: their grammar (clap derive), carrying them out and the JSON item of
//! `orgs --json` and `org show --json`.

use chrono::Utc;
use clap::Subcommand;
use zenml_pro_core::records;
use zenml_pro_core::CoreError;

use super::{Ctx, Res, View};
use crate::args::JsonFlag;
use crate::output::{cell, clean, date, table, Freshness, Single};
use crate::EXIT_OK;

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Show the organization's details.
    Show {
        /// Print JSON: {"fetched_at", "stale", "last_error", "item": {...}}.
        #[arg(long)]
        json: bool,
    },
    /// Rename the organization.
    Rename {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Set the organization's description.
    Describe {
        #[arg(value_name = "TEXT")]
        text: String,
    },
}

pub(crate) fn orgs(ctx: &mut Ctx<'_>, f: JsonFlag) -> Res {
    let account = ctx.account()?;
    let list = ctx.core.organization_list(&account.id)?;
    let entries = list.entries;
    let fresh = Freshness {
        fetched_at: list.fetched_at,
        stale: list.stale,
        last_error: list.last_error,
        local: false,
        hidden: false,
        skipped: list.skipped,
    };
    let items: Vec<records::Organization> =
        entries.iter().map(|e| records::Organization::new(&e.organization, e.active)).collect();
    ctx.listing(
        f.json,
        &fresh,
        items,
        None,
        View {
            header: &["", "NAME", "DISPLAY NAME", "PLAN", "ID"],
            row: &|o| {
                vec![
                    if o.active { "*" } else { "" }.to_owned(),
                    clean(&o.name),
                    cell(o.display_name.as_deref()),
                    cell(o.plan.as_deref()),
                    o.id.to_string(),
                ]
            },
            empty: "No organizations in the cache: run `zpro sync`.",
        },
    )
}

pub(crate) async fn switch(ctx: &mut Ctx<'_>, wanted: &str) -> Res {
    let account = ctx.account()?;
    let org = ctx.core.switch_organization(&account.id, wanted).await?;
    say!(
        ctx.out,
        "Active organization: {}{}.",
        clean(&org.name),
        org.display_name.as_deref().map(|d| format!(" ({})", clean(d))).unwrap_or_default()
    );
    Ok(EXIT_OK)
}

pub(crate) async fn org(ctx: &mut Ctx<'_>, command: OrgCommand) -> Res {
    match command {
        OrgCommand::Show { json } => org_show(ctx, json),
        OrgCommand::Rename { name } => {
            let (account, org_id) = ctx.account_and_org()?;
            let before = ctx.org_name(&account.id, org_id);
            let org = ctx.core.update_organization(&account.id, org_id, Some(name), None).await?;
            say!(ctx.out, "Renamed organization {before} to {}.", clean(&org.name));
            Ok(EXIT_OK)
        }
        OrgCommand::Describe { text } => {
            let (account, org_id) = ctx.account_and_org()?;
            let org = ctx.core.update_organization(&account.id, org_id, None, Some(text)).await?;
            say!(ctx.out, "Description of {} set to: {}", clean(&org.name), cell(org.description.as_deref()));
            Ok(EXIT_OK)
        }
    }
}

fn org_show(ctx: &mut Ctx<'_>, json: bool) -> Res {
    let (account, org_id) = ctx.account_and_org()?;
    let cached = ctx.core.organization(&account.id, &org_id.to_string())?;
    let active = ctx.core.active_organization(&account.id)? == Some(org_id);
    let fresh = Freshness::from(&cached);
    let item = records::Organization::new(&cached.value, active);
    if json {
        let single = Single {
            fetched_at: fresh.fetched_at,
            stale: fresh.stale,
            last_error: fresh.last_error.clone(),
            item,
        };
        let text = serde_json::to_string_pretty(&single)
            .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
        say!(ctx.out, "{text}");
        return Ok(EXIT_OK);
    }
    let mine = ctx.core.my_roles(&account.id, org_id)?;
    let o = &cached.value;
    let rows = vec![
        vec!["Name".to_owned(), clean(&o.name)],
        vec!["Display name".to_owned(), cell(o.display_name.as_deref())],
        vec!["Description".to_owned(), cell(o.description.as_deref())],
        vec!["Plan".to_owned(), cell(item.plan.as_deref())],
        vec!["Active".to_owned(), if active { "yes" } else { "no" }.to_owned()],
        vec!["Your roles".to_owned(), if mine.is_empty() { "-".to_owned() } else { clean(&mine.join(", ")) }],
        vec!["Created".to_owned(), date(o.created)],
        vec!["Updated".to_owned(), date(o.updated)],
        vec!["ID".to_owned(), o.id.to_string()],
    ];
    let text = table(&["", ""], &rows);
    // The two-column table without its empty header line.
    let _ = write!(ctx.out, "{}", text.split_once('\n').map_or("", |(_, rest)| rest));
    for line in fresh.lines(Utc::now()) {
        say!(ctx.out, "{line}");
    }
    Ok(EXIT_OK)
}
