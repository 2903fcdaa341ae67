//! The access review, the activity log (with undo) and exports from the window (from core's
//! `access_review`, `activity`, `undo` and `export`).

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::{
    AccessReview, ActivityEntry, ActivityPage, Finding, MemberKind, ReviewOrg, SectionCount, UndoOutcome,
};

use super::*;

/// What to review. Every field may be left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(default)]
pub struct ReviewQueryView {
    /// Pending invitations older than this many days are stale (default 14).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub stale_days: Option<u32>,
    /// Organizations (ids or names) compared for "in only one of the group"; none or empty: that
    /// section is left out. One alone is `invalid_input`.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub group: Option<Vec<String>>,
}

/// One finding of the review.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct FindingView {
    /// `admin`, `service_account_admin`, `custom_role`, `team_only`, `inactive`, `stale_invitation`,
    /// `expired_invitation` or `only_in_one`.
    pub section: String,
    pub account_id: String,
    pub account: String,
    pub org_id: String,
    pub org_name: String,
    /// The email lower-cased, else `id:<id>`.
    pub person: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub kind: MemberKind,
    pub roles: Vec<String>,
    pub via_team: bool,
    /// What was found, in words.
    pub detail: String,
    pub created: Option<String>,
    pub expires: Option<String>,
    pub fetched_at: String,
    pub stale: bool,
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> Self {
        Self {
            section: f.section.as_str().to_owned(),
            account_id: f.account_id.clone(),
            account: f.account.clone(),
            org_id: f.org_id.to_string(),
            org_name: f.org_name.clone(),
            person: f.person.clone(),
            name: f.name.clone(),
            email: f.email.clone(),
            kind: f.kind,
            roles: f.roles.clone(),
            via_team: f.via_team,
            detail: f.detail.clone(),
            created: iso_opt(f.created),
            expires: iso_opt(f.expires),
            fetched_at: iso(f.fetched_at),
            stale: f.stale,
        }
    }
}

/// A section's heading and how many findings it has.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SectionCountView {
    pub section: String,
    pub title: String,
    pub count: u32,
}

impl From<&SectionCount> for SectionCountView {
    fn from(s: &SectionCount) -> Self {
        Self { section: s.section.as_str().to_owned(), title: s.title.clone(), count: to_u32(s.count) }
    }
}

/// An organization the review looked at.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ReviewOrgView {
    pub account_id: String,
    pub account: String,
    pub org_id: String,
    pub org_name: String,
    pub fetched_at: String,
    pub stale: bool,
    pub last_error: Option<String>,
    /// Its member list is not visible to the account's role.
    pub members_hidden: bool,
}

impl From<&ReviewOrg> for ReviewOrgView {
    fn from(o: &ReviewOrg) -> Self {
        Self {
            account_id: o.account_id.clone(),
            account: o.account.clone(),
            org_id: o.org_id.to_string(),
            org_name: o.org_name.clone(),
            fetched_at: iso(o.fetched_at),
            stale: o.stale,
            last_error: o.last_error.clone(),
            members_hidden: o.members_hidden,
        }
    }
}

/// The access review across every cached organization of every signed-in account.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccessReviewView {
    pub stale_days: u32,
    pub group: Vec<String>,
    pub findings: Vec<FindingView>,
    pub sections: Vec<SectionCountView>,
    pub organizations: Vec<ReviewOrgView>,
    pub accounts: u32,
    /// As of: the oldest of the organizations' times; null before any sync.
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What this offline review cannot tell, in words.
    pub notes: Vec<String>,
}

impl From<&AccessReview> for AccessReviewView {
    fn from(r: &AccessReview) -> Self {
        Self {
            stale_days: r.stale_days,
            group: r.group.clone(),
            findings: r.findings.iter().map(FindingView::from).collect(),
            sections: r.sections.iter().map(SectionCountView::from).collect(),
            organizations: r.organizations.iter().map(ReviewOrgView::from).collect(),
            accounts: to_u32(r.accounts),
            fetched_at: iso_opt(r.fetched_at),
            stale: r.stale,
            last_error: r.last_error.clone(),
            notes: r.notes.clone(),
        }
    }
}

/// Which log entries to read, newest first. Every field may be left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(default)]
pub struct ActivityQueryView {
    /// An organization's id or name, as logged.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub org: Option<String>,
    /// A kind of change (`role_change`, …); see `kinds` of the page.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub kind: Option<String>,
    /// True: only failures.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub failed_only: Option<bool>,
    /// Part of the target's email, name or id.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub search: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub offset: Option<u32>,
    /// At most this many (default 50, at most 500).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub limit: Option<u32>,
}

