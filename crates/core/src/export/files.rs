//! The files of each export: their JSON shapes and CSV columns.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use zenml_cloud_api::{InvitationStatus, MemberRole, MemberRow};

use super::{
    ExportFormat, ExportInvitation, ExportKind, ExportMember, ExportOrg, ExportRole, ExportScope, Exported,
    JsonFile,
};
use crate::access_review::{AccessReview, ReviewOrg};
use crate::cache::MemberQuery;
use crate::csv::Cells;
use crate::error::{CoreError, Result};
use crate::model::{invitation_role_labels, invitation_team_labels, inviter_label, member_kind};
use crate::people::PeopleQuery;
use crate::service::Core;

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
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

fn member_item(row: &MemberRow) -> Option<ExportMember> {
    let kind = member_kind(row)?;
    let roles = |rs: &[MemberRole]| {
        rs.iter().map(|r| ExportRole { id: r.role_id, name: r.label(), via_team: r.via_team }).collect()
    };
    let (id, name, email, username) = match (&row.user, &row.team, &row.invitation) {
        (Some(u), _, _) => (u.id, u.name.clone(), u.email.clone(), u.username.clone()),
        (None, Some(t), _) => (t.id, Some(t.name.clone()), None, None),
        (None, None, Some(i)) => (i.id, None, Some(i.email.clone()), None),
        _ => return None,
    };
    Some(ExportMember { kind, id, name, email, username, roles: roles(&row.roles) })
}

fn roles_cell(roles: &[ExportRole]) -> String {
    let names: Vec<String> = roles
        .iter()
        .map(|r| if r.via_team { format!("{} (via a team)", r.name) } else { r.name.clone() })
        .collect();
    names.join("; ")
}

impl Core {
    pub(super) fn export_members(
        &self,
        format: ExportFormat,
        cells: Cells,
        orgs: &[ReviewOrg],
    ) -> Result<Exported> {
        let mut out: Vec<ExportOrg<ExportMember>> = Vec::new();
        for o in orgs {
            let cached = self.members(&o.account_id, o.org_id, &MemberQuery::default())?;
            out.push(ExportOrg {
                account_id: o.account_id.clone(),
                account: o.account.clone(),
                org_id: o.org_id,
                org: o.org_name.clone(),
                fetched_at: cached.fetched_at,
                stale: cached.stale,
                last_error: cached.last_error.clone(),
                hidden: cached.hidden,
                items: cached.value.rows.iter().filter_map(member_item).collect(),
            });
        }
        let (at, is_stale) = overall(out.iter().map(|o| (o.fetched_at, o.stale)));
        let rows = out.iter().map(|o| o.items.len()).sum();
        let text = match format {
            ExportFormat::Json => json(ExportKind::Members, at, is_stale, &Orgs { organizations: &out })?,
            ExportFormat::Csv => {
                let header = [
                    "account",
                    "organization",
                    "org_id",
                    "kind",
                    "id",
                    "name",
                    "email",
                    "username",
                    "roles",
                    "fetched_at",
                    "stale",
                ];
                let rows: Vec<Vec<String>> = out
                    .iter()
                    .flat_map(|o| o.items.iter().map(move |m| (o, m)))
                    .map(|(o, m)| {
                        vec![
                            o.account.clone(),
                            o.org.clone(),
                            o.org_id.to_string(),
                            m.kind.as_str().to_owned(),
                            m.id.to_string(),
                            m.name.clone().unwrap_or_default(),
                            m.email.clone().unwrap_or_default(),
                            m.username.clone().unwrap_or_default(),
                            roles_cell(&m.roles),
                            time(o.fetched_at),
                            o.stale.to_string(),
                        ]
                    })
                    .collect();
                crate::csv::write_with(&header, &rows, cells)
            }
        };
        Ok(Exported { text, rows })
    }

    pub(super) fn export_invitations(
        &self,
        format: ExportFormat,
        cells: Cells,
        orgs: &[ReviewOrg],
    ) -> Result<Exported> {
        let now = Utc::now();
        let mut out: Vec<ExportOrg<ExportInvitation>> = Vec::new();
        for o in orgs {
            let cached = self.invitations(&o.account_id, o.org_id, false)?;
            let items = cached
                .value
                .iter()
                .map(|i| {
                    let pending = matches!(i.status, None | Some(InvitationStatus::Pending));
                    ExportInvitation {
                        id: i.id,
                        email: i.email.clone(),
                        status: i.status.map_or("pending", InvitationStatus::as_str).to_owned(),
                        lapsed: pending && i.expires.is_some_and(|e| e <= now),
                        roles: invitation_role_labels(i),
                        teams: invitation_team_labels(i),
                        inviter: i.inviter.as_ref().and_then(inviter_label).map(str::to_owned),
                        created: i.created,
                        expires: i.expires,
                    }
                })
                .collect();
            out.push(ExportOrg {
                account_id: o.account_id.clone(),
                account: o.account.clone(),
                org_id: o.org_id,
                org: o.org_name.clone(),
                fetched_at: cached.fetched_at,
                stale: cached.stale,
                last_error: cached.last_error.clone(),
                hidden: cached.hidden,
                items,
            });
        }
        let (at, is_stale) = overall(out.iter().map(|o| (o.fetched_at, o.stale)));
        let rows = out.iter().map(|o| o.items.len()).sum();
        let text = match format {
            ExportFormat::Json => json(ExportKind::Invitations, at, is_stale, &Orgs { organizations: &out })?,
            ExportFormat::Csv => {
                let header = [
                    "account",
                    "organization",
                    "org_id",
                    "id",
                    "email",
                    "status",
                    "lapsed",
                    "roles",
                    "teams",
                    "inviter",
                    "created",
                    "expires",
                    "fetched_at",
                    "stale",
                ];
                let rows: Vec<Vec<String>> = out
                    .iter()
                    .flat_map(|o| o.items.iter().map(move |i| (o, i)))
                    .map(|(o, i)| {
                        vec![
                            o.account.clone(),
                            o.org.clone(),
                            o.org_id.to_string(),
                            i.id.to_string(),
                            i.email.clone(),
                            i.status.clone(),
                            i.lapsed.to_string(),
                            i.roles.join("; "),
                            i.teams.join("; "),
                            i.inviter.clone().unwrap_or_default(),
                            opt_time(i.created),
                            opt_time(i.expires),
                            time(o.fetched_at),
                            o.stale.to_string(),
                        ]
                    })
                    .collect();
                crate::csv::write_with(&header, &rows, cells)
            }
        };
        Ok(Exported { text, rows })
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
                        let roles: Vec<ExportRole> = m
                            .roles
                            .iter()
                            .map(|r| ExportRole { id: r.role_id, name: r.label(), via_team: r.via_team })
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
                            roles_cell(&roles),
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
