//! A workspace: a ZenML (or Kitaru) server of the organization, its state and where it is.

use serde::Serialize;

/// A workspace as every front end shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Workspace {
    pub id: String,
    pub name: String,
    /// `available`, `pending`, `failed`, `deactivated`, `deleted`, `not_initialized`.
    pub status: String,
    /// `zenml`, `kitaru`, or a type this build does not know, as the server wrote it.
    pub workspace_type: String,
    /// The ZenML server version.
    pub version: Option<String>,
    /// The URL of whichever server the workspace has (a Kitaru workspace's Kitaru server first).
    pub server_url: Option<String>,
    /// Its page on its kind's web dashboard (`ZENML_PRO_URL`, `ZENML_PRO_KITARU_URL`).
    pub dashboard_url: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    /// The state asked for, while it is being reached.
    pub desired_state: Option<String>,
    /// Why it is in its state, when the server says.
    pub state_reason: Option<String>,
    /// Its type in words: "ZenML", "Kitaru".
    pub type_label: String,
}

impl Workspace {
    pub fn new(w: &zenml_cloud_api::Workspace, dashboard_url: String) -> Self {
        Self {
            id: w.id.to_string(),
            name: w.name.clone(),
            status: w.status.as_str().to_owned(),
            workspace_type: w.kind().as_str().to_owned(),
            version: w.version().map(str::to_owned),
            server_url: w.server_url().map(str::to_owned),
            dashboard_url,
            display_name: w.display_name.clone(),
            description: w.description.clone(),
            desired_state: w.desired_state.map(|s| s.as_str().to_owned()),
            state_reason: w.state_reason.clone().filter(|r| !r.trim().is_empty()),
            type_label: w.kind().label().to_owned(),
        }
    }
}
