//! Exports: an organization's (or every cached organization's) members, invitations, people and the
//! access review, as CSV or JSON, from the cache. [`Core::export`] returns the file's content, so the
//! command line writes it and the window offers it to a save dialog.
//!
//! Every file says when its data was fetched: JSON has a top-level `fetched_at` and `stale` and each
//! organization's own; CSV has a `fetched_at` column on every row. CSV is RFC 4180 (see [`crate::csv`]),
//! and safe to open in a spreadsheet unless the request says `raw`: a cell that would be read as a
//! formula gets a `'` in front (see [`crate::csv::Cells`]). [`write_file`] writes the file 0600
//! through a temporary file of its own, never through a symbolic link.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::access_review::{review_org, ReviewOrg, ReviewQuery};
use crate::error::{CoreError, FieldMessage, Result};
use crate::model::account_label;
use crate::service::Core;

mod columns;
mod files;
mod write;
use files::review_file;
pub use files::{export_review, REVIEW_CSV_HEADER};
pub use write::write_file;

/// What to export.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::VariantArray, strum::EnumCount,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ExportKind {
    Members,
    Invitations,
    People,
    AccessReview,
}

impl ExportKind {
    /// Every kind, in the order declared.
    pub const ALL: [ExportKind; <ExportKind as strum::EnumCount>::COUNT] =
        match <ExportKind as strum::VariantArray>::VARIANTS.first_chunk() {
            Some(all) => *all,
            None => unreachable!(),
        };

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// By its name; anything else is `invalid_input` naming the kinds there are.
    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
            CoreError::invalid(
                format!("{s:?} is not something to export: choose one of {}", known.join(", ")),
                vec![FieldMessage { field: "kind".into(), message: "unknown kind".into() }],
            )
        })
    }
}

/// The file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    /// `csv` or `json` (any case); anything else is `invalid_input`.
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            _ => Err(CoreError::invalid(
                format!("{s:?} is not an export format: choose csv or json"),
                vec![FieldMessage { field: "format".into(), message: "unknown format".into() }],
            )),
        }
    }
}

/// Which organizations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportScope {
    /// One organization of one account.
    Org { account_id: String, org_id: Uuid },
    /// Every cached organization of every signed-in account.
    AllOrgs,
}

/// An export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRequest {
    pub kind: ExportKind,
    pub format: ExportFormat,
    pub scope: ExportScope,
    /// For the access review: its stale days and group.
    pub review: ReviewQuery,
    /// CSV cells as they are, formulas and all (for machines). `false`, the safe default, puts a `'`
    /// in front of a cell that a spreadsheet would read as a formula. JSON is the same either way.
    pub raw: bool,
}

/// One organization of a members or invitations export.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExportOrg<T> {
    pub account_id: String,
    pub account: String,
    pub org_id: Uuid,
    pub org: String,
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// The list is not visible to the account's role (so it is empty here, which is not the same).
    pub hidden: bool,
    pub items: Vec<T>,
}

/// An export's file content and how many rows it holds: the CSV records after the header (for JSON,
/// the records the same export has as CSV).
#[derive(Clone, Debug, PartialEq)]
pub struct Exported {
    pub text: String,
    pub rows: usize,
}

/// A JSON export.
#[derive(Serialize)]
struct JsonFile<'a, T: Serialize> {
    kind: &'static str,
    /// The oldest time among what it holds; `null` when it holds no organization.
    fetched_at: Option<DateTime<Utc>>,
    stale: bool,
    #[serde(flatten)]
    body: &'a T,
}

impl Core {
    /// The export's file content: see the module's docs. An organization of the scope that is not
    /// cached is `not_found`. Offline, from the cache.
    pub fn export(&self, r: &ExportRequest) -> Result<String> {
        Ok(self.export_counted(r)?.text)
    }

    /// [`Core::export`] with the number of rows it holds.
    pub fn export_counted(&self, r: &ExportRequest) -> Result<Exported> {
        let orgs = self.export_orgs(&r.scope)?;
        let cells = crate::csv::Cells::raw_if(r.raw);
        match r.kind {
            ExportKind::Members => self.export_members(r.format, cells, &orgs),
            ExportKind::Invitations => self.export_invitations(r.format, cells, &orgs),
            ExportKind::People => self.export_people(r.format, cells, &r.scope, &orgs),
            ExportKind::AccessReview => {
                let mut review = self.access_review(&r.review)?;
                if let ExportScope::Org { account_id, org_id } = &r.scope {
                    review.findings.retain(|f| f.account_id == *account_id && f.org_id == *org_id);
                    review.organizations.retain(|o| o.account_id == *account_id && o.org_id == *org_id);
                    review.fetched_at = review.organizations.iter().map(|o| o.fetched_at).min();
                    review.stale = review.organizations.iter().any(|o| o.stale);
                    for s in &mut review.sections {
                        s.count = review.findings.iter().filter(|f| f.section == s.section).count();
                    }
                }
                Ok(Exported { text: review_file(r.format, cells, &review)?, rows: review.findings.len() })
            }
        }
    }

    /// The organizations of a scope, with their freshness.
    fn export_orgs(&self, scope: &ExportScope) -> Result<Vec<ReviewOrg>> {
        let rows = self.with_cache(|c| c.review_orgs())?;
        let labels: HashMap<String, String> =
            self.accounts()?.iter().map(|a| (a.id.clone(), account_label(a))).collect();
        let now = Utc::now();
        let orgs: Vec<ReviewOrg> = rows
            .iter()
            .filter(|o| match scope {
                ExportScope::Org { account_id, org_id } => o.account_id == *account_id && o.org_id == *org_id,
                ExportScope::AllOrgs => true,
            })
            .map(|o| review_org(o, &labels, now))
            .collect();
        if orgs.is_empty() {
            if let ExportScope::Org { org_id, .. } = scope {
                return Err(CoreError::not_found(format!(
                    "organization {org_id} is not cached for a signed-in account: sign in and run `zpro sync`"
                )));
            }
        }
        Ok(orgs)
    }
}
