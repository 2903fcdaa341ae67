//! `zpro access-review` and `zpro export`: the access review across every cached organization of
//! every signed-in account (`--account` and `--org` do not narrow it), and exports of one
//! organization (`--org`, else the active one) or of all (`--all-orgs`), from the cache.

use chrono::Utc;
use zenml_pro_core::csv::{for_terminal, Cells};
use zenml_pro_core::export::export_review;
use zenml_pro_core::{
    AccessReview, CoreError, ExportFormat, ExportRequest, ExportScope, ReviewQuery, DEFAULT_STALE_DAYS,
};

use super::{Ctx, Res};
use crate::output::{clean, local_time, table, Freshness};
use crate::review_args::{ExportArgs, KindArg, ReviewArgs};
use crate::EXIT_OK;

pub(crate) fn access_review(ctx: &mut Ctx<'_>, args: ReviewArgs) -> Res {
    let review = ctx.core.access_review(&ReviewQuery { stale_days: args.stale_days, group: args.group })?;
    if args.json || args.csv {
        let format = if args.json { ExportFormat::Json } else { ExportFormat::Csv };
        let text = export_review(format, &review)?;
        let _ = write!(ctx.out, "{}", shown(ctx, format, text, Cells::Safe));
        return Ok(EXIT_OK);
    }
    print_review(ctx, &review);
    Ok(EXIT_OK)
}

fn print_review(ctx: &mut Ctx<'_>, review: &AccessReview) {
    let now = Utc::now();
    let mut first = true;
    for s in &review.sections {
        if !first {
            say!(ctx.out);
        }
        first = false;
        let heading = match s.section {
            zenml_pro_core::ReviewSection::StaleInvitation => {
                format!("{} (pending more than {} days)", s.title, review.stale_days)
            }
            zenml_pro_core::ReviewSection::OnlyInOne => format!("{} ({})", s.title, review.group.join(", ")),
            _ => s.title.clone(),
        };
        say!(ctx.out, "{}: {}", clean(&heading), s.count);
        let rows: Vec<Vec<String>> = review
            .findings
            .iter()
            .filter(|f| f.section == s.section)
            .map(|f| {
                let who = zenml_pro_core::model::name_and_email(f.name.as_deref(), f.email.as_deref())
                    .or_else(|| f.email.clone())
                    .or_else(|| f.name.clone())
                    .unwrap_or_else(|| f.person.clone());
                vec![
                    clean(&f.org_name),
                    clean(&f.account),
                    clean(&who),
                    f.kind.as_str().to_owned(),
                    if f.roles.is_empty() { "-".to_owned() } else { clean(&f.roles.join(", ")) },
                    clean(&f.detail),
                    format!("{}{}", local_time(f.fetched_at, now), if f.stale { " (stale)" } else { "" }),
                ]
            })
            .collect();
        if !rows.is_empty() {
            let header = ["ORGANIZATION", "ACCOUNT", "WHO", "KIND", "ROLES", "DETAIL", "AS OF"];
            let _ = write!(ctx.out, "{}", table(&header, &rows));
        }
    }
    say!(ctx.out);
    say!(
        ctx.out,
        "reviewed {} organizations of {} signed-in accounts",
        review.organizations.len(),
        review.accounts
    );
    for note in &review.notes {
        say!(ctx.out, "note: {}", clean(note));
    }
    let fresh = Freshness {
        fetched_at: review.fetched_at,
        stale: review.stale,
        last_error: review.last_error.clone(),
        local: false,
        hidden: false,
        skipped: 0,
    };
    for line in fresh.lines(now) {
        say!(ctx.out, "{line}");
    }
}

pub(crate) fn export(ctx: &mut Ctx<'_>, args: ExportArgs) -> Res {
    if args.all_orgs && ctx.org.is_some() {
        return Err(CoreError::invalid(
            "--org and --all-orgs cannot be used together: choose one organization or all of them",
            Vec::new(),
        ));
    }
    if args.kind != KindArg::AccessReview && (args.stale_days.is_some() || !args.group.is_empty()) {
        return Err(CoreError::invalid(
            "--stale-days and --group apply only to `zpro export access-review`",
            Vec::new(),
        ));
    }
    let scope = if args.all_orgs {
        ExportScope::AllOrgs
    } else {
        let (account, org_id) = ctx.account_and_org()?;
        ExportScope::Org { account_id: account.id, org_id }
    };
    let request = ExportRequest {
        kind: args.kind.into(),
        format: args.format.into(),
        scope,
        review: ReviewQuery { stale_days: args.stale_days.unwrap_or(DEFAULT_STALE_DAYS), group: args.group },
        raw: args.raw,
    };
    let text = ctx.core.export(&request)?;
    match &args.output {
        None => {
            let text = shown(ctx, request.format, text, Cells::raw_if(args.raw));
            let _ = write!(ctx.out, "{text}");
        }
        Some(path) => {
            zenml_pro_core::export::write_file(path, &text)?;
            say!(
                ctx.err,
                "Wrote the {} export to {} ({} bytes).",
                request.kind.as_str(),
                clean(&path.display().to_string()),
                text.len()
            );
        }
    }
    Ok(EXIT_OK)
}

/// A file's text as printed: CSV on a terminal loses its cells' control characters (as the tables do),
/// so a name cannot move the cursor or forge a line; anywhere else, and JSON (which escapes them), as
/// it is.
fn shown(ctx: &Ctx<'_>, format: ExportFormat, text: String, cells: Cells) -> String {
    if ctx.env.out_is_terminal && format == ExportFormat::Csv {
        for_terminal(&text, cells)
    } else {
        text
    }
}
