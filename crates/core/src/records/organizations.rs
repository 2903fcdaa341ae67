//! An organization: its names, plan and owner.

use serde::Serialize;

use super::opt_time;

/// An organization as every front end shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// `free`, `trial`, `pro`, `enterprise` (or `other`); null when your role cannot see billing.
    pub plan: Option<String>,
    /// Whether it is the account's active organization.
    pub active: bool,
    /// Null when the server did not say (or said it in a shape this app cannot read).
    pub created: Option<String>,
    pub updated: Option<String>,
    pub trial_expiry: Option<String>,
    pub has_active_subscription: Option<bool>,
    /// The owner's name, else username.
    pub owner_name: Option<String>,
    pub owner_email: Option<String>,
}

impl Organization {
    pub fn new(o: &zenml_cloud_api::Organization, active: bool) -> Self {
        Self {
            id: o.id.to_string(),
            name: o.name.clone(),
            display_name: o.display_name.clone(),
            description: o.description.clone(),
            plan: o.plan.map(|p| p.as_str().to_owned()),
            active,
            created: opt_time(o.created),
            updated: opt_time(o.updated),
            trial_expiry: opt_time(o.trial_expiry),
            has_active_subscription: o.has_active_subscription,
            owner_name: o.owner.as_ref().and_then(crate::model::user_name).map(str::to_owned),
            owner_email: o.owner.as_ref().and_then(|u| u.email.clone()),
        }
    }
}
