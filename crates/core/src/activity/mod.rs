//! The activity journal: every change [`Core`] makes on a server is recorded by the write pipeline
//! (`pipeline`), so every caller (the window, `zpro`, an offboarding, an undo) is journaled without
//! doing anything. Reading it ([`Core::activity`]) and undoing a reversible entry ([`Core::undo`], in
//! `undo`) live here.
//!
//! Nothing secret goes in: ids, emails, names, role and team names, error codes and messages (core's
//! messages never carry a secret).

use crate::cache::{ActivityPage, ActivityQuery};
use crate::error::{CoreError, Result};
use crate::service::Core;

mod undo;

pub use undo::{UndoOutcome, UndoPreview, UNDO_FORCE_AFTER_DAYS};

impl Core {
    /// The activity log, newest first, filtered and paged by `query` (every account and organization
    /// unless it says otherwise). Local data: works offline.
    pub fn activity(&self, query: &ActivityQuery) -> Result<ActivityPage> {
        if query.limit == Some(0) {
            return Err(CoreError::invalid("the limit must be at least 1", Vec::new()));
        }
        self.with_cache(|c| c.activity(query))
    }
}
