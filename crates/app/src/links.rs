//! What the app opens outside itself: web pages (only https, or http to this computer), the web
//! dashboard, the billing page, the log folder; and the diagnostics.

use zenml_pro_core::CoreError;

use crate::app::App;
use crate::error::{IpcError, IpcResult};
use crate::views::*;

/// A page of the web dashboard under `base`, each path segment percent-encoded (a workspace named
/// `a/b?c` stays one segment).
pub(crate) fn dashboard_page(base: &str, segments: &[&str]) -> String {
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

/// The URL when it is a web page the app may open: `https`, or `http` to this computer. Anything else
/// (`file:`, `javascript:`, another program's scheme, no host) is refused with a plain message.
pub(crate) fn web_page(url: &str) -> Result<url::Url, String> {
    let parsed =
        url::Url::parse(url).map_err(|_| "the address is not a web address; it was not opened".to_owned())?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("an address with a user name or password in it was refused".into());
    }
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(parsed),
        "http" if loopback => Ok(parsed),
        "http" => {
            Err("only https pages are opened (plain http only on this computer); it was refused".into())
        }
        other => Err(format!("only web pages (https) are opened; a {other}: address was refused")),
    }
}

/// The doctor's report on the active account's server (or the default API URL when no account is
/// signed in), and where the log files are. Only reads from the server.
pub(crate) async fn diagnostics(app: &App) -> IpcResult<DiagnosticsView> {
    let account = app.core().active_account()?.filter(|a| a.signed_in);
    let base = account.as_ref().map_or_else(|| app.default_api_url.clone(), |a| a.base_url.clone());
    let report = app.core().doctor(account.as_ref().map(|a| a.id.as_str()), &base).await?;
    Ok(DiagnosticsView::new(&report, zenml_pro_core::logging::log_dir().as_deref()))
}

/// Opens the folder of the log files in the file manager; returns its path.
pub(crate) fn open_log_folder(app: &App) -> IpcResult<String> {
    let dir = zenml_pro_core::logging::log_dir()
        .ok_or_else(|| IpcError::internal("this computer has no place for log files (no home directory)"))?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| IpcError::internal(format!("could not create {}: {e}", dir.display())))?;
    app.opener.open_path(&dir).map_err(|e| IpcError::internal(format!("could not open the folder: {e}")))?;
    Ok(dir.display().to_string())
}

/// Opens the organization's (or one of its workspaces') page of the web dashboard in the browser: a
/// workspace's page is on its kind's dashboard (Kitaru's for a Kitaru workspace).
pub(crate) fn open_in_dashboard(
    app: &App,
    org: Option<String>,
    workspace: Option<String>,
) -> IpcResult<String> {
    let (account, org_id) = app.account_and_org(org.as_deref())?;
    let mut url = app.org_dashboard(org_id);
    if let Some(wanted) = workspace.filter(|w| !w.trim().is_empty()) {
        let workspaces = app.core().workspaces(&account.id, org_id)?.value;
        let w = workspaces
            .iter()
            .find(|w| w.id.to_string() == wanted || w.name == wanted)
            .ok_or_else(|| CoreError::not_found(format!("no workspace {wanted:?} in this organization")))?;
        url = app.workspace_dashboard(org_id, w);
    }
    app.open_web_page(&url)?;
    Ok(url)
}

/// Opens the organization's billing page of the web dashboard in the browser.
pub(crate) fn open_billing(app: &App, org: Option<String>) -> IpcResult<String> {
    let (_, org_id) = app.account_and_org(org.as_deref())?;
    let url = app.dashboard_page(&["organizations", &org_id.to_string(), "settings", "billing"]);
    app.open_web_page(&url)?;
    Ok(url)
}

/// The tray: its state, and the one handler every tray menu item goes through (see [`crate::tray`]).
#[cfg(test)]
mod link_tests {
    use super::{dashboard_page, web_page};

    #[test]
    fn only_web_pages_are_opened() {
        for ok in [
            "https://cloud.zenml.io/organizations/x",
            "http://127.0.0.1:8080/devices/verify",
            "http://localhost/x",
        ] {
            assert!(web_page(ok).is_ok(), "{ok}");
        }
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "zenml-pro-desktop://org/x",
            "http://example.com/phish",
            "ftp://x.example/",
            "https://user:pw@example.com/",
            "not a url",
            "",
        ] {
            let e = web_page(bad).unwrap_err();
            assert!(e.contains("refused") || e.contains("not a web address"), "{bad}: {e}");
        }
    }

    #[test]
    fn dashboard_paths_are_percent_encoded() {
        assert_eq!(
            dashboard_page("https://cloud.zenml.io", &["organizations", "o1", "workspaces", "a/b?c #d"]),
            "https://cloud.zenml.io/organizations/o1/workspaces/a%2Fb%3Fc%20%23d"
        );
        assert_eq!(
            dashboard_page("https://cp.example/dash/", &["organizations", "o1"]),
            "https://cp.example/dash/organizations/o1"
        );
    }
}
