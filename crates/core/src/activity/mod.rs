//! The activity log: every change [`Core`] makes on a server is recorded in the cache's `activity`
//! table by the write method itself, so every caller (the window, `zpro`, an offboarding) is logged
//! without doing anything. Reading it ([`Core::activity`]) and undoing a reversible entry
//! ([`Core::undo`], in `undo`) live here too.
//!
//! A write method logs through one call, [`Core::logged`]: a [`Draft`] made before the write from the
//! cache (who and what it targets, what it is about to replace; see `drafts`), and the write's future.
//! What the write answered can refine or split the entry ([`Logged`]: one entry per email of a batch).
//! A failed write is logged with its error. Logging never fails the write: a log that cannot be written
//! is a warning in the app's log, and the write's result is returned as it was.
//!
//! Nothing secret goes in: ids, emails, names, role and team names, error codes and messages (core's
//! messages never carry a secret).

use std::future::Future;

use chrono::Utc;
use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRole, Organization, Team, Workspace};

use crate::cache::{ActivityKind, ActivityPage, ActivityQuery, NewActivity, Replaced};
use crate::error::{CoreError, Result};
use crate::grants::AccessEntry;
use crate::invites::InviteOutcome;
use crate::service::Core;
use crate::teams::{TeamCreated, TeamMemberOutcome};

mod drafts;
mod undo;

pub use undo::{UndoOutcome, UndoPreview, UNDO_FORCE_AFTER_DAYS};

use crate::pipeline::UNDO_OF;

/// An entry in the making: known before the write, from the cache.
#[derive(Clone, Debug)]
pub(crate) struct Draft {
    pub kind: ActivityKind,
    pub account_id: String,
    pub org_id: Uuid,
    pub target_id: Option<String>,
    pub target: String,
    pub detail: Option<String>,
    pub replaced: Replaced,
}

/// What became of one entry of a write: done, or failed with this error.
pub(crate) struct Done {
    pub draft: Draft,
    pub error: Option<CoreError>,
}

impl Draft {
    pub fn new(kind: ActivityKind, account_id: &str, org_id: Uuid, target: impl Into<String>) -> Self {
        Draft {
            kind,
            account_id: account_id.to_owned(),
            org_id,
            target_id: None,
            target: target.into(),
            detail: None,
            replaced: Replaced::default(),
        }
    }

    fn done(self) -> Done {
        Done { draft: self, error: None }
    }
}

/// How a write's answer shapes its entries. By default one entry, as drafted.
pub(crate) trait Logged {
    fn entries(&self, draft: Draft) -> Vec<Done> {
        vec![draft.done()]
    }
}

impl Logged for () {}
impl Logged for Invitation {}
impl Logged for Vec<MemberRole> {}
impl Logged for Organization {}
impl Logged for Team {}
impl Logged for Workspace {}
impl Logged for AccessEntry {}

/// An invitation batch: one entry per email, each with its own outcome.
impl Logged for Vec<InviteOutcome> {
    fn entries(&self, draft: Draft) -> Vec<Done> {
        self.iter()
            .map(|o| {
                let mut d = draft.clone();
                d.target = o.email.clone();
                d.target_id = o.invitation.as_ref().map(|i| i.id.to_string());
                Done { draft: d, error: o.error.clone() }
            })
            .collect()
    }
}

/// A resent invitation: the new invitation's id.
impl Logged for InviteOutcome {
    fn entries(&self, mut draft: Draft) -> Vec<Done> {
        if let Some(i) = &self.invitation {
            draft.target_id = Some(i.id.to_string());
        }
        vec![Done { draft, error: self.error.clone() }]
    }
}

/// A team created: its id.
impl Logged for TeamCreated {
    fn entries(&self, mut draft: Draft) -> Vec<Done> {
        draft.target_id = Some(self.team.id.to_string());
        vec![draft.done()]
    }
}

/// A change of a team's members: one entry per email, each with its own outcome.
impl Logged for Vec<TeamMemberOutcome> {
    fn entries(&self, draft: Draft) -> Vec<Done> {
        self.iter()
            .map(|o| {
                let mut d = draft.clone();
                d.target = o.email.clone();
                Done { draft: d, error: o.error.clone() }
            })
            .collect()
    }
}

impl Core {
    /// Runs a write and logs it (see the module's doc): the one call each write method makes.
    pub(crate) async fn logged<T: Logged>(
        &self,
        draft: Draft,
        write: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let result = write.await;
        let entries = match &result {
            Ok(answer) => answer.entries(draft),
            Err(e) => vec![Done { draft, error: Some(e.clone()) }],
        };
        for done in entries {
            if let Err(e) = self.record(done) {
                tracing::warn!(code = e.code.as_str(), error = %e, "a change could not be written to the activity log");
            }
        }
        result
    }

    fn record(&self, done: Done) -> Result<i64> {
        let Done { draft, error } = done;
        let account_label = self
            .with_cache(|c| c.account(&draft.account_id))?
            .map_or_else(|| draft.account_id.clone(), |a| crate::model::account_label(&a));
        let org_name = self
            .with_cache(|c| c.organization(&draft.account_id, &draft.org_id.to_string()))?
            .map_or_else(|| draft.org_id.to_string(), |o| o.value.name);
        let entry = NewActivity {
            account_id: draft.account_id,
            account_label,
            org_id: draft.org_id.to_string(),
            org_name,
            kind: Some(draft.kind),
            target_id: draft.target_id,
            target_label: draft.target,
            detail: draft.detail,
            replaced: draft.replaced,
            error: error.map(|e| (e.code.as_str().to_owned(), e.message)),
            undo_of: UNDO_OF.try_with(|id| *id).ok(),
        };
        self.with_cache(|c| c.record_activity(&entry, Utc::now()))
    }

    /// The activity log, newest first, filtered and paged by `query` (every account and organization
    /// unless it says otherwise). Local data: works offline.
    pub fn activity(&self, query: &ActivityQuery) -> Result<ActivityPage> {
        if query.limit == Some(0) {
            return Err(CoreError::invalid("the limit must be at least 1", Vec::new()));
        }
        self.with_cache(|c| c.activity(query))
    }
}