/// One logged change.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ActivityEntryView {
    /// What `undo` names it by.
    pub id: u32,
    pub at: String,
    pub account_id: String,
    pub account: String,
    pub org_id: String,
    pub org: String,
    /// Its name (`role_change`, …) and in words ("role change").
    pub kind: String,
    pub what: String,
    pub target: String,
    pub detail: Option<String>,
    pub ok: bool,
    pub error_code: Option<String>,
    /// The failure, in plain words.
    pub error: Option<String>,
    /// What it replaced, in words (empty: nothing recorded).
    pub replaced: Vec<String>,
    /// Undo can reverse it now.
    pub undoable: bool,
    pub undo_of: Option<u32>,
    pub undone_at: Option<String>,
    pub undone_by: Option<u32>,
}

fn id32(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

fn replaced_words(e: &ActivityEntry) -> Vec<String> {
    let r = &e.replaced;
    let mut out = Vec::new();
    let names = |v: Vec<String>| v.join(", ");
    if !r.roles.is_empty() {
        let roles = r.roles.iter().map(|x| {
            let name = x.name.clone().unwrap_or_else(|| x.id.clone());
            match x.workspace.as_deref().or(x.workspace_id.as_deref()) {
                Some(ws) => format!("{name} on {ws}"),
                None => name,
            }
        });
        out.push(format!("roles: {}", names(roles.collect())));
    }
    if !r.teams.is_empty() {
        let teams = r.teams.iter().map(|t| t.name.clone().unwrap_or_else(|| t.id.clone()));
        out.push(format!("teams: {}", names(teams.collect())));
    }
    if let Some(n) = &r.name {
        out.push(format!("name: {n}"));
    }
    if let Some(d) = &r.description {
        out.push(format!("description: {d}"));
    }
    if let Some(s) = &r.state {
        out.push(format!("state: {s}"));
    }
    out
}

impl From<&ActivityEntry> for ActivityEntryView {
    fn from(e: &ActivityEntry) -> Self {
        Self {
            id: id32(e.id),
            at: iso(e.at),
            account_id: e.account_id.clone(),
            account: e.account.clone(),
            org_id: e.org_id.clone(),
            org: e.org.clone(),
            kind: e.kind.as_str().to_owned(),
            what: e.kind.as_str().replace('_', " "),
            target: e.target.clone(),
            detail: e.detail.clone(),
            ok: e.ok,
            error_code: e.error_code.clone(),
            error: e.error.clone(),
            replaced: replaced_words(e),
            undoable: e.undoable,
            undo_of: e.undo_of.map(id32),
            undone_at: iso_opt(e.undone_at),
            undone_by: e.undone_by.map(id32),
        }
    }
}

/// A page of the log, and the kinds one may filter by.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ActivityPageView {
    pub entries: Vec<ActivityEntryView>,
    pub total: u32,
    pub offset: u32,
    pub kinds: Vec<String>,
}

impl ActivityPageView {
    pub fn new(p: &ActivityPage, offset: usize) -> Self {
        Self {
            entries: p.entries.iter().map(ActivityEntryView::from).collect(),
            total: to_u32(p.total),
            offset: to_u32(offset),
            kinds: zenml_pro_core::ActivityKind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        }
    }
}

/// What an undo did.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UndoOutcomeView {
    /// The entry undone, now marked undone.
    pub undone: ActivityEntryView,
    /// The write that reversed it.
    pub by: Option<ActivityEntryView>,
    /// In words: what was put back.
    pub message: String,
}

/// What an undo would do (`undo_preview`), checked against the server.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct UndoPreviewView {
    pub entry: ActivityEntryView,
    /// In words: what will change.
    pub will: String,
    /// Older than 7 days: the window asks again before undoing it (`undo` with `force`).
    pub needs_force: bool,
    pub age_days: i32,
}

impl From<&zenml_pro_core::UndoPreview> for UndoPreviewView {
    fn from(p: &zenml_pro_core::UndoPreview) -> Self {
        Self {
            entry: ActivityEntryView::from(&p.entry),
            will: p.will.clone(),
            needs_force: p.needs_force,
            age_days: i32::try_from(p.age_days).unwrap_or(i32::MAX),
        }
    }
}

impl From<&UndoOutcome> for UndoOutcomeView {
    fn from(u: &UndoOutcome) -> Self {
        Self {
            undone: ActivityEntryView::from(&u.undone),
            by: u.by.as_ref().map(ActivityEntryView::from),
            message: u.message.clone(),
        }
    }
}
