//! `zpro access-review` and `zpro export`: the access review across every cached organization of
//! every signed-in account (`--account` and `--org` do not narrow it), and exports of one
//! organization (`--org`, else the active one) or of all (`--all-orgs`), from the cache: their grammar
//! (clap derive) and carrying them out.

use std::path::PathBuf;

use chrono::Utc;
use clap::{ArgGroup, Args, ValueEnum};
use zenml_pro_core::csv::{for_terminal, Cells};
use zenml_pro_core::export::export_review;
use zenml_pro_core::{
    AccessReview, CoreError, ExportFormat, ExportKind, ExportRequest, ExportScope, ReviewQuery,
    DEFAULT_STALE_DAYS,
};

use super::{Ctx, Res};
use crate::output::{clean, local_time, table, Freshness};
use crate::EXIT_OK;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("output").args(["json", "csv"])))]
pub struct ReviewArgs {
    /// Pending invitations sent more than N days ago count as stale (0 to 1000000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = DEFAULT_STALE_DAYS,
        value_parser = crate::numbers::stale_days,
        allow_negative_numbers = true
    )]
    pub stale_days: u32,
    /// An organization (id or name) of a group to compare, listing who is in only one of them; repeat
    /// it for each organization of the group (at least two).
    #[arg(long = "group", value_name = "ORG")]
    pub group: Vec<String>,
    /// Print JSON: {"kind", "fetched_at", "stale", "findings": [...], "sections", "organizations", ...}.
    #[arg(long)]
    pub json: bool,
    /// Print CSV (RFC 4180): one row per finding, each with when its organization was fetched.
    #[arg(long)]
    pub csv: bool,
}

/// What `zpro export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Members,
    Invitations,
    People,
    AccessReview,
}

impl From<KindArg> for ExportKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Members => Self::Members,
            KindArg::Invitations => Self::Invitations,
            KindArg::People => Self::People,
            KindArg::AccessReview => Self::AccessReview,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Csv,
    Json,
}

impl From<FormatArg> for ExportFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Csv => Self::Csv,
            FormatArg::Json => Self::Json,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_name = "KIND", value_enum)]
    pub kind: KindArg,
    /// The file's format: CSV (RFC 4180, a fetched_at column on every row) or JSON (a top-level
    /// fetched_at, and each organization's).
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub format: FormatArg,
    /// Every cached organization of every signed-in account (without it, or --org: the active one).
    #[arg(long)]
    pub all_orgs: bool,
    /// Write to FILE (replaced whole, never left half-written) instead of standard output.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// access-review only: pending invitations sent more than N days ago are stale (0 to 1000000)
    /// [default: 14].
    #[arg(long, value_name = "N", value_parser = crate::numbers::stale_days, allow_negative_numbers = true)]
    pub stale_days: Option<u32>,
    /// access-review only: an organization of a group to compare (repeat it).
    #[arg(long = "group", value_name = "ORG")]
    pub group: Vec<String>,
    /// CSV cells exactly as they are, for programs rather than spreadsheets. Without it, a cell that
    /// begins with =, +, -, @, a tab or a carriage return gets a ' in front (and is quoted), so a
    /// spreadsheet shows it as text instead of running it as a formula.
    #[arg(long)]
    pub raw: bool,
}

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
