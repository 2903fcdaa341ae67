//! The files of each export: their JSON shapes and CSV columns.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{columns, ExportFormat, ExportKind, ExportOrg, ExportScope, Exported, JsonFile};
use crate::access_review::{AccessReview, ReviewOrg};
use crate::cache::MemberQuery;
use crate::csv::Cells;
use crate::error::{CoreError, Result};
use crate::people::PeopleQuery;
use crate::reads::Cached;
use crate::records::{HeldRole, Invitation, Member};
use crate::service::Core;
use serde_json::Value;

fn time(t: DateTime<Utc>) -> String {
    crate::records::time(t)
}

fn opt_time(t: Option<DateTime<Utc>>) -> String {
    t.map(time).unwrap_or_default()
}

fn json<T: Serialize>(
    kind: ExportKind,
    fetched_at: Option<DateTime<Utc>>,
    stale: bool,
    body: &T,
) -> Result<String> {
    let file = JsonFile { kind: kind.as_str(), fetched_at, stale, body };
    let mut text = serde_json::to_string_pretty(&file)
        .map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// The CSV of records by organization: the organization's columns, the record's, then when it was
/// fetched.
fn records_csv<T: Serialize + Default>(out: &[ExportOrg<T>], cells: Cells) -> Result<String> {
    let mut header: Vec<String> = ["account", "organization", "org_id"].map(str::to_owned).to_vec();
    header.extend(columns::header::<T>()?);
    header.extend(["fetched_at", "stale"].map(str::to_owned));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for o in out {
        for item in &o.items {
            let mut row = vec![o.account.clone(), o.org.clone(), o.org_id.to_string()];
            row.extend(columns::cells(item)?);
            row.extend([time(o.fetched_at), o.stale.to_string()]);
            rows.push(row);
        }
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(crate::csv::write_with(&header, &rows, cells))
}

impl<T> ExportOrg<T> {
    /// One organization's records, stamped with how fresh its cached list is.
    fn of<V>(o: &ReviewOrg, cached: &Cached<V>, items: Vec<T>) -> Self {
        ExportOrg {
            account_id: o.account_id.clone(),
            account: o.account.clone(),
            org_id: o.org_id,
            org: o.org_name.clone(),
            fetched_at: cached.fetched_at,
            stale: cached.stale,
            last_error: cached.last_error.clone(),
            hidden: cached.hidden,
            items,
        }
    }
}

/// The file of records by organization, as JSON or CSV, and how many rows it holds.
fn records_file<T: Serialize + Default>(
    kind: ExportKind,
    format: ExportFormat,
    cells: Cells,
    out: &[ExportOrg<T>],
) -> Result<Exported> {
    let (at, is_stale) = overall(out.iter().map(|o| (o.fetched_at, o.stale)));
    let rows = out.iter().map(|o| o.items.len()).sum();
    let text = match format {
        ExportFormat::Json => json(kind, at, is_stale, &Orgs { organizations: out })?,
        ExportFormat::Csv => records_csv(out, cells)?,
    };
    Ok(Exported { text, rows })
}

impl Core {
    pub(super) fn export_members(
        &self,
        format: ExportFormat,
        cells: Cells,
        orgs: &[ReviewOrg],
    ) -> Result<Exported> {
        let out = orgs
            .iter()
            .map(|o| {
                let cached = self.members(&o.account_id, o.org_id, &MemberQuery::default())?;
                Ok(ExportOrg::of(o, &cached, cached.value.rows.iter().filter_map(Member::new).collect()))
            })
            .collect::<Result<Vec<_>>>()?;
        records_file(ExportKind::Members, format, cells, &out)
    }

    pub(super) fn export_invitations(
        &self,
        format: ExportFormat,
        cells: Cells,
        orgs: &[ReviewOrg],
    ) -> Result<Exported> {
        let now = Utc::now();
        let out = orgs
            .iter()
            .map(|o| {
                let cached = self.invitations(&o.account_id, o.org_id, false)?;
                Ok(ExportOrg::of(o, &cached, cached.value.iter().map(|i| Invitation::new(i, now)).collect()))
            })
            .collect::<Result<Vec<_>>>()?;
        records_file(ExportKind::Invitations, format, cells, &out)
    }

    pub(super) fn export_people(
        &self,
        format: ExportFormat,
        cells: Cells,
        scope: &ExportScope,
        orgs: &[ReviewOrg],
    ) -> Result<Exported> {
        let mut page = self.people(&PeopleQuery::default())?;
        if let ExportScope::Org { account_id, org_id } = scope {
            for p in &mut page.people {
                p.memberships.retain(|m| m.account_id == *account_id && m.org_id == *org_id);
            }
            page.people.retain(|p| !p.memberships.is_empty());
        }
        let (at, is_stale) = overall(orgs.iter().map(|o| (o.fetched_at, o.stale)));
        let rows = page.people.iter().map(|p| p.memberships.len()).sum();
        let text = match format {
            ExportFormat::Json => {
                #[derive(Serialize)]
                struct People<'a> {
                    organizations: &'a [ReviewOrg],
                    people: &'a [crate::people::PersonSummary],
                }
                json(ExportKind::People, at, is_stale, &People { organizations: orgs, people: &page.people })?
            }
            ExportFormat::Csv => {
                let header = [
                    "person",
                    "email",
                    "name",
                    "username",
                    "account",
                    "organization",
                    "org_id",
                    "kind",
                    "id",
                    "roles",
                    "invitation_status",
                    "fetched_at",
                    "stale",
                ];
                let mut rows: Vec<Vec<String>> = Vec::new();
                for p in &page.people {
                    for m in &p.memberships {
                        let roles: Vec<Value> = m
                            .roles
                            .iter()
                            .map(|r| serde_json::to_value(HeldRole::new(r)).unwrap_or_default())
                            .collect();
                        rows.push(vec![
                            p.key.clone(),
                            p.email.clone().unwrap_or_default(),
                            p.name.clone().unwrap_or_default(),
                            p.username.clone().unwrap_or_default(),
                            m.account.clone(),
                            m.org_name.clone(),
                            m.org_id.to_string(),
                            m.kind.as_str().to_owned(),
                            m.id.to_string(),
                            columns::cell(&Value::Array(roles)),
                            m.invitation_status.clone().unwrap_or_default(),
                            time(m.fetched_at),
                            m.stale.to_string(),
                        ]);
                    }
                }
                crate::csv::write_with(&header, &rows, cells)
            }
        };
        Ok(Exported { text, rows })
    }
}

/// The access review's columns, one row per finding.
pub const REVIEW_CSV_HEADER: [&str; 17] = [
    "section",
    "account",
    "organization",
    "org_id",
    "person",
    "name",
    "email",
    "kind",
    "id",
    "roles",
    "via_team",
    "detail",
    "created",
    "expires",
    "fetched_at",
    "stale",
    "section_title",
];

/// The access review as a file: JSON as [`AccessReview`] serializes, or CSV one row per finding, its
/// cells safe to open in a spreadsheet ([`Cells::Safe`]).
pub fn export_review(format: ExportFormat, review: &AccessReview) -> Result<String> {
    review_file(format, Cells::Safe, review)
}

/// [`export_review`] with its CSV cells written as `cells` says.
pub(super) fn review_file(format: ExportFormat, cells: Cells, review: &AccessReview) -> Result<String> {
    match format {
        ExportFormat::Json => json(ExportKind::AccessReview, review.fetched_at, review.stale, review),
        ExportFormat::Csv => {
            let rows: Vec<Vec<String>> = review
                .findings
                .iter()
                .map(|f| {
                    vec![
                        f.section.as_str().to_owned(),
                        f.account.clone(),
                        f.org_name.clone(),
                        f.org_id.to_string(),
                        f.person.clone(),
                        f.name.clone().unwrap_or_default(),
                        f.email.clone().unwrap_or_default(),
                        f.kind.as_str().to_owned(),
                        f.id.to_string(),
                        f.roles.join("; "),
                        f.via_team.to_string(),
                        f.detail.clone(),
                        opt_time(f.created),
                        opt_time(f.expires),
                        time(f.fetched_at),
                        f.stale.to_string(),
                        f.section.title().to_owned(),
                    ]
                })
                .collect();
            Ok(crate::csv::write_with(&REVIEW_CSV_HEADER, &rows, cells))
        }
    }
}

#[derive(Serialize)]
struct Orgs<'a, T: Serialize> {
    organizations: &'a [ExportOrg<T>],
}

/// The oldest time and whether any is stale; `(None, true)` for nothing.
fn overall(items: impl Iterator<Item = (DateTime<Utc>, bool)>) -> (Option<DateTime<Utc>>, bool) {
    let (mut at, mut any_stale, mut n) = (None::<DateTime<Utc>>, false, 0);
    for (t, s) in items {
        at = Some(at.map_or(t, |a| a.min(t)));
        any_stale |= s;
        n += 1;
    }
    (at, any_stale || n == 0)
}
