//! A role: a named set of permissions, at the organization, workspace or project level.

use serde::Serialize;

/// A role as every front end shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Role {
    pub id: String,
    pub name: String,
    /// `organization`, `workspace` or `project`; `unknown` when the server did not say.
    pub level: String,
    /// True for the built-in roles; null when the server did not say.
    pub system_managed: Option<bool>,
    pub description: Option<String>,
}

impl Role {
    pub fn new(r: &zenml_cloud_api::Role) -> Self {
        Self {
            id: r.id.to_string(),
            name: r.name.clone(),
            level: r.level.map_or("unknown", |l| l.as_str()).to_owned(),
            system_managed: r.system_managed,
            description: r.description.clone(),
        }
    }
}
