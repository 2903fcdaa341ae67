//! `zpro log` and `zpro undo ID`: the activity log of every change this app made (local data, read
//! offline; `--account` and `--org` narrow it), and undoing a reversible entry.

use chrono::Utc;
use zenml_pro_core::{ActivityEntry, ActivityKind, ActivityQuery, CoreError};

use super::{Ctx, Res, View};
use crate::activity_args::{LogArgs, UndoArgs};
use crate::output::{clean, local_time, Freshness};
use crate::EXIT_OK;

fn kind_arg(raw: &str) -> Result<ActivityKind, CoreError> {
    ActivityKind::parse(raw).ok_or_else(|| {
        let kinds: Vec<&str> = ActivityKind::ALL.iter().map(|k| k.as_str()).collect();
        CoreError::invalid(
            format!("{raw:?} is not a kind of change; choose one of: {}", kinds.join(", ")),
            Vec::new(),
        )
    })
}

/// The WHAT cell: the kind in words, and what it set.
fn what(e: &ActivityEntry) -> String {
    let kind = e.kind.as_str().replace('_', " ");
    match e.detail.as_deref() {
        Some(d) if !d.is_empty() => clean(&format!("{kind}: {d}")),
        _ => kind,
    }
}

fn result(e: &ActivityEntry) -> String {
    if e.ok {
        "ok".to_owned()
    } else {
        format!("failed ({})", e.error_code.as_deref().unwrap_or("error"))
    }
}

fn undone(e: &ActivityEntry) -> String {
    match (e.undone_by, e.undo_of) {
        (Some(by), _) => format!("by #{by}"),
        (None, Some(of)) => format!("undoes #{of}"),
        (None, None) if e.undoable => "no (undoable)".to_owned(),
        _ => "-".to_owned(),
    }
}

pub(crate) fn log(ctx: &mut Ctx<'_>, args: LogArgs) -> Res {
    if args.limit == 0 {
        return Err(CoreError::invalid("--limit must be at least 1", Vec::new()));
    }
    let kind = args.kind.as_deref().map(kind_arg).transpose()?;
    let account_id = if ctx.account.is_some() { Some(ctx.account()?.id) } else { None };
    let failed = match (args.failed, args.succeeded) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    // `--org` by the account's cached name or id, so a renamed organization matches all its entries;
    // else as given (an organization no longer cached matches by its logged name or id).
    let org = ctx.org.clone().map(|wanted| {
        ctx.account()
            .ok()
            .and_then(|a| ctx.core.resolve_org(&a.id, Some(&wanted)).ok())
            .map_or(wanted, |id| id.to_string())
    });
    let query = ActivityQuery {
        account_id,
        org,
        kind,
        failed,
        search: args.search,
        offset: args.offset,
        limit: Some(args.limit),
    };
    let page = ctx.core.activity(&query)?;
    let now = Utc::now();
    ctx.listing(
        args.json,
        &Freshness::local(),
        page.entries,
        Some(page.total),
        View {
            header: &["ID", "WHEN", "ACCOUNT", "ORG", "WHAT", "TARGET", "RESULT", "UNDONE"],
            row: &|e| {
                vec![
                    e.id.to_string(),
                    local_time(e.at, now),
                    clean(&e.account),
                    clean(&e.org),
                    what(e),
                    clean(&e.target),
                    result(e),
                    undone(e),
                ]
            },
            empty: "No changes logged yet (or none match).",
        },
    )
}

pub(crate) async fn undo(ctx: &mut Ctx<'_>, args: UndoArgs) -> Res {
    if args.dry_run {
        let preview = ctx.core.undo_preview(args.id).await?;
        if args.json {
            let text = serde_json::to_string_pretty(&preview)
                .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
            say!(ctx.out, "{text}");
            return Ok(EXIT_OK);
        }
        say!(ctx.out, "{}", clean(&preview.will));
        if preview.needs_force {
            say!(ctx.out, "Entry #{} is {} days old: undoing it needs --force.", args.id, preview.age_days);
        }
        return Ok(EXIT_OK);
    }
    let outcome = ctx.core.undo(args.id, args.force).await?;
    if args.json {
        let text = serde_json::to_string_pretty(&outcome)
            .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
        say!(ctx.out, "{text}");
        return Ok(EXIT_OK);
    }
    say!(ctx.out, "{}", clean(&outcome.message));
    match &outcome.by {
        Some(by) => say!(ctx.out, "Entry #{} undone by entry #{}.", outcome.undone.id, by.id),
        None => say!(ctx.out, "Entry #{} undone.", outcome.undone.id),
    }
    Ok(EXIT_OK)
}
