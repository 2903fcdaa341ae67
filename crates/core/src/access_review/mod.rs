//! The access review: one report across every cached organization of every signed-in account, from
//! the cache (offline), of who holds power and what was left behind:
//!
//! - [`ReviewSection::Admin`]: users holding Organization Admin or Organization Manager, directly or
//!   through a team;
//! - [`ReviewSection::ServiceAccountAdmin`]: service accounts holding one of those roles;
//! - [`ReviewSection::CustomRole`]: members holding a custom organization role. The cache does not hold
//!   what a custom role may do (the server does not list its rights), so they are shown to be checked
//!   rather than counted as admins;
//! - [`ReviewSection::TeamOnly`]: members whose organization roles all come through a team (which team
//!   is not cached);
//! - [`ReviewSection::Inactive`]: users and service accounts the server marks inactive who still
//!   hold organization roles (deactivation has been seen not to take permissions away: offboard
//!   them to);
//! - [`ReviewSection::StaleInvitation`]: pending invitations sent more than `stale_days` days ago;
//! - [`ReviewSection::ExpiredInvitation`]: invitations the server marks expired, and pending ones past
//!   when they expire;
//! - [`ReviewSection::OnlyInOne`]: with a group of organizations chosen, the people in only one of them.
//!
//! Every finding names the account, organization, person and roles, and when that organization's list
//! was fetched; the report says how fresh the whole is. An organization seen by several accounts is
//! reviewed once per account (each account's view may differ), and counts once in a group.

use std::collections::HashMap;

mod rules;
pub(crate) use rules::review_org;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::cache::{MemberKind, ReviewOrgRow};
use crate::error::{CoreError, FieldMessage, Result};
use crate::model::account_label;
use crate::service::Core;
use crate::writes::MANAGING_ROLES;

/// How old a pending invitation may be before the review lists it, by default.
pub const DEFAULT_STALE_DAYS: u32 = 14;

/// What to review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewQuery {
    /// Pending invitations sent more than this many days ago are stale.
    pub stale_days: u32,
    /// Organizations (ids or names) whose people are compared: who is in only one of them. Empty:
    /// that section is left out.
    pub group: Vec<String>,
}

impl Default for ReviewQuery {
    fn default() -> Self {
        Self { stale_days: DEFAULT_STALE_DAYS, group: Vec::new() }
    }
}

/// The kinds of finding, in the order the report lists them.
/// Each one's `message` is its heading in a report ([`ReviewSection::title`]).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::VariantArray,
    strum::EnumCount,
    strum::EnumMessage,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReviewSection {
    #[strum(message = "Admins and managers")]
    Admin,
    #[strum(message = "Service accounts with admin roles")]
    ServiceAccountAdmin,
    #[strum(message = "Custom roles (what they allow is not cached: check them)")]
    CustomRole,
    #[strum(message = "Roles held only through a team")]
    TeamOnly,
    #[strum(message = "Marked inactive, still holding roles")]
    Inactive,
    #[strum(message = "Stale pending invitations")]
    StaleInvitation,
    #[strum(message = "Expired invitations")]
    ExpiredInvitation,
    #[strum(message = "In only one organization of the group")]
    OnlyInOne,
}

impl ReviewSection {
    /// Every section, in the order declared (the report's order).
    pub const ALL: [ReviewSection; <ReviewSection as strum::EnumCount>::COUNT] =
        match <ReviewSection as strum::VariantArray>::VARIANTS.first_chunk() {
            Some(all) => *all,
            None => unreachable!(),
        };

    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Its heading in a report.
    pub fn title(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }
}

/// One finding: who, where, holding what, and how fresh that is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub section: ReviewSection,
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    pub org_id: Uuid,
    pub org_name: String,
    /// Who they are across organizations: their email lower-cased, else `id:<id>`.
    pub person: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// `user`, `service_account` or `invitation`.
    pub kind: MemberKind,
    /// The user's, service account's or invitation's id.
    pub id: Uuid,
    /// The roles the finding is about (an invitation's: every role it carries, with where it
    /// applies); a role held through a team ends with " (via a team)".
    pub roles: Vec<String>,
    /// Every role named is held only through a team.
    pub via_team: bool,
    /// What was found, in words ("pending for 40 days", "in acme-ml only; not in orbit-labs").
    pub detail: String,
    /// An invitation's times.
    pub created: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    /// When the list this comes from (the organization's members, or its invitations) was fetched.
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
}

