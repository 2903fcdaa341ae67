//! `zpro team ...` and `zpro service-accounts` end to end against the emulator: the whole life of a
//! team as an Organization Admin, every write refused (exit 5) for a Viewer, the checks made before
//! any request (exit 2, the emulator's request count unchanged), and both dialects.

mod common;

use common::Harness;
use serde_json::{json, Value};
use zenml_pro_cli::{EXIT_FORBIDDEN, EXIT_INVALID_INPUT};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

fn team<'a>(teams: &'a Value, name: &str) -> Option<&'a Value> {
    teams["items"].as_array().unwrap().iter().find(|t| t["name"] == name)
}

fn roles_of(h_members: &Value) -> Vec<String> {
    h_members["items"][0]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_from_creation_to_deletion() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;

    let r = h
        .run(&[
            "team",
            "create",
            "ops",
            "--description",
            "Keeps things running",
            "--member",
            "viewer@acme-ml.example",
            "--member",
            "new-hire@acme-ml.example",
        ])
        .await
        .ok();
    assert!(r.out.contains("Created team ops"), "{r:?}");
    assert!(r.out.contains("added   viewer@acme-ml.example"), "{r:?}");
    assert!(r.out.contains("added   new-hire@acme-ml.example"), "{r:?}");
    let teams = h.run(&["teams", "--json"]).await.ok().json();
    assert_eq!(team(&teams, "ops").expect("cached at once")["member_count"], 2, "{teams}");

    let members = h.run(&["team", "members", "ops", "--json"]).await.ok().json();
    let kinds: Vec<&str> =
        members["items"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["invitation", "user"], "{members}");
    assert_eq!(members["items"][1]["email"], "viewer@acme-ml.example");
    let table = h.run(&["team", "members", "ops"]).await.ok();
    assert!(table.out.contains("KIND") && table.out.contains("pending"), "{table:?}");

    let r = h.run(&["team", "role", "ops", "Organization Manager"]).await.ok();
    assert!(r.out.contains("Team ops now holds: Organization Manager."), "{r:?}");
    let viewer = h
        .run(&["members", "--search", "viewer@acme-ml.example", "--kind", "user", "--json"])
        .await
        .ok()
        .json();
    assert!(
        roles_of(&viewer).contains(&"Organization Manager".to_owned()),
        "granted through the team: {viewer}"
    );
    let r = h.run(&["team", "role", "ops", "Organization Viewer"]).await.ok();
    assert!(r.out.contains("now holds: Organization Viewer."), "{r:?}");
    let viewer = h
        .run(&["members", "--search", "viewer@acme-ml.example", "--kind", "user", "--json"])
        .await
        .ok()
        .json();
    assert!(
        !roles_of(&viewer).contains(&"Organization Manager".to_owned()),
        "the old role revoked: {viewer}"
    );

    let r = h.run(&["team", "rename", "ops", "operations"]).await.ok();
    assert!(r.out.contains("Renamed team ops to operations."), "{r:?}");
    let r = h.run(&["team", "describe", "operations", "Runs the platform"]).await.ok();
    assert!(r.out.contains("Description of team operations set to: Runs the platform"), "{r:?}");
    let teams = h.run(&["teams", "--json"]).await.ok().json();
    assert!(team(&teams, "ops").is_none() && team(&teams, "operations").is_some(), "{teams}");

    let r = h.run(&["team", "remove", "operations", "viewer@acme-ml.example"]).await.ok();
    assert!(r.out.contains("removed viewer@acme-ml.example"), "{r:?}");
    let r = h.run(&["team", "remove", "operations", "viewer@acme-ml.example"]).await.ok();
    assert!(r.out.contains("absent  viewer@acme-ml.example"), "{r:?}");
    let r =
        h.run(&["team", "add", "operations", "viewer@acme-ml.example", "member@acme-ml.example"]).await.ok();
    assert!(
        r.out.contains("added   viewer@acme-ml.example") && r.out.contains("added   member@acme-ml.example"),
        "{r:?}"
    );
    let r = h.run(&["team", "add", "operations", "viewer@acme-ml.example"]).await.ok();
    assert!(r.out.contains("already viewer@acme-ml.example"), "a 409 is success: {r:?}");

    let before = h.requests().await;
    let r = h.run(&["team", "delete", "operations"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
    assert!(r.err.contains("its 3 members lose the roles it grants") && r.err.contains("--yes"), "{r:?}");
    assert_eq!(h.requests().await, before, "nothing sent without --yes");

    let r = h.run(&["team", "delete", "operations", "--yes"]).await.ok();
    assert!(r.out.contains("Deleted team operations."), "{r:?}");
    let teams = h.run(&["teams", "--json"]).await.ok().json();
    assert!(team(&teams, "operations").is_none(), "{teams}");
    let viewer = h
        .run(&["members", "--search", "viewer@acme-ml.example", "--kind", "user", "--json"])
        .await
        .ok()
        .json();
    assert_eq!(roles_of(&viewer), ["Organization Viewer"], "only the direct role is left: {viewer}");
    let team_rows = h.run(&["members", "--kind", "team", "--json"]).await.ok().json();
    assert!(team_rows["items"].as_array().unwrap().iter().all(|t| t["name"] != "operations"), "{team_rows}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_team_write_is_refused_for_a_viewer() {
    let h = Harness::start().await;
    h.login_and_sync("viewer").await;
    let writes: &[&[&str]] = &[
        &["team", "create", "mine"],
        &["team", "rename", "platform", "platforms"],
        &["team", "describe", "platform", "text"],
        &["team", "delete", "platform", "--yes"],
        &["team", "add", "platform", "member@acme-ml.example"],
        &["team", "remove", "platform", "ml-engineer@acme-ml.example"],
        &["team", "role", "platform", "Organization Member"],
    ];
    for args in writes {
        let before = h.requests().await;
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_FORBIDDEN, "{args:?}: {r:?}");
        assert!(r.err.contains("does not allow"), "{args:?}: {r:?}");
        assert!(h.requests().await > before, "{args:?}: the server decided");
    }
    // Reading is allowed, and the cache is unchanged.
    let members = h.run(&["team", "members", "platform", "--json"]).await.ok().json();
    assert_eq!(members["items"].as_array().unwrap().len(), 2, "{members}");
    let teams = h.run(&["teams", "--json"]).await.ok().json();
    assert!(team(&teams, "platform").is_some() && team(&teams, "mine").is_none(), "{teams}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_input_is_checked_before_any_request() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let cases: &[(&[&str], &str)] = &[
        (&["team", "rename", "no-such-team", "x"], "no team \"no-such-team\""),
        (&["team", "members", "no-such-team"], "no team"),
        (&["team", "add", "platform", "not-an-email"], "not-an-email"),
        (
            &["team", "add", "platform", "stranger@elsewhere.example"],
            "neither a member nor a pending invitation",
        ),
        (&["team", "remove", "no-such-team", "member@acme-ml.example"], "no team"),
        (&["team", "role", "platform", "Workspace Admin"], "not an organization role"),
        (&["team", "role", "platform", "Emperor"], "not an organization role"),
        (&["team", "create", "Platform"], "already exists"),
        (&["team", "create", "  "], "empty"),
        (&["team", "create", "fresh", "--member", "bad@"], "bad@"),
        (&["team", "rename", "platform", "data-science"], "already exists"),
        (&["team", "delete", "data-science"], "--yes"),
    ];
    for (args, says) in cases {
        let before = h.requests().await;
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{args:?}: {r:?}");
        assert!(r.err.contains(says), "{args:?}: {r:?}");
        assert_eq!(h.requests().await, before, "{args:?}: no request");
    }
    let teams = h.run(&["teams", "--json"]).await.ok().json();
    assert_eq!(teams["items"].as_array().unwrap().len(), 2, "nothing created: {teams}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_accounts_are_listed_or_said_not_offered() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let listed = h.run(&["service-accounts", "--json"]).await.ok().json();
    let items = listed["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{listed}");
    assert!(items.iter().all(|s| s["name"].is_string() && s["id"].is_string()), "{listed}");
    assert_eq!(listed["hidden"], false);
    let table = h.run(&["service-accounts"]).await.ok();
    assert!(table.out.contains("LAST LOGIN"), "{table:?}");

    let orgs = h.run(&["orgs", "--json"]).await.ok().json();
    let org = orgs["items"][0]["id"].as_str().unwrap().to_owned();
    h.fault(json!({"kind": "status", "status": 404, "path_prefix": format!("/organizations/{org}/service_accounts")}))
        .await;
    let r = h.run(&["service-accounts"]).await.ok();
    assert!(r.out.contains("Not offered: the server does not offer a list of service accounts."), "{r:?}");
    let j = h.run(&["service-accounts", "--json"]).await.ok().json();
    assert_eq!((j["hidden"].clone(), j["items"].clone()), (json!(true), json!([])), "{j}");
    h.clear_faults().await;

    // An Organization Member's 403 is "not offered" too.
    let m = Harness::start().await;
    m.login_and_sync("member").await;
    let r = m.run(&["service-accounts"]).await.ok();
    assert!(r.out.contains("Not offered"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teams_work_against_every_dialect() {
    for dialect in Dialect::ALL {
        let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        h.login_and_sync("admin").await;
        let r = h.run(&["team", "create", "qa", "--member", "member@acme-ml.example"]).await.ok();
        assert!(r.out.contains("added   member@acme-ml.example"), "{dialect}: {r:?}");
        let members = h.run(&["team", "members", "qa", "--json"]).await.ok().json();
        assert_eq!(members["items"][0]["email"], "member@acme-ml.example", "{dialect}: {members}");
        assert_eq!(members["skipped"], 0, "{dialect}");
        h.run(&["team", "role", "qa", "Organization Viewer"]).await.ok();
        let m = h
            .run(&["members", "--search", "member@acme-ml.example", "--kind", "user", "--json"])
            .await
            .ok()
            .json();
        assert!(roles_of(&m).contains(&"Organization Viewer".to_owned()), "{dialect}: {m}");
        h.run(&["team", "rename", "qa", "quality", "--description", "Tests"]).await.ok();
        h.run(&["team", "delete", "quality", "--yes"]).await.ok();
        let m = h
            .run(&["members", "--search", "member@acme-ml.example", "--kind", "user", "--json"])
            .await
            .ok()
            .json();
        assert!(!roles_of(&m).contains(&"Organization Viewer".to_owned()), "{dialect}: {m}");
    }
}
