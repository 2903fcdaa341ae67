//! `zpro people [QUERY]` and `zpro person EMAIL`: everyone across every cached organization of every
//! signed-in account, from the cache (no request; `--account` and `--org` do not narrow it).

use chrono::{DateTime, Utc};
use clap::Args;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zenml_pro_core::api::MemberRole;
use zenml_pro_core::{CoreError, Membership, PeopleQuery, PersonInvitation, PersonOrg, PersonSummary};

use super::{Ctx, Res};
use crate::args::JsonFlag;
use crate::output::{cell, clean, date, local_time, table, Freshness, Single};
use crate::EXIT_OK;

#[derive(Debug, Args)]
pub struct PeopleArgs {
    /// Only people whose name, email or username contains this (case-insensitive); none: everyone.
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
    /// At most this many people (1 to 1000000).
    #[arg(long, value_name = "N", value_parser = crate::numbers::limit, allow_negative_numbers = true)]
    pub limit: Option<usize>,
    /// Skip this many people first (with --limit, for the next page; 0 to 1000000000).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        value_parser = crate::numbers::offset,
        allow_negative_numbers = true
    )]
    pub offset: usize,
    #[command(flatten)]
    pub json: JsonFlag,
}

/// A role in `people --json` and `person --json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonRoleItem {
    pub id: Uuid,
    /// The role's name, else its id.
    pub name: String,
    /// Held through one of the organization's teams (which one is not cached).
    pub via_team: bool,
}

impl PersonRoleItem {
    fn new(r: &MemberRole) -> Self {
        Self { id: r.role_id, name: r.label(), via_team: r.via_team }
    }
}

/// One organization of a person in `people --json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MembershipItem {
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    pub org_id: Uuid,
    pub org: String,
    /// `user`, `service_account` or `invitation`.
    pub kind: String,
    /// The user's, service account's or invitation's id.
    pub id: Uuid,
    pub roles: Vec<PersonRoleItem>,
    /// An invitation's status; `null` for members.
    pub invitation_status: Option<String>,
    /// When this organization's members were fetched, and whether that is stale.
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
}

impl MembershipItem {
    fn new(m: &Membership) -> Self {
        Self {
            account_id: m.account_id.clone(),
            account: m.account.clone(),
            org_id: m.org_id,
            org: m.org_name.clone(),
            kind: m.kind.as_str().to_owned(),
            id: m.id,
            roles: m.roles.iter().map(PersonRoleItem::new).collect(),
            invitation_status: m.invitation_status.clone(),
            fetched_at: m.fetched_at,
            stale: m.stale,
        }
    }
}

/// One row of `people --json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonItem {
    /// Who they are across organizations: their email lower-cased, else `id:<id>`.
    pub key: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    pub organizations: Vec<MembershipItem>,
}

impl PersonItem {
    fn new(p: &PersonSummary) -> Self {
        Self {
            key: p.key.clone(),
            email: p.email.clone(),
            name: p.name.clone(),
            username: p.username.clone(),
            organizations: p.memberships.iter().map(MembershipItem::new).collect(),
        }
    }
}

/// An invitation in `person --json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonInvitationItem {
    pub id: Uuid,
    /// `pending`, `accepted`, `declined`, `revoked` or `expired`.
    pub status: String,
    /// Pending, yet past when it expires.
    pub lapsed: bool,
    /// Every role it carries, with where it applies.
    pub roles: Vec<String>,
    pub teams: Vec<String>,
    pub inviter: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
}

impl PersonInvitationItem {
    fn new(i: &PersonInvitation) -> Self {
        Self {
            id: i.id,
            status: i.status.clone(),
            lapsed: i.lapsed,
            roles: i.roles.clone(),
            teams: i.teams.clone(),
            inviter: i.inviter.clone(),
            created: i.created,
            expires: i.expires,
        }
    }
}

