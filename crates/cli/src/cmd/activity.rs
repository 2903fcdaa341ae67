//! `zpro log` and `zpro undo ID`: the activity log of every change this app made (local data, read
//! offline; `--account` and `--org` narrow it), and undoing a reversible entry: their grammar (clap
//! derive) and carrying them out.

use chrono::Utc;
use clap::Args;
use zenml_pro_core::{ActivityEntry, ActivityKind, ActivityQuery, CoreError};

use super::{Ctx, Res, View};
use crate::output::{clean, local_time, Freshness};
use crate::EXIT_OK;

/// Shown at the end of `zpro log --help`.
pub const LOG_HELP: &str = "\
Kinds (--kind): invite, revoke, resend, role_change, member_removal, org_rename, org_description,
  team_create, team_rename, team_description, team_delete, team_member_add, team_member_remove,
  team_role, workspace_state, workspace_rename, workspace_description, grant_add, grant_revoke,
  service_account_create, service_account_active, service_account_delete, api_key_create,
  api_key_rotate, api_key_active, api_key_delete (no entry ever holds a key's secret).
Reversible with `zpro undo ID`: role_change, invite, revoke, member_removal, org_rename, team_rename,
  workspace_rename, service_account_active, api_key_active (when they succeeded and were not undone
  yet; an undo can be undone too). An undo
  first refreshes the organization from the server and is refused as a conflict (exit 6) when the
  target changed since; entries older than 7 days need --force.

Examples:
  zpro log                                     the latest changes, newest first
  zpro log --failed --json                     what failed, as JSON
  zpro --org acme-ml log --kind role_change --search ana@
  zpro undo 42 --dry-run                       what undoing entry 42 would change, checked on the server
  zpro undo 42                                 put back what entry 42 replaced";

/// `zpro log`: the activity log, newest first.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only changes of this kind (see the list below).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Only changes that failed.
    #[arg(long, conflicts_with = "succeeded")]
    pub failed: bool,
    /// Only changes that succeeded.
    #[arg(long)]
    pub succeeded: bool,
    /// Only changes whose target (email, name or id) contains this (case-insensitive).
    #[arg(long, value_name = "S")]
    pub search: Option<String>,
    /// At most this many entries (1 to 1000000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 50,
        value_parser = crate::numbers::limit,
        allow_negative_numbers = true
    )]
    pub limit: usize,
    /// Skip this many entries first (with --limit, for the next page; 0 to 1000000000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        value_parser = crate::numbers::offset,
        allow_negative_numbers = true
    )]
    pub offset: usize,
    /// Print JSON: {"fetched_at", "stale", "last_error", "total", "items": [...]}, each item an entry
    /// with id, at, account_id, account, org_id, org, kind, target_id, target, detail, ok,
    /// error_code, error, replaced {roles, teams, name, description, state}, undoable, undo_of,
    /// undone_at, undone_by.
    #[arg(long)]
    pub json: bool,
}

/// `zpro undo ID`.
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The entry's id, as `zpro log` shows it.
    #[arg(value_name = "ID", value_parser = crate::numbers::entry_id, allow_negative_numbers = true)]
    pub id: i64,
    /// Undo an entry older than 7 days (refused without it).
    #[arg(long)]
    pub force: bool,
    /// Only say what would change, against the organization as refreshed from the server now.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON: {"undone": entry, "by": entry, "message"} (with --dry-run: {"entry", "will",
    /// "needs_force", "age_days"}).
    #[arg(long)]
    pub json: bool,
}

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
