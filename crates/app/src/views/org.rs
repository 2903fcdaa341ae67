//! Organizations, and what the user may do in one.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use zenml_pro_core::api::{Organization, User};

use super::*;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OrgView {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// Null when the server did not say (or said it in a shape this app cannot read).
    pub created: Option<String>,
    pub updated: Option<String>,
    /// `free`, `trial`, `pro`, `enterprise` (or `other`); null when the role may not see billing.
    pub plan: Option<String>,
    pub trial_expiry: Option<String>,
    pub has_active_subscription: Option<bool>,
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
    /// The account's active organization.
    pub active: bool,
}

pub(crate) fn user_name(u: &User) -> Option<String> {
    u.name.clone().or_else(|| u.username.clone())
}

impl OrgView {
    pub fn new(o: &Organization, active: bool) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            description: o.description.clone(),
            created: iso_opt(o.created),
            updated: iso_opt(o.updated),
            plan: o.plan.map(|p| p.as_str().to_owned()),
            trial_expiry: iso_opt(o.trial_expiry),
            has_active_subscription: o.has_active_subscription,
            owner_name: o.owner.as_ref().and_then(user_name),
            owner_email: o.owner.as_ref().and_then(|u| u.email.clone()),
            active,
        }
    }
}

/// The organizations of the active account.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OrgListView {
    pub items: Vec<OrgView>,
    /// When the list was last fetched; null before the first sync.
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What kind of failure `last_error` was (`offline` when the server could not be reached).
    pub error_code: Option<zenml_pro_core::ErrorCode>,
}

/// One organization's overview page.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OverviewView {
    pub org: OrgView,
    /// The organization-level roles the signed-in user holds.
    pub my_roles: Vec<String>,
    /// False only when the cached roles are built-in ones known to lack the right to invite, change
    /// roles, remove members and edit settings (a Viewer, say): the window greys those controls out.
    /// Otherwise they are on and the server decides (a custom role may allow them).
    pub can_manage: bool,
    /// Organization Admin or Billing Admin: the server shows them plan and subscription.
    pub can_see_billing: bool,
    pub dashboard_url: String,
    pub billing_url: String,
    /// Users and service accounts; null when the member list is not visible to the user's role.
    pub member_count: Option<u32>,
    /// Null when the workspace list is not visible to the user's role.
    pub workspace_count: Option<u32>,
    pub fetched_at: Option<String>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// What kind of failure `last_error` was (`offline` when the server could not be reached).
    pub error_code: Option<zenml_pro_core::ErrorCode>,
}

/// Roles the server shows billing fields to.
const BILLING_ROLES: [&str; 2] = ["Organization Admin", "Billing Admin"];

/// What the signed-in user may do in one organization, as far as the app knows from their roles. The
/// server still decides: controls are greyed only when the roles are known to lack the right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct AccessView {
    pub org_id: String,
    /// The user's roles in the organization (direct and through teams).
    pub my_roles: Vec<String>,
    /// Whether member and settings controls are offered.
    pub can_manage: bool,
    /// Whether billing fields are shown.
    pub can_see_billing: bool,
}

impl AccessView {
    pub fn new(org_id: uuid::Uuid, my_roles: Vec<String>) -> Self {
        Self {
            org_id: org_id.to_string(),
            can_manage: !zenml_pro_core::known_to_lack(&my_roles),
            can_see_billing: my_roles.iter().any(|r| BILLING_ROLES.contains(&r.as_str())),
            my_roles,
        }
    }
}