/// One organization of `person --json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonOrgItem {
    pub account_id: String,
    pub account: String,
    pub org_id: Uuid,
    pub org: String,
    /// `user` or `service_account` when a member, else `invitation`.
    pub kind: String,
    /// The member's id; `null` when only invited.
    pub member_id: Option<Uuid>,
    pub roles: Vec<PersonRoleItem>,
    /// A pending invitation's teams; `null` for a member (which teams they are in is not cached).
    pub teams: Option<Vec<String>>,
    pub invitations: Vec<PersonInvitationItem>,
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
    pub last_error: Option<String>,
}

impl PersonOrgItem {
    fn new(o: &PersonOrg) -> Self {
        Self {
            account_id: o.account_id.clone(),
            account: o.account.clone(),
            org_id: o.org_id,
            org: o.org_name.clone(),
            kind: o.kind.as_str().to_owned(),
            member_id: o.member_id,
            roles: o.roles.iter().map(PersonRoleItem::new).collect(),
            teams: o.teams.clone(),
            invitations: o.invitations.iter().map(PersonInvitationItem::new).collect(),
            fetched_at: o.fetched_at,
            stale: o.stale,
            last_error: o.last_error.clone(),
        }
    }
}

/// The item of `person --json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonDetailItem {
    pub key: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    pub organizations: Vec<PersonOrgItem>,
    /// What this offline view leaves out (team membership, workspace grants), and where to read it.
    pub not_cached: Vec<String>,
}

/// `role, role (via a team)`, or "-".
fn roles_text(roles: &[PersonRoleItem]) -> String {
    if roles.is_empty() {
        return "-".to_owned();
    }
    let names: Vec<String> = roles
        .iter()
        .map(|r| if r.via_team { format!("{} (via a team)", r.name) } else { r.name.clone() })
        .collect();
    clean(&names.join(", "))
}

fn json_text<T: Serialize>(value: &T) -> Result<String, CoreError> {
    serde_json::to_string_pretty(value).map_err(|e| CoreError::internal(format!("could not write JSON: {e}")))
}

pub(crate) fn people(ctx: &mut Ctx<'_>, args: PeopleArgs) -> Res {
    if args.limit == Some(0) {
        return Err(CoreError::invalid("--limit must be at least 1", Vec::new()));
    }
    let query = PeopleQuery { search: args.query, offset: args.offset, limit: args.limit };
    let page = ctx.core.people(&query)?;
    let fresh = Freshness {
        fetched_at: page.fetched_at,
        stale: page.stale,
        last_error: page.last_error.clone(),
        local: false,
        hidden: false,
        skipped: 0,
    };
    let items: Vec<PersonItem> = page.people.iter().map(PersonItem::new).collect();
    if args.json.json {
        let mut listing = fresh.listing(items);
        listing.total = Some(page.total);
        listing.offset = Some(page.offset);
        say!(ctx.out, "{}", json_text(&listing)?);
        return Ok(EXIT_OK);
    }
    if items.is_empty() {
        say!(ctx.out, "No one matches.");
    } else {
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|p| {
                let mut orgs: Vec<String> = Vec::new();
                for m in &p.organizations {
                    let what = match m.invitation_status.as_deref() {
                        Some(status) => format!("{}: invited ({status})", m.org),
                        None => format!("{}: {}", m.org, roles_text(&m.roles)),
                    };
                    if !orgs.contains(&what) {
                        orgs.push(what);
                    }
                }
                let mut kinds: Vec<&str> = p.organizations.iter().map(|m| m.kind.as_str()).collect();
                kinds.dedup();
                vec![
                    cell(p.name.as_deref().or(p.username.as_deref())),
                    cell(p.email.as_deref()),
                    clean(&kinds.join(", ")),
                    clean(&orgs.join("; ")),
                ]
            })
            .collect();
        let _ = write!(ctx.out, "{}", table(&["NAME", "EMAIL", "KIND", "ORGANIZATIONS"], &rows));
    }
    if page.total > items.len() {
        let first = page.offset.saturating_add(1);
        if items.is_empty() {
            say!(ctx.out, "{} match; none from {first} on", page.total);
        } else {
            say!(ctx.out, "showing {first}-{} of {}", page.offset.saturating_add(items.len()), page.total);
        }
    }
    say!(ctx.out, "searched {} organizations of {} signed-in accounts", page.organizations, page.accounts);
    for line in fresh.lines(Utc::now()) {
        say!(ctx.out, "{line}");
    }
    Ok(EXIT_OK)
}

