//! A member removed from the organization.

use uuid::Uuid;
use zenml_cloud_api::{Assignee, MemberRole};

use super::{member, prior_roles, Member};
use crate::cache::{ActivityKind as K, Replaced};
use crate::error::{ErrorCode, Result};
use crate::pipeline::{Ctx, Entry, Write};

/// Whether a removal took, or found the member already gone on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removal {
    Removed,
    AlreadyGone,
}

/// A member removed from the organization (every direct organization role taken away).
pub(crate) struct RemoveMember {
    pub target: RemoveTarget,
}

/// Who a removal names: as typed (resolved from the cache), or the one user id a plan showed.
pub(crate) enum RemoveTarget {
    Named(String),
    Id { user_id: Uuid, label: String },
}

impl Write for RemoveMember {
    type Target = Member;
    type State = Vec<MemberRole>;
    type Answer = Removal;

    fn kind(&self) -> K {
        K::MemberRemoval
    }

    fn named(&self) -> String {
        match &self.target {
            RemoveTarget::Named(n) => n.clone(),
            RemoveTarget::Id { label, .. } => label.clone(),
        }
    }

    fn resolve(&self, cx: Ctx<'_>) -> Result<Member> {
        match &self.target {
            RemoveTarget::Named(who) => member(cx, who),
            RemoveTarget::Id { user_id, label } => {
                Ok(Member { user_id: *user_id, label: label.clone(), via_team: Vec::new() })
            }
        }
    }

    async fn read(&self, cx: Ctx<'_>, m: &Member) -> Result<Self::State> {
        cx.core.server_direct_roles(cx.account_id, cx.org_id, Assignee::User(m.user_id)).await
    }

    async fn act(&self, cx: Ctx<'_>, m: &Member, held: &Self::State) -> Result<Removal> {
        if held.is_empty() {
            return Ok(Removal::AlreadyGone);
        }
        let (org_id, user_id) = (cx.org_id, m.user_id);
        match cx
            .core
            .authed(cx.account_id, |c, t| async move { c.remove_member(&t, org_id, user_id).await })
            .await
        {
            Ok(()) => Ok(Removal::Removed),
            Err(e) if e.code == ErrorCode::NotFound => Ok(Removal::AlreadyGone),
            Err(e) => Err(e),
        }
    }

    fn cache(&self, cx: Ctx<'_>, m: &Member, _: &Self::State, _: &Removal) -> Result<()> {
        cx.core.with_cache(|c| c.remove_member(cx.account_id, cx.org_id, m.user_id))
    }

    fn entry(&self, _: Ctx<'_>, m: &Member, held: Option<&Self::State>) -> Entry {
        let mut e = Entry::new(K::MemberRemoval, m.label.clone()).id(m.user_id);
        e.replaced.roles = held.map(|h| prior_roles(h)).unwrap_or_default();
        e
    }

    fn entries(&self, entry: Entry, answer: &Removal) -> Vec<Entry> {
        match answer {
            Removal::Removed => vec![entry],
            // Nothing changed: an entry that says so, with nothing to undo.
            Removal::AlreadyGone => {
                let mut e = entry.detail("already gone");
                e.replaced = Replaced::default();
                vec![e]
            }
        }
    }
}
