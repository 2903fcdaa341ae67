//! A team: a named group of members that holds roles for all of them.

use serde::Serialize;

/// A team as every front end shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Team {
    pub id: String,
    pub name: String,
    pub member_count: Option<u32>,
    pub description: Option<String>,
}

impl Team {
    pub fn new(t: &zenml_cloud_api::Team) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            member_count: t.member_count.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            description: t.description.clone(),
        }
    }
}
