//! Where "Open in dashboard" goes: each kind of workspace has its own web dashboard. ZenML's is
//! `https://cloud.zenml.io` (`ZENML_PRO_URL` overrides it), Kitaru's is `https://cloud.kitaru.ai`
//! (`ZENML_PRO_KITARU_URL`). A workspace of a kind this build does not know goes to ZenML's, the
//! dashboard of the control plane it was listed by.
//!
//! A workspace's page is `<dashboard>/organizations/<organization id>/workspaces/<name>` on either:
//! ZenML's deep links are documented; Kitaru's are not, so the same path is this project's choice.

use uuid::Uuid;
use zenml_cloud_api::{Workspace, WorkspaceKind};

/// `ZENML_PRO_URL`: ZenML's web dashboard.
pub const ZENML_DASHBOARD_ENV: &str = "ZENML_PRO_URL";
/// `ZENML_PRO_KITARU_URL`: Kitaru's web dashboard.
pub const KITARU_DASHBOARD_ENV: &str = "ZENML_PRO_KITARU_URL";
/// ZenML's dashboard without `ZENML_PRO_URL`.
pub const DEFAULT_ZENML_DASHBOARD: &str = "https://cloud.zenml.io";
/// Kitaru's dashboard without `ZENML_PRO_KITARU_URL`.
pub const DEFAULT_KITARU_DASHBOARD: &str = "https://cloud.kitaru.ai";

/// The web dashboards, each a root without a trailing slash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dashboards {
    pub zenml: String,
    pub kitaru: String,
}

impl Default for Dashboards {
    fn default() -> Self {
        Self::new(DEFAULT_ZENML_DASHBOARD, DEFAULT_KITARU_DASHBOARD)
    }
}

impl Dashboards {
    /// From two roots (a trailing slash is dropped).
    pub fn new(zenml: &str, kitaru: &str) -> Self {
        Self { zenml: root(zenml), kitaru: root(kitaru) }
    }

    /// From `ZENML_PRO_URL` and `ZENML_PRO_KITARU_URL`, each defaulting when unset or blank.
    pub fn from_env() -> Self {
        let env = |name: &str, default: &str| {
            std::env::var(name).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| default.to_owned())
        };
        Self::new(
            &env(ZENML_DASHBOARD_ENV, DEFAULT_ZENML_DASHBOARD),
            &env(KITARU_DASHBOARD_ENV, DEFAULT_KITARU_DASHBOARD),
        )
    }

    /// The dashboard of a kind of workspace: Kitaru's for Kitaru workspaces, else ZenML's.
    pub fn for_kind(&self, kind: &WorkspaceKind) -> &str {
        match kind {
            WorkspaceKind::Kitaru => &self.kitaru,
            WorkspaceKind::Zenml | WorkspaceKind::Other(_) => &self.zenml,
        }
    }

    /// The workspace's page on its kind's dashboard.
    pub fn workspace_page(&self, org_id: Uuid, ws: &Workspace) -> String {
        page(self.for_kind(&ws.kind()), &["organizations", &org_id.to_string(), "workspaces", &ws.name])
    }
}

fn root(url: &str) -> String {
    url.trim().trim_end_matches('/').to_owned()
}

/// A page under `base`, each path segment percent-encoded (a workspace named `a/b?c` stays one
/// segment).
pub fn page(base: &str, segments: &[&str]) -> String {
    match url::Url::parse(base) {
        Ok(mut u) if !u.cannot_be_a_base() => {
            if let Ok(mut path) = u.path_segments_mut() {
                path.pop_if_empty().extend(segments);
            }
            u.to_string()
        }
        _ => format!("{base}/{}", segments.join("/")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(workspace_type: Option<&str>, name: &str) -> Workspace {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::nil(), "name": name, "status": "available", "workspace_type": workspace_type,
        }))
        .unwrap()
    }

    #[test]
    fn each_kind_goes_to_its_dashboard_and_unknown_kinds_to_zenml() {
        let d = Dashboards::new("https://z.example/", "https://k.example/root/");
        let org = Uuid::nil();
        assert_eq!(
            d.workspace_page(org, &ws(Some("kitaru"), "a/b")),
            format!("https://k.example/root/organizations/{org}/workspaces/a%2Fb")
        );
        for t in [None, Some("zenml"), Some("something-new")] {
            assert!(
                d.workspace_page(org, &ws(t, "w")).starts_with("https://z.example/organizations/"),
                "{t:?}"
            );
        }
        assert_eq!(Dashboards::default().kitaru, "https://cloud.kitaru.ai");
    }
}
