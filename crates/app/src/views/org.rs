//! Organizations, and what the user may do in one.

use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;

pub use zenml_pro_core::records::Organization;

/// One organization's overview page.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct OverviewView {
    pub org: Organization,
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
