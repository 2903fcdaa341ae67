//! The grammar of `zpro access-review` and `zpro export` (clap derive); carried out in
//! `commands::review`.

use std::path::PathBuf;

use clap::{ArgGroup, Args, ValueEnum};
use zenml_pro_core::{ExportFormat, ExportKind, DEFAULT_STALE_DAYS};

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
