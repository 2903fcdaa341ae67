//! People: every user, service account and pending invitation across every cached organization of
//! every signed-in account, as one person per email (compared lower-cased; a service account without
//! an email is its own person, by id). Searched and paged from the cache (see `cache::people`), so it
//! works offline; every organization a person appears in is stamped with when it was fetched.
//!
//! What the cache does not hold is said, not fetched: which teams a member is in (roles held through
//! a team are marked `via_team`, without the team), and workspace grants (read live, see
//! [`Core::member_access`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;
use zenml_cloud_api::{Invitation, InvitationStatus, MemberRole, MemberRow};

use crate::cache::{Entity, MemberKind, PersonRow, PersonSource, SyncOutcome};
use crate::error::{CoreError, FieldMessage, Result};
use crate::model::{
    account_label, invitation_role_labels, invitation_team_labels, inviter_label, member_kind,
};
use crate::reads::stale;
use crate::resolve::same_email;
use crate::service::Core;

/// What [`Core::person`] cannot say offline, in words.
pub const NOT_CACHED: [&str; 2] = [
    "teams: which teams a member is in is read from the server, not cached; roles held through a team \
     are marked via_team, without the team's name",
    "workspace grants: read from the server only (`zpro workspace access WS`)",
];

/// A search of people.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeopleQuery {
    /// Case-insensitive substring of a name, email or username; `None` or blank: everyone.
    pub search: Option<String>,
    pub offset: usize,
    /// At most this many people; `None` for all.
    pub limit: Option<usize>,
}

/// One row of a person in one organization: a user, a service account or a pending invitation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Membership {
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub kind: MemberKind,
    /// The user's, service account's or invitation's id.
    pub id: Uuid,
    /// Their organization roles as the cached member row has them, each marked `via_team`.
    pub roles: Vec<MemberRole>,
    /// An invitation's status (`pending` when the server does not say); `None` for the others.
    pub invitation_status: Option<String>,
    /// When this organization's member list was fetched, and whether that is stale.
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
}

/// One person with every organization they appear in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonSummary {
    /// Who they are across organizations: the email lower-cased, or `id:<id>` without one.
    pub key: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    pub memberships: Vec<Membership>,
}

/// A page of people, ordered by their key (email, lower-cased), with how many match and how fresh
/// what was searched is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeoplePage {
    pub people: Vec<PersonSummary>,
    pub total: usize,
    pub offset: usize,
    /// The signed-in accounts and their cached organizations that were searched.
    pub accounts: usize,
    pub organizations: usize,
    /// When the least recently fetched member list searched was fetched; `None` before any sync.
    pub fetched_at: Option<DateTime<Utc>>,
    /// Some searched list is older than [`crate::STALE_AFTER`], or its last refresh failed.
    pub stale: bool,
    pub last_error: Option<String>,
}

/// An invitation sent to a person, of any status.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonInvitation {
    pub id: Uuid,
    /// `pending`, `accepted`, `declined`, `revoked`, `expired` (`pending` when the server does not say).
    pub status: String,
    /// Pending, and past when it expires.
    pub lapsed: bool,
    /// Every role it carries, with where it applies ("Workspace Developer on acme-prod").
    pub roles: Vec<String>,
    /// The teams it joins.
    pub teams: Vec<String>,
    pub inviter: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
}

/// A person in one organization of one account.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonOrg {
    pub account_id: String,
    pub account: String,
    pub org_id: Uuid,
    pub org_name: String,
    /// `user` or `service_account` when a member; else `invitation`.
    pub kind: MemberKind,
    /// The user's or service account's id; `None` when only invited.
    pub member_id: Option<Uuid>,
    /// Organization roles, direct or `via_team`: a member's, else a pending invitation's.
    pub roles: Vec<MemberRole>,
    /// A pending invitation's teams; `None` for a member: which teams they are in is not cached.
    pub teams: Option<Vec<String>>,
    /// Every invitation sent to them there, of any status.
    pub invitations: Vec<PersonInvitation>,
    /// When what is shown of this organization was fetched (the older of its member and invitation
    /// lists), whether that is stale, and why its last refresh failed.
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
    pub last_error: Option<String>,
}

/// One person's page: each organization they appear in, from the cache.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Person {
    pub key: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    pub organizations: Vec<PersonOrg>,
    /// The oldest of the organizations' times; stale when any is.
    pub fetched_at: Option<DateTime<Utc>>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What this offline view leaves out, and where to read it ([`NOT_CACHED`]).
    pub not_cached: Vec<String>,
}

/// How fresh one organization's lists are: stale, and why the last refresh failed.
type OrgFreshness = (bool, Option<String>);

