//! `zpro workspaces` (workspaces of every kind), `zpro workspace
//! deactivate|activate|access|grant|revoke` and `zpro roles show` against the emulator: waiting
//! until a change lands (or fails with its reason), the server's 403 for low roles (exit 5), the
//! checks made before any request (exit 2, no request sent), in both dialects.

mod common;

use std::time::Duration;

use common::Harness;
use serde_json::Value;
use zenml_pro_cli::{EXIT_FAILURE, EXIT_FORBIDDEN, EXIT_INVALID_INPUT};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn harness(dialect: Dialect) -> Harness {
    Harness::with(EmulatorConfig {
        port: 0,
        dialect,
        workspace_transition: Duration::from_millis(400),
        ..Default::default()
    })
    .await
}

fn status_of(h_json: &Value, name: &str) -> String {
    h_json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == name)
        .map(|w| w["status"].as_str().unwrap_or("?").to_owned())
        .unwrap_or_default()
}

/// (holder, role, workspace) of each access entry.
fn held(v: &Value) -> Vec<(String, String, String)> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["holder"].as_str().unwrap().to_owned(),
                e["role"].as_str().unwrap().to_owned(),
                e["workspace"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivate_and_activate_wait_until_the_change_lands() {
    let h = harness(Dialect::Default).await;
    h.login_and_sync("admin").await;
    let r = h.run(&["workspace", "deactivate", "acme-prod"]).await.ok();
    assert!(r.out.contains("acme-prod is deactivated."), "{r:?}");
    assert!(r.err.contains("pending"), "progress on stderr: {r:?}");
    assert!(r.err.contains("acme-prod: deactivated"), "{r:?}");
    // Written through to the cache: the listing shows it with no sync.
    let ws = h.run(&["workspaces", "--json"]).await.ok().json();
    assert_eq!(status_of(&ws, "acme-prod"), "deactivated");

    let r = h.run(&["workspace", "activate", "acme-prod", "--no-wait"]).await.ok();
    assert!(r.out.contains("acme-prod is pending (asked for available)"), "{r:?}");
    let ws = h.run(&["workspaces", "--json"]).await.ok().json();
    assert_eq!(status_of(&ws, "acme-prod"), "pending");
    // By id, too.
    let id = ws["items"].as_array().unwrap().iter().find(|w| w["name"] == "acme-prod").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let r = h.run(&["workspace", "activate", &id]).await.ok();
    assert!(r.out.contains("acme-prod is available."), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_fails_exits_non_zero_with_the_reason() {
    let h = harness(Dialect::Default).await;
    h.login_and_sync("admin").await;
    h.control().fail_next_transition(None, Some("No capacity left in the region")).await;
    let r = h.run(&["workspace", "deactivate", "acme-research"]).await;
    assert_eq!(r.code, EXIT_FAILURE, "{r:?}");
    assert!(
        r.err.contains("acme-research is failed instead of deactivated: No capacity left in the region"),
        "{r:?}"
    );
    let ws = h.run(&["workspaces", "--json"]).await.ok().json();
    assert_eq!(status_of(&ws, "acme-research"), "failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_are_refused_by_the_server_with_exit_5() {
    let h = harness(Dialect::Default).await;
    h.login_and_sync("viewer").await;
    for args in [
        vec!["workspace", "deactivate", "acme-prod"],
        vec!["workspace", "activate", "acme-legacy"],
        vec!["workspace", "grant", "acme-prod", "viewer@acme-ml.example", "Workspace Developer"],
        vec!["workspace", "revoke", "acme-prod", "platform", "Workspace Admin"],
    ] {
        let before = h.requests().await;
        let r = h.run(&args).await;
        assert_eq!(r.code, EXIT_FORBIDDEN, "{args:?}: {r:?}");
        assert_eq!(h.requests().await, before + 2, "{args:?}: the target read, then one request, refused");
    }
    // A viewer may read who holds what.
    let access = h.run(&["workspace", "access", "acme-prod", "--json"]).await.ok().json();
    assert!(held(&access).contains(&("platform".into(), "Workspace Admin".into(), "acme-prod".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_members_cannot_read_assignments() {
    let h = harness(Dialect::Default).await;
    h.login_and_sync("member").await;
    let r = h.run(&["workspace", "access", "acme-research"]).await;
    assert_eq!(r.code, EXIT_FORBIDDEN, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_before_any_request() {
    let h = harness(Dialect::Default).await;
    h.login_and_sync("admin").await;
    let cases: [&[&str]; 7] = [
        &["workspace", "deactivate", "no-such-workspace"],
        &["workspace", "grant", "no-such-workspace", "viewer@acme-ml.example", "Workspace Developer"],
        &["workspace", "grant", "acme-prod", "viewer@acme-ml.example", "Organization Admin"],
        &["workspace", "grant", "acme-prod", "not an@email", "Workspace Developer"],
        &["workspace", "grant", "acme-prod", "stranger@elsewhere.example", "Workspace Developer"],
        &["workspace", "revoke", "acme-prod", "no-such-team", "Workspace Admin"],
        &["workspace", "access", "no-such-workspace"],
    ];
    for args in cases {
        let before = h.requests().await;
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{args:?}: {r:?}");
        assert_eq!(h.requests().await, before, "{args:?}: no request");
    }
    let r = h.run(&["roles", "show", "Emperor"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
}

async fn grant_access_revoke(dialect: Dialect) {
    let h = harness(dialect).await;
    h.login_and_sync("admin").await;
    let r = h
        .run(&["workspace", "grant", "acme-prod", "viewer@acme-ml.example", "Workspace Developer"])
        .await
        .ok();
    assert!(
        r.out.contains("viewer@acme-ml.example (user) now holds Workspace Developer on acme-prod."),
        "{r:?}"
    );
    h.run(&["workspace", "grant", "acme-prod", "data-science", "Workspace Viewer"]).await.ok();
    h.run(&["workspace", "grant", "acme-prod", "new-hire@acme-ml.example", "Workspace Viewer"]).await.ok();
    // Granting what is held already is no error.
    h.run(&["workspace", "grant", "acme-prod", "data-science", "Workspace Viewer"]).await.ok();

    let access = held(&h.run(&["workspace", "access", "acme-prod", "--json"]).await.ok().json());
    for want in [
        ("viewer@acme-ml.example", "Workspace Developer"),
        ("data-science", "Workspace Viewer"),
        ("new-hire@acme-ml.example", "Workspace Viewer"),
        ("platform", "Workspace Admin"),
    ] {
        assert!(
            access.contains(&(want.0.into(), want.1.into(), "acme-prod".into())),
            "{dialect}: {want:?} in {access:?}"
        );
    }
    let table = h.run(&["workspace", "access", "acme-prod"]).await.ok();
    assert!(table.out.contains("HOLDER") && table.out.contains("data-science"), "{table:?}");

    let holders = held(&h.run(&["roles", "show", "Workspace Viewer", "--json"]).await.ok().json());
    assert!(
        holders.contains(&("data-science".into(), "Workspace Viewer".into(), "acme-prod".into())),
        "{holders:?}"
    );
    let org_role = h.run(&["roles", "show", "Organization Admin"]).await.ok();
    assert!(
        org_role.out.contains("(organization)") && org_role.out.contains("admin@acme-ml.example"),
        "{org_role:?}"
    );

    let r = h
        .run(&["workspace", "revoke", "acme-prod", "viewer@acme-ml.example", "Workspace Developer"])
        .await
        .ok();
    assert!(r.out.contains("no longer holds Workspace Developer on acme-prod"), "{r:?}");
    let access = held(&h.run(&["workspace", "access", "acme-prod", "--json"]).await.ok().json());
    assert!(!access.iter().any(|(w, _, _)| w == "viewer@acme-ml.example"), "{access:?}");
    // Revoking what is not held is the server's not-found.
    let r =
        h.run(&["workspace", "revoke", "acme-prod", "viewer@acme-ml.example", "Workspace Developer"]).await;
    assert_eq!(r.code, EXIT_FAILURE, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grant_access_and_revoke_default_dialect() {
    grant_access_revoke(Dialect::Default).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grant_access_and_revoke_variant_dialect() {
    grant_access_revoke(Dialect::Variant).await;
}

/// `zpro workspaces`: a TYPE column and `workspace_type` in `--json`; a Kitaru workspace's server URL
/// is its Kitaru server's, and its `dashboard_url` is on Kitaru's dashboard; an unknown type is printed
/// as its text (cleaned of control characters), never an error.
async fn kinds_of_workspaces(dialect: Dialect) {
    let h = harness(dialect).await;
    h.login_and_sync("multi_org").await;
    let j = h.run(&["--org", "orbit-labs", "workspaces", "--json"]).await.ok().json();
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "{dialect}: {j}");
    let item = |name: &str| items.iter().find(|w| w["name"] == name).unwrap().clone();
    for name in ["orbit-agents", "orbit-copilot"] {
        let w = item(name);
        assert_eq!(w["workspace_type"], "kitaru", "{dialect}: {w}");
        let url = w["server_url"].as_str().unwrap();
        assert!(url.ends_with("-kitaru.workspaces.emulator.invalid"), "{dialect}: {w}");
        let page = w["dashboard_url"].as_str().unwrap();
        assert!(
            page.starts_with("https://cloud.kitaru.ai/organizations/")
                && page.ends_with(&format!("/workspaces/{name}")),
            "{dialect}: {w}"
        );
    }
    assert_eq!(item("orbit-agents")["version"], Value::Null, "{dialect}: no ZenML server");
    let main = item("orbit-main");
    assert_eq!(main["workspace_type"], "zenml", "{dialect}: no type is ZenML's");
    assert!(main["dashboard_url"].as_str().unwrap().starts_with("https://cloud.zenml.io/organizations/"));

    let table = h.run(&["--org", "orbit-labs", "workspaces"]).await.ok();
    let header = table.out.lines().next().unwrap_or_default().to_owned();
    assert!(header.starts_with("NAME") && header.contains("TYPE"), "{table:?}");
    let row = |name: &str| table.out.lines().find(|l| l.starts_with(name)).unwrap_or_default().to_owned();
    assert!(row("orbit-agents ").contains(" Kitaru "), "{dialect}: {table:?}");
    assert!(row("orbit-main ").contains(" ZenML "), "{dialect}: {table:?}");

    // A type this build does not know: its text, with no control character reaching the terminal.
    let id = main["id"].as_str().unwrap().to_owned();
    h.control().set_workspace_type(&id, "agent\u{1b}[31m-lab").await;
    h.run(&["sync"]).await.ok();
    let j = h.run(&["--org", "orbit-labs", "workspaces", "--json"]).await.ok().json();
    let odd = j["items"].as_array().unwrap().iter().find(|w| w["name"] == "orbit-main").unwrap().clone();
    assert_eq!(odd["workspace_type"], "agent\u{1b}[31m-lab", "{dialect}: JSON keeps the text as sent");
    let table = h.run(&["--org", "orbit-labs", "workspaces"]).await.ok();
    assert!(table.out.contains("agent[31m-lab") && !table.out.contains('\u{1b}'), "{dialect}: {table:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspaces_of_every_kind_default_dialect() {
    kinds_of_workspaces(Dialect::Default).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspaces_of_every_kind_variant_dialect() {
    kinds_of_workspaces(Dialect::Variant).await;
}
