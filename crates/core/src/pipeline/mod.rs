//! The one write pipeline. Every change core makes on a server is one value of a type that implements
//! [`Write`] (a type per kind: a role change, a removal, a revocation, an invitation, a team or
//! workspace change, a grant, each offboarding step, an undo), carried through one function,
//! [`Core::run`], which does these steps in order:
//!
//! 1. **resolve** the target once, from the cache (an id matches only as an id; see `resolve`);
//! 2. **read** the target's current state from the server, right before acting: the cache may be
//!    stale, another admin or the web dashboard may have changed it since;
//! 3. **act**, on exactly the one id resolved, from the state just read;
//! 4. **cache** what the server answered; a cache that cannot be written then (a busy database, say)
//!    does not make the write fail: it is journaled as done, with a note that the cache catches up at
//!    the next sync ([`Core::take_write_notes`]);
//! 5. **journal** the entry (or entries: one per email of a batch), here and nowhere else. A write
//!    that failed at any step is journaled with its error.
//!
//! Nothing secret goes in the journal: ids, emails, names, role and team names, error codes and
//! messages (core's messages never carry a secret).

use std::future::Future;

use chrono::Utc;
use uuid::Uuid;

use crate::cache::{ActivityKind, NewActivity, Replaced};
use crate::error::{CoreError, Result};
use crate::service::Core;

pub(crate) mod grants;
pub(crate) mod invites;
pub(crate) mod members;
pub(crate) mod server;
pub(crate) mod service_accounts;
pub(crate) mod teams;
pub(crate) mod workspaces;

tokio::task_local! {
    /// The entry an undo in progress reverses: the entries its writes journal say so.
    pub(crate) static UNDO_OF: i64;
}

/// Where a write acts: through which account, in which organization.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub core: &'a Core,
    pub account_id: &'a str,
    pub org_id: Uuid,
}

/// A journal entry in the making.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub kind: ActivityKind,
    pub target_id: Option<String>,
    pub target: String,
    pub detail: Option<String>,
    pub replaced: Replaced,
    pub error: Option<CoreError>,
}

impl Entry {
    pub fn new(kind: ActivityKind, target: impl Into<String>) -> Self {
        Entry {
            kind,
            target_id: None,
            target: target.into(),
            detail: None,
            replaced: Replaced::default(),
            error: None,
        }
    }

    pub fn id(mut self, id: impl ToString) -> Self {
        self.target_id = Some(id.to_string());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn failed(mut self, e: &CoreError) -> Self {
        self.error = Some(e.clone());
        self
    }
}

/// One kind of write (see the module's doc for the order its steps run in).
pub(crate) trait Write: Sync {
    /// What the write acts on, resolved once from the cache.
    type Target: Send + Sync;
    /// The target's current state, read from the server right before acting.
    type State: Send + Sync;
    /// What the write returns.
    type Answer: Send;

    /// The kind of its journal entry.
    fn kind(&self) -> ActivityKind;

    /// The target as the caller named it (the entry's target when it cannot be resolved).
    fn named(&self) -> String;

    /// Checks the input and resolves the target, before any request.
    fn resolve(&self, cx: Ctx<'_>) -> Result<Self::Target>;

    /// Reads the target's current state from the server.
    fn read(&self, cx: Ctx<'_>, target: &Self::Target) -> impl Future<Output = Result<Self::State>> + Send;

    /// Acts on the server, from the state just read.
    fn act(
        &self,
        cx: Ctx<'_>,
        target: &Self::Target,
        state: &Self::State,
    ) -> impl Future<Output = Result<Self::Answer>> + Send;

    /// Writes what the server answered into the cache.
    fn cache(
        &self,
        cx: Ctx<'_>,
        target: &Self::Target,
        state: &Self::State,
        answer: &Self::Answer,
    ) -> Result<()>;

    /// The journal's entry for the target; `state` is `None` when it could not be read.
    fn entry(&self, cx: Ctx<'_>, target: &Self::Target, state: Option<&Self::State>) -> Entry;

    /// How the answer refines or splits the entry (one entry per email of a batch). By default the
    /// entry as it is.
    fn entries(&self, entry: Entry, _answer: &Self::Answer) -> Vec<Entry> {
        vec![entry]
    }
}

/// Said when the server took a write but the cache could not be updated after it.
pub const CACHE_CATCHES_UP: &str =
    "the change was made on the server, but the offline cache could not be updated; it catches up at the \
     next sync";

impl Core {
    /// Carries one write through the pipeline (see the module's doc).
    pub(crate) async fn run<W: Write>(&self, account_id: &str, org_id: Uuid, w: &W) -> Result<W::Answer> {
        let cx = Ctx { core: self, account_id, org_id };
        let target = match w.resolve(cx) {
            Ok(t) => t,
            Err(e) => {
                self.journal(cx, vec![Entry::new(w.kind(), w.named().trim()).failed(&e)]);
                return Err(e);
            }
        };
        let state = match w.read(cx, &target).await {
            Ok(s) => s,
            Err(e) => {
                self.journal(cx, vec![w.entry(cx, &target, None).failed(&e)]);
                return Err(e);
            }
        };
        let entry = w.entry(cx, &target, Some(&state));
        let answer = match w.act(cx, &target, &state).await {
            Ok(a) => a,
            Err(e) => {
                self.journal(cx, vec![entry.failed(&e)]);
                return Err(e);
            }
        };
        if let Err(e) = w.cache(cx, &target, &state, &answer) {
            tracing::warn!(code = e.code.as_str(), error = %e, "a write took, but the cache could not be updated");
            let mut notes = crate::service::lock(&self.write_notes);
            if !notes.iter().any(|n| n == CACHE_CATCHES_UP) {
                notes.push(CACHE_CATCHES_UP.to_owned());
            }
        }
        self.journal(cx, w.entries(entry, &answer));
        Ok(answer)
    }

    /// Notes about writes that took but could not update the cache, once each (the command line
    /// prints them after the command; the window shows them).
    pub fn take_write_notes(&self) -> Vec<String> {
        std::mem::take(&mut *crate::service::lock(&self.write_notes))
    }

    /// Appends entries to the journal. Journaling never fails the write: an entry that cannot be
    /// written is a warning in the app's log.
    fn journal(&self, cx: Ctx<'_>, entries: Vec<Entry>) {
        // Who and where, as they are named now: read once for every entry of the write.
        let account_label = match self.with_cache(|c| c.account(cx.account_id)) {
            Ok(Some(a)) => crate::model::account_label(&a),
            _ => cx.account_id.to_owned(),
        };
        let org_name = match self.with_cache(|c| c.organization(cx.account_id, &cx.org_id.to_string())) {
            Ok(Some(o)) => o.value.name,
            _ => cx.org_id.to_string(),
        };
        for e in entries {
            let entry = NewActivity {
                account_id: cx.account_id.to_owned(),
                account_label: account_label.clone(),
                org_id: cx.org_id.to_string(),
                org_name: org_name.clone(),
                kind: Some(e.kind),
                target_id: e.target_id,
                target_label: e.target,
                detail: e.detail,
                replaced: e.replaced,
                error: e.error.map(|e| (e.code.as_str().to_owned(), e.message)),
                // The entry an undo in progress reverses, when this write is part of one.
                undo_of: UNDO_OF.try_with(|id| *id).ok(),
            };
            if let Err(err) = self.with_cache(|c| c.record_activity(&entry, Utc::now())) {
                tracing::warn!(code = err.code.as_str(), error = %err, "a change could not be written to the activity log");
            }
        }
    }
}