impl Core {
    /// Every person across every cached organization of every signed-in account whose name, email or
    /// username holds `q.search`: see the module's docs. Offline, from the cache.
    pub fn people(&self, q: &PeopleQuery) -> Result<PeoplePage> {
        let (keys, coverage) = self.with_cache(|c| {
            Ok((c.people_keys(q.search.as_deref(), q.offset, q.limit)?, c.people_coverage()?))
        })?;
        let rows = self.with_cache(|c| c.person_rows(&keys.keys))?;
        let labels = self.account_labels()?;
        let mut memo = HashMap::new();
        let mut people: Vec<PersonSummary> = Vec::with_capacity(keys.keys.len());
        for r in rows {
            if people.last().is_none_or(|p| p.key != r.person) {
                people.push(PersonSummary {
                    key: r.person.clone(),
                    email: None,
                    name: None,
                    username: None,
                    memberships: Vec::new(),
                });
            }
            let person = people.last_mut().expect("pushed");
            fill_names(&mut person.email, &mut person.name, &mut person.username, &r.row);
            let (stale, _) = self.org_freshness(&mut memo, &r.source)?;
            if let Some(m) = membership(&r, &labels, stale) {
                person.memberships.push(m);
            }
        }
        let now = Utc::now();
        Ok(PeoplePage {
            people,
            total: keys.total,
            offset: q.offset,
            accounts: coverage.accounts,
            organizations: coverage.organizations,
            fetched_at: coverage.oldest,
            stale: coverage.oldest.is_none_or(|at| stale(at, coverage.last_error.is_some(), now)),
            last_error: coverage.last_error,
        })
    }

    /// The person with this email in every cached organization of every signed-in account: their
    /// kind, organization roles (direct or through a team), a pending invitation's teams, and every
    /// invitation sent to them, each organization with when it was fetched. A malformed email is
    /// `invalid_input`; an email the cache does not know is `not_found`. Offline, from the cache.
    pub fn person(&self, email: &str) -> Result<Person> {
        let email = email.trim();
        crate::validate::check_email(email).map_err(|m| {
            CoreError::invalid(
                format!("{email:?} is not an email address: {m}"),
                vec![FieldMessage { field: "email".into(), message: m }],
            )
        })?;
        let key = email.to_lowercase();
        let (rows, invitations) =
            self.with_cache(|c| Ok((c.person_rows(std::slice::from_ref(&key))?, c.invitations_to(email)?)))?;
        // The person is exactly the rows and invitations whose email is this one after ASCII case
        // folding (the cache's key folds Unicode too, which would make `\u{212A}` a `k`).
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| {
                let mail = r.row.user.as_ref().and_then(|u| u.email.as_deref());
                let mail = mail.or(r.row.invitation.as_ref().map(|i| i.email.as_str()));
                mail.is_some_and(|m| same_email(m, email))
            })
            .collect();
        let invitations: Vec<(PersonSource, Invitation)> =
            invitations.into_iter().filter(|(_, i)| same_email(&i.email, email)).collect();
        if rows.is_empty() && invitations.is_empty() {
            return Err(CoreError::not_found(format!(
                "no one with the email {email} in the cached organizations of the signed-in accounts: \
                 sync, or check the email"
            )));
        }
        let labels = self.account_labels()?;
        let mut memo = HashMap::new();
        let (mut mail, mut name, mut username) = (None, None, None);
        let mut orgs: Vec<PersonOrg> = Vec::new();
        for r in &rows {
            fill_names(&mut mail, &mut name, &mut username, &r.row);
            let kind = member_kind(&r.row).unwrap_or(MemberKind::Invitation);
            let entry = org_entry(&mut orgs, &r.source, &labels);
            // A member's row says more than a pending invitation's, whichever comes first.
            if entry.member_id.is_none() {
                entry.roles = r.row.roles.clone();
                entry.kind = kind;
                if let Some(u) = &r.row.user {
                    entry.member_id = Some(u.id);
                    entry.teams = None;
                } else if let Some(i) = &r.row.invitation {
                    entry.teams = Some(invitation_team_labels(i));
                }
            }
        }
        let now = Utc::now();
        for (source, inv) in &invitations {
            if mail.is_none() {
                mail = Some(inv.email.clone());
            }
            let entry = org_entry(&mut orgs, source, &labels);
            entry.fetched_at = entry.fetched_at.min(source.fetched_at);
            let pending = matches!(inv.status, None | Some(InvitationStatus::Pending));
            if pending && entry.member_id.is_none() && entry.teams.as_ref().is_none_or(Vec::is_empty) {
                entry.teams = Some(invitation_team_labels(inv));
            }
            entry.invitations.push(PersonInvitation {
                id: inv.id,
                status: inv.status.map_or("pending", InvitationStatus::as_str).to_owned(),
                lapsed: pending && inv.expires.is_some_and(|e| e < now),
                roles: invitation_role_labels(inv),
                teams: invitation_team_labels(inv),
                inviter: inv.inviter.as_ref().and_then(inviter_label).map(str::to_owned),
                created: inv.created,
                expires: inv.expires,
            });
        }
        for entry in &mut orgs {
            entry.invitations.sort_by_key(|i| i.created);
            let source = PersonSource {
                account_id: entry.account_id.clone(),
                org_id: entry.org_id,
                org_name: entry.org_name.clone(),
                fetched_at: entry.fetched_at,
                failure: entry.last_error.take(),
            };
            let (stale, last_error) = self.org_freshness(&mut memo, &source)?;
            entry.stale = stale;
            entry.last_error = last_error;
        }
        orgs.sort_by(|a, b| (&a.org_name, &a.account).cmp(&(&b.org_name, &b.account)));
        Ok(Person {
            key,
            email: mail,
            name,
            username,
            fetched_at: orgs.iter().map(|o| o.fetched_at).min(),
            stale: orgs.iter().any(|o| o.stale),
            last_error: orgs.iter().find_map(|o| o.last_error.clone()),
            organizations: orgs,
            not_cached: NOT_CACHED.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    fn account_labels(&self) -> Result<HashMap<String, String>> {
        Ok(self.accounts()?.iter().map(|a| (a.id.clone(), account_label(a))).collect())
    }

    /// Whether an organization's lists are stale and why their last refresh failed: its own lists'
    /// failure, else its account's list of organizations' (read once per account).
    fn org_freshness(
        &self,
        accounts: &mut HashMap<String, Option<String>>,
        s: &PersonSource,
    ) -> Result<OrgFreshness> {
        let failed = match &s.failure {
            Some(f) => Some(f.clone()),
            None => match accounts.get(&s.account_id) {
                Some(f) => f.clone(),
                None => {
                    let state =
                        self.with_cache(|c| c.sync_state(&s.account_id, None, Entity::Organizations))?;
                    let f = state.and_then(|st| match st.outcome {
                        SyncOutcome::Error(e) => Some(e),
                        SyncOutcome::Ok => None,
                    });
                    accounts.insert(s.account_id.clone(), f.clone());
                    f
                }
            },
        };
        Ok((stale(s.fetched_at, failed.is_some(), Utc::now()), failed))
    }
}

/// The organization's entry of a person's page, added (as an invitation, until a member row says
/// more) when it is not there yet.
fn org_entry<'a>(
    orgs: &'a mut Vec<PersonOrg>,
    s: &PersonSource,
    labels: &HashMap<String, String>,
) -> &'a mut PersonOrg {
    let i = match orgs.iter().position(|o| o.account_id == s.account_id && o.org_id == s.org_id) {
        Some(i) => i,
        None => {
            orgs.push(PersonOrg {
                account_id: s.account_id.clone(),
                account: labels.get(&s.account_id).cloned().unwrap_or_else(|| s.account_id.clone()),
                org_id: s.org_id,
                org_name: s.org_name.clone(),
                kind: MemberKind::Invitation,
                member_id: None,
                roles: Vec::new(),
                teams: Some(Vec::new()),
                invitations: Vec::new(),
                fetched_at: s.fetched_at,
                stale: false,
                last_error: s.failure.clone(),
            });
            orgs.len() - 1
        }
    };
    &mut orgs[i]
}

