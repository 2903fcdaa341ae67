//! The home page: one card per cached organization of every signed-in account (from core's `home`).

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::api::WorkspaceKind;
use zenml_pro_core::{Home, HomeOrg};

use super::*;

/// How many of an organization's workspaces are in one status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WorkspaceCountView {
    /// `not_initialized`, `pending`, `available`, `failed`, `deactivated`, `deleted` (or `other`).
    pub status: String,
    pub count: u32,
}

/// How many of an organization's workspaces are of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct WorkspaceKindCountView {
    /// `zenml`, `kitaru`, or a type this build does not know, as the server wrote it.
    pub workspace_type: String,
    /// `ZenML`, `Kitaru`, or the unknown type's text.
    pub label: String,
    pub count: u32,
}

/// One organization of one account, summed up.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct HomeCardView {
    pub account_id: String,
    /// The account's email (else name, else server).
    pub account: String,
    /// The organization (`active`: its account's active one; `plan` null when the role may not see it).
    pub org: zenml_pro_core::records::Organization,
    /// The organization open in the window: the active one of the active account.
    pub current: bool,
    /// Users and service accounts; null when the member list is not visible to the user's role.
    pub member_count: Option<u32>,
    /// Invitations waiting for an answer; null when not visible.
    pub pending_invitations: Option<u32>,
    /// Workspaces per status; null when the workspace list is not visible.
    pub workspaces: Option<Vec<WorkspaceCountView>>,
    /// Workspaces per kind, ZenML's first; null when the workspace list is not visible.
    pub workspace_kinds: Option<Vec<WorkspaceKindCountView>>,
    /// When the oldest of what the card shows was fetched.
    pub fetched_at: String,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What kind of failure `last_error` was (`offline` when the server could not be reached).
    pub error_code: Option<zenml_pro_core::ErrorCode>,
}

impl HomeCardView {
    pub fn new(o: &HomeOrg, active_account: Option<&str>) -> Self {
        Self {
            account_id: o.account_id.clone(),
            account: o.account.clone(),
            org: zenml_pro_core::records::Organization::new(&o.organization, o.active),
            current: o.active && active_account == Some(o.account_id.as_str()),
            member_count: o.members.map(to_u32),
            pending_invitations: o.pending_invitations.map(to_u32),
            workspaces: o.workspaces.as_ref().map(|w| {
                w.iter()
                    .map(|(status, n)| WorkspaceCountView { status: status.clone(), count: to_u32(*n) })
                    .collect()
            }),
            workspace_kinds: o.workspace_kinds.as_ref().map(|k| {
                k.iter()
                    .map(|(t, n)| WorkspaceKindCountView {
                        label: WorkspaceKind::of(Some(t)).label().to_owned(),
                        workspace_type: t.clone(),
                        count: to_u32(*n),
                    })
                    .collect()
            }),
            fetched_at: iso(o.fetched_at),
            stale: o.stale,
            last_error: o.last_error.clone(),
            error_code: o.last_error_code,
        }
    }
}

/// Every cached organization of every signed-in account, as cards.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct HomeView {
    /// Ordered by name, then account.
    pub cards: Vec<HomeCardView>,
    /// The signed-in accounts looked at.
    pub accounts: u32,
    /// The oldest of the cards' times; null without any.
    pub fetched_at: Option<String>,
    /// Some card is stale.
    pub stale: bool,
}

impl HomeView {
    pub fn new(h: &Home, active_account: Option<&str>) -> Self {
        Self {
            cards: h.organizations.iter().map(|o| HomeCardView::new(o, active_account)).collect(),
            accounts: to_u32(h.accounts),
            fetched_at: iso_opt(h.fetched_at),
            stale: h.stale,
        }
    }
}
