//! People across organizations and accounts, and one person's page (from core's `people`).

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::{
    MemberKind, Membership, PeoplePage, Person, PersonInvitation, PersonOrg, PersonSummary,
};

use super::*;

/// A search of people. Every field may be left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(default)]
pub struct PeopleQueryView {
    /// Case-insensitive part of a name, email or username; null or blank: everyone.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub search: Option<String>,
    /// People to skip (default 0).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub offset: Option<u32>,
    /// At most this many people: default 50, at most 500.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub limit: Option<u32>,
}

/// A person in one organization of one account, as the people list shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct MembershipView {
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    pub org_id: String,
    pub org_name: String,
    /// `user`, `service_account` or `invitation`.
    pub kind: MemberKind,
    pub roles: Vec<zenml_pro_core::records::HeldRole>,
    /// An invitation's status; null for a member.
    pub invitation_status: Option<String>,
    pub fetched_at: String,
    pub stale: bool,
}

impl From<&Membership> for MembershipView {
    fn from(m: &Membership) -> Self {
        Self {
            account_id: m.account_id.clone(),
            account: m.account.clone(),
            org_id: m.org_id.to_string(),
            org_name: m.org_name.clone(),
            kind: m.kind,
            roles: m.roles.iter().map(zenml_pro_core::records::HeldRole::new).collect(),
            invitation_status: m.invitation_status.clone(),
            fetched_at: iso(m.fetched_at),
            stale: m.stale,
        }
    }
}

/// One person of the people list: who they are and every organization they are in.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PersonSummaryView {
    /// Who they are across organizations: the email lower-cased, or `id:<id>` without one.
    pub key: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    pub memberships: Vec<MembershipView>,
}

impl From<&PersonSummary> for PersonSummaryView {
    fn from(p: &PersonSummary) -> Self {
        Self {
            key: p.key.clone(),
            email: p.email.clone(),
            name: p.name.clone(),
            username: p.username.clone(),
            memberships: p.memberships.iter().map(MembershipView::from).collect(),
        }
    }
}

/// A page of people, ordered by email, with how many match and how fresh the search is.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PeoplePageView {
    pub people: Vec<PersonSummaryView>,
    pub total: u32,
    pub offset: u32,
    /// The signed-in accounts and cached organizations searched.
    pub accounts: u32,
    pub organizations: u32,
    /// When the least recently fetched member list searched was fetched; null before any sync.
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
}

impl From<&PeoplePage> for PeoplePageView {
    fn from(p: &PeoplePage) -> Self {
        Self {
            people: p.people.iter().map(PersonSummaryView::from).collect(),
            total: to_u32(p.total),
            offset: to_u32(p.offset),
            accounts: to_u32(p.accounts),
            organizations: to_u32(p.organizations),
            fetched_at: iso_opt(p.fetched_at),
            stale: p.stale,
            last_error: p.last_error.clone(),
        }
    }
}

/// An invitation sent to the person, of any status.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PersonInvitationView {
    pub id: String,
    /// `pending`, `accepted`, `declined`, `revoked`, `expired`.
    pub status: String,
    /// Pending, and past when it expires.
    pub lapsed: bool,
    /// Every role it carries, with where it applies.
    pub roles: Vec<String>,
    pub teams: Vec<String>,
    pub inviter: Option<String>,
    pub created: Option<String>,
    pub expires: Option<String>,
}

impl From<&PersonInvitation> for PersonInvitationView {
    fn from(i: &PersonInvitation) -> Self {
        Self {
            id: i.id.to_string(),
            status: i.status.clone(),
            lapsed: i.lapsed,
            roles: i.roles.clone(),
            teams: i.teams.clone(),
            inviter: i.inviter.clone(),
            created: iso_opt(i.created),
            expires: iso_opt(i.expires),
        }
    }
}

/// The person in one organization of one account.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PersonOrgView {
    pub account_id: String,
    pub account: String,
    pub org_id: String,
    pub org_name: String,
    /// `user` or `service_account` when a member; else `invitation`.
    pub kind: MemberKind,
    /// Null when only invited.
    pub member_id: Option<String>,
    /// Organization roles, each marked when held through a team.
    pub roles: Vec<zenml_pro_core::records::HeldRole>,
    /// A pending invitation's teams; null for a member (which teams they are in is not cached).
    pub teams: Option<Vec<String>>,
    pub invitations: Vec<PersonInvitationView>,
    /// When what is shown of this organization was fetched.
    pub fetched_at: String,
    pub stale: bool,
    pub last_error: Option<String>,
}

impl From<&PersonOrg> for PersonOrgView {
    fn from(o: &PersonOrg) -> Self {
        Self {
            account_id: o.account_id.clone(),
            account: o.account.clone(),
            org_id: o.org_id.to_string(),
            org_name: o.org_name.clone(),
            kind: o.kind,
            member_id: o.member_id.map(|id| id.to_string()),
            roles: o.roles.iter().map(zenml_pro_core::records::HeldRole::new).collect(),
            teams: o.teams.clone(),
            invitations: o.invitations.iter().map(PersonInvitationView::from).collect(),
            fetched_at: iso(o.fetched_at),
            stale: o.stale,
            last_error: o.last_error.clone(),
        }
    }
}

/// One person's page: each organization of each account they are in, from the cache.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct PersonView {
    pub key: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    pub organizations: Vec<PersonOrgView>,
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What this offline page leaves out, and where to find it, in words for the window.
    pub not_cached: Vec<String>,
}

/// How the window says what core's notes say (`zenml_pro_core::NOT_CACHED`), by the note's topic; a
/// note of another topic is shown as core words it.
const WINDOW_NOTES: [(&str, &str); 2] = [
    (
        "teams:",
        "Teams: which teams a member is in is read from the server and not kept offline, so a role held \
         through a team is marked \"through a team\" without the team's name here; \"Teams and workspace \
         roles\" on an organization reads them.",
    ),
    (
        "workspace grants:",
        "Workspace roles: read from the server only, with \"Teams and workspace roles\" on an \
         organization.",
    ),
];

pub(crate) fn window_note(note: &str) -> String {
    WINDOW_NOTES
        .iter()
        .find(|(topic, _)| note.starts_with(topic))
        .map_or_else(|| note.to_owned(), |(_, words)| (*words).to_owned())
}

impl From<&Person> for PersonView {
    fn from(p: &Person) -> Self {
        Self {
            key: p.key.clone(),
            email: p.email.clone(),
            name: p.name.clone(),
            username: p.username.clone(),
            organizations: p.organizations.iter().map(PersonOrgView::from).collect(),
            fetched_at: iso_opt(p.fetched_at),
            stale: p.stale,
            last_error: p.last_error.clone(),
            not_cached: p.not_cached.iter().map(|n| window_note(n)).collect(),
        }
    }
}