/// Takes a person's email, name and username from a row, a user's before an invitation's.
fn fill_names(
    email: &mut Option<String>,
    name: &mut Option<String>,
    username: &mut Option<String>,
    row: &MemberRow,
) {
    if let Some(u) = &row.user {
        if email.is_none() {
            *email = u.email.clone().filter(|e| !e.trim().is_empty());
        }
        if name.is_none() {
            *name = u.name.clone().filter(|n| !n.trim().is_empty());
        }
        if username.is_none() {
            *username = u.username.clone();
        }
    } else if let Some(i) = &row.invitation {
        if email.is_none() {
            *email = Some(i.email.clone());
        }
    }
}

fn membership(r: &PersonRow, labels: &HashMap<String, String>, stale: bool) -> Option<Membership> {
    let kind = member_kind(&r.row)?;
    let (id, invitation_status) = match (&r.row.user, &r.row.invitation) {
        (Some(u), _) => (u.id, None),
        (None, Some(i)) => (i.id, Some(i.status.map_or("pending", InvitationStatus::as_str).to_owned())),
        (None, None) => return None,
    };
    Some(Membership {
        account_id: r.source.account_id.clone(),
        account: labels.get(&r.source.account_id).cloned().unwrap_or_else(|| r.source.account_id.clone()),
        org_id: r.source.org_id,
        org_name: r.source.org_name.clone(),
        kind,
        id,
        roles: r.row.roles.clone(),
        invitation_status,
        fetched_at: r.source.fetched_at,
        stale,
    })
}