/// An organization the review looked at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReviewOrg {
    pub account_id: String,
    pub account: String,
    pub org_id: Uuid,
    pub org_name: String,
    /// The older of when its member and invitation lists were fetched; stale when either is, or its
    /// last refresh failed.
    pub fetched_at: DateTime<Utc>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// Its member list is not visible to the account's role: nothing about its members is known.
    pub members_hidden: bool,
}

/// How many findings a section has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SectionCount {
    pub section: ReviewSection,
    pub title: String,
    pub count: usize,
}

/// The access review.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccessReview {
    pub stale_days: u32,
    /// The group compared (each organization once, by name); empty when none was chosen.
    pub group: Vec<String>,
    /// The findings, by section, then organization, account and person.
    pub findings: Vec<Finding>,
    /// Every section's count (`only_in_one` only with a group).
    pub sections: Vec<SectionCount>,
    pub organizations: Vec<ReviewOrg>,
    /// Signed-in accounts reviewed.
    pub accounts: usize,
    /// The oldest of the organizations' times; `None` before any sync.
    pub fetched_at: Option<DateTime<Utc>>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What this offline review cannot tell, in words.
    pub notes: Vec<String>,
}

impl Core {
    /// The access review of every cached organization of every signed-in account: see the module's
    /// docs. A group naming an organization that is not cached, or fewer than two organizations, is
    /// `invalid_input`. Offline, from the cache.
    pub fn access_review(&self, q: &ReviewQuery) -> Result<AccessReview> {
        let orgs = self.with_cache(|c| c.review_orgs())?;
        let group = resolve_group(&orgs, &q.group)?;
        let ids: Vec<Uuid> = group.iter().map(|(id, _)| *id).collect();
        let data = self.with_cache(|c| c.review_data(orgs, &MANAGING_ROLES, &rules::is_custom_role, &ids))?;
        let accounts = self.accounts()?;
        let labels: HashMap<String, String> =
            accounts.iter().map(|a| (a.id.clone(), account_label(a))).collect();
        let signed_in = accounts.iter().filter(|a| a.signed_in).count();
        Ok(rules::review(&data, &labels, signed_in, q.stale_days, &group, Utc::now()))
    }
}

/// The group's organizations, each once (an id seen by several accounts is one organization), in the
/// order given, as (id, name).
fn resolve_group(orgs: &[ReviewOrgRow], wanted: &[String]) -> Result<Vec<(Uuid, String)>> {
    let mut group: Vec<(Uuid, String)> = Vec::new();
    for w in wanted.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let id = Uuid::parse_str(w).ok();
        let found =
            orgs.iter().find(|o| Some(o.org_id) == id).or_else(|| orgs.iter().find(|o| o.org_name == w));
        let Some(o) = found else {
            let mut known: Vec<&str> = orgs.iter().map(|o| o.org_name.as_str()).collect();
            known.dedup();
            return Err(CoreError::invalid(
                format!(
                    "--group {w:?} is not a cached organization of a signed-in account (known: {})",
                    if known.is_empty() { "none: run `zpro sync`".to_owned() } else { known.join(", ") }
                ),
                vec![FieldMessage { field: "group".into(), message: "unknown organization".into() }],
            ));
        };
        if !group.iter().any(|(g, _)| *g == o.org_id) {
            group.push((o.org_id, o.org_name.clone()));
        }
    }
    if group.len() == 1 {
        return Err(CoreError::invalid(
            "a group needs at least two organizations (repeat --group)",
            vec![FieldMessage { field: "group".into(), message: "only one organization".into() }],
        ));
    }
    Ok(group)
}