pub(crate) fn person(ctx: &mut Ctx<'_>, email: &str, json: bool) -> Res {
    let p = ctx.core.person(email)?;
    let item = PersonDetailItem {
        key: p.key.clone(),
        email: p.email.clone(),
        name: p.name.clone(),
        username: p.username.clone(),
        organizations: p.organizations.iter().map(PersonOrgItem::new).collect(),
        not_cached: p.not_cached.clone(),
    };
    if json {
        let single =
            Single { fetched_at: p.fetched_at, stale: p.stale, last_error: p.last_error.clone(), item };
        say!(ctx.out, "{}", json_text(&single)?);
        return Ok(EXIT_OK);
    }
    let now = Utc::now();
    let who = zenml_pro_core::model::name_and_email(item.name.as_deref(), item.email.as_deref())
        .unwrap_or_else(|| item.key.clone());
    match item.username.as_deref() {
        Some(u) => say!(ctx.out, "{} (username {})", clean(&who), clean(u)),
        None => say!(ctx.out, "{}", clean(&who)),
    }
    let rows: Vec<Vec<String>> = item
        .organizations
        .iter()
        .map(|o| {
            vec![
                clean(&o.org),
                clean(&o.account),
                clean(&o.kind),
                roles_text(&o.roles),
                o.teams.as_ref().map_or_else(
                    || "(not cached)".to_owned(),
                    |t| if t.is_empty() { "-".to_owned() } else { clean(&t.join(", ")) },
                ),
                format!("{}{}", local_time(o.fetched_at, now), if o.stale { " (stale)" } else { "" }),
            ]
        })
        .collect();
    let _ =
        write!(ctx.out, "{}", table(&["ORGANIZATION", "ACCOUNT", "KIND", "ROLES", "TEAMS", "AS OF"], &rows));
    let invitations: Vec<Vec<String>> = item
        .organizations
        .iter()
        .flat_map(|o| o.invitations.iter().map(move |i| (o, i)))
        .map(|(o, i)| {
            vec![
                clean(&o.org),
                clean(&o.account),
                format!("{}{}", clean(&i.status), if i.lapsed { " (past expiry)" } else { "" }),
                if i.roles.is_empty() { "-".to_owned() } else { clean(&i.roles.join(", ")) },
                if i.teams.is_empty() { "-".to_owned() } else { clean(&i.teams.join(", ")) },
                cell(i.inviter.as_deref()),
                date(i.created),
                date(i.expires),
            ]
        })
        .collect();
    if !invitations.is_empty() {
        say!(ctx.out);
        say!(ctx.out, "Invitations:");
        let header =
            ["ORGANIZATION", "ACCOUNT", "STATUS", "ROLES", "TEAMS", "INVITED BY", "CREATED", "EXPIRES"];
        let _ = write!(ctx.out, "{}", table(&header, &invitations));
    }
    say!(ctx.out);
    say!(ctx.out, "Not in this offline view:");
    for gap in &item.not_cached {
        say!(ctx.out, "  {}", clean(gap));
    }
    let fresh = Freshness {
        fetched_at: p.fetched_at,
        stale: p.stale,
        last_error: p.last_error,
        local: false,
        hidden: false,
        skipped: 0,
    };
    for line in fresh.lines(now) {
        say!(ctx.out, "{line}");
    }
    Ok(EXIT_OK)
}
