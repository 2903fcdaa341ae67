//! `zpro` end to end against the emulator: each test signs in, syncs and then reads or writes, with one
//! temp-dir cache and one in-memory keyring across its commands.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use common::Harness;
use serde_json::Value;
use zenml_pro_cli::{EXIT_FORBIDDEN, EXIT_INVALID_INPUT, EXIT_OFFLINE, EXIT_PARTIAL, EXIT_UNAUTHORIZED};
use zenml_pro_emulator::EmulatorConfig;

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("object").keys().cloned().collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn emails(listing: &Value) -> Vec<String> {
    listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["email"].as_str().map(str::to_owned))
        .collect()
}

/// Signing in with a key records the account, makes it active, and never prints the key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_key_then_accounts() {
    let h = Harness::start().await;
    let key = h.key("admin");
    let login = h.run(&["login", "--key", &key]).await.ok();
    assert!(login.out.contains("admin@acme-ml.example"), "{login:?}");
    assert!(!login.out.contains(&key) && !login.err.contains(&key));

    let accounts = h.run(&["accounts", "--json"]).await.ok().json();
    assert_eq!(keys(&accounts), set(&["fetched_at", "stale", "last_error", "hidden", "skipped", "items"]));
    let items = accounts["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        keys(&items[0]),
        set(&["id", "base_url", "email", "name", "signed_in", "active", "auth_method", "label"])
    );
    assert_eq!(items[0]["email"], "admin@acme-ml.example");
    assert_eq!(items[0]["base_url"], h.base.as_str());
    assert_eq!(items[0]["signed_in"], true);
    assert_eq!(items[0]["active"], true);

    let human = h.run(&["accounts"]).await.ok();
    assert!(human.out.contains("EMAIL") && human.out.contains("admin@acme-ml.example"), "{human:?}");
    assert!(!human.out.contains("as of"), "local data carries no age: {human:?}");

    // A second account becomes the active one; --account picks the other by email.
    let viewer_key = h.key("viewer");
    h.run(&["login", "--key", &viewer_key]).await.ok();
    let accounts = h.run(&["accounts", "--json"]).await.ok().json();
    let active: Vec<&str> = accounts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["active"] == true)
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert_eq!(active, ["viewer@acme-ml.example"]);
    h.run(&["sync", "--account", "ADMIN@acme-ml.example"]).await.ok();
    h.run(&["sync"]).await.ok();
    let shown = h.run(&["org", "show", "--account", "admin@acme-ml.example"]).await.ok();
    assert!(shown.out.contains("Organization Admin"), "{shown:?}");
    let shown = h.run(&["org", "show"]).await.ok();
    assert!(shown.out.contains("Organization Viewer"), "{shown:?}");
}

/// Sync reports progress on stderr and a summary on stdout, picks an active organization, and `orgs
/// --json` has the documented shape.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_then_orgs_json() {
    let h = Harness::start().await;
    let key = h.key("multi_org");
    h.run(&["login", "--key", &key]).await.ok();
    let sync = h.run(&["sync"]).await.ok();
    assert!(sync.err.contains("listing organizations"), "{sync:?}");
    assert!(sync.err.contains("[3/3]"), "{sync:?}");
    assert!(sync.out.contains("Synced 3 of 3 organizations"), "{sync:?}");
    assert!(sync.out.contains("Active organization: acme-ml"), "{sync:?}");

    let orgs = h.run(&["orgs", "--json"]).await.ok().json();
    assert_eq!(keys(&orgs), set(&["fetched_at", "stale", "last_error", "hidden", "skipped", "items"]));
    let fetched = orgs["fetched_at"].as_str().expect("fetched_at is a string");
    chrono::DateTime::parse_from_rfc3339(fetched).expect("RFC 3339");
    assert_eq!(orgs["stale"], false);
    let items = orgs["items"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["acme-ml", "orbit-labs", "tiny-startup"]);
    for o in items {
        assert_eq!(
            keys(o),
            set(&[
                "id",
                "name",
                "display_name",
                "description",
                "plan",
                "active",
                "created",
                "updated",
                "trial_expiry",
                "has_active_subscription",
                "owner_name",
                "owner_email",
            ])
        );
    }
    assert_eq!(items.iter().filter(|o| o["active"] == true).count(), 1);
    assert_eq!(items[0]["display_name"], "Acme ML");

    let human = h.run(&["orgs"]).await.ok();
    assert!(human.out.contains("orbit-labs") && human.out.contains("as of "), "{human:?}");
    assert!(human.out.contains("(just now)"), "{human:?}");
}

/// One organization failing does not stop the sync: it is listed, its data is marked stale with the
/// reason, and the exit code is the partial one (7); when every organization fails it is the failure's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_lists_failed_organizations() {
    let h = Harness::start().await;
    h.login_and_sync("multi_org").await;
    let orgs = h.run(&["orgs", "--json"]).await.ok().json();
    let orbit = orgs["items"].as_array().unwrap().iter().find(|o| o["name"] == "orbit-labs").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    h.fault(serde_json::json!({"kind": "status", "status": 500, "ratio": 1.0,
        "path_prefix": format!("/organizations/{orbit}/teams")}))
        .await;
    let partial = h.run(&["sync"]).await;
    assert_eq!(partial.code, EXIT_PARTIAL, "{partial:?}");
    assert!(partial.out.contains("Synced 2 of 3 organizations"), "{partial:?}");
    assert!(
        partial.err.contains("partial: 1 of 3 organizations failed to sync: orbit-labs\n"),
        "{partial:?}"
    );
    assert!(partial.out.contains("Failed (1):\n  orbit-labs: "), "{partial:?}");
    assert!(partial.err.contains("orbit-labs failed"), "{partial:?}");
    let teams = h.run(&["teams", "--org", "orbit-labs", "--json"]).await.ok().json();
    assert_eq!(teams["stale"], true, "{teams}");
    assert!(!teams["items"].as_array().unwrap().is_empty(), "the previous snapshot is kept: {teams}");
    assert!(teams["last_error"].is_string(), "{teams}");
    let fine = h.run(&["teams", "--org", "acme-ml", "--json"]).await.ok().json();
    assert_eq!(fine["stale"], false, "{fine}");

    h.clear_faults().await;
    h.fault(serde_json::json!({"kind": "status", "status": 500, "ratio": 1.0, "path_prefix": "/workspaces"}))
        .await;
    let all = h.run(&["sync"]).await;
    assert_ne!(all.code, 0, "{all:?}");
    assert!(all.out.contains("Synced 0 of 3 organizations") && all.out.contains("Failed (3):"), "{all:?}");
}

/// A server error on one organization's members exits with the partial code and names that
/// organization, on stdout and stderr; the next sync that gets through exits 0 again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_with_one_organization_failing_exits_partial() {
    let h = Harness::start().await;
    h.login_and_sync("multi_org").await;
    let orgs = h.run(&["orgs", "--json"]).await.ok().json();
    let acme = orgs["items"].as_array().unwrap().iter().find(|o| o["name"] == "acme-ml").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    h.fault(serde_json::json!({"kind": "status", "status": 500, "ratio": 1.0,
        "path_prefix": format!("/organizations/{acme}/members")}))
        .await;
    let partial = h.run(&["sync"]).await;
    assert_eq!(partial.code, EXIT_PARTIAL, "{partial:?}");
    assert_eq!(EXIT_PARTIAL, 7);
    assert!(partial.out.contains("Synced 2 of 3 organizations"), "{partial:?}");
    assert!(partial.out.contains("Failed (1):\n  acme-ml: "), "{partial:?}");
    assert!(partial.err.contains("partial: 1 of 3 organizations failed to sync: acme-ml\n"), "{partial:?}");
    let members = h.run(&["members", "--org", "acme-ml", "--json"]).await.ok().json();
    assert_eq!(members["stale"], true, "{members}");

    h.clear_faults().await;
    let again = h.run(&["sync"]).await.ok();
    assert!(again.out.contains("Synced 3 of 3 organizations"), "{again:?}");
    assert!(!again.err.contains("partial"), "{again:?}");
}

/// Switching by name changes what `org show` (and every org-scoped command) acts on; `--org` overrides.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switch_by_name_then_org_show() {
    let h = Harness::start().await;
    h.login_and_sync("multi_org").await;
    let switched = h.run(&["switch", "orbit-labs"]).await.ok();
    assert!(switched.out.contains("Active organization: orbit-labs (Orbit Labs)"), "{switched:?}");

    let show = h.run(&["org", "show"]).await.ok();
    assert!(show.out.contains("orbit-labs"), "{show:?}");
    assert!(show.out.contains("Organization Manager"), "your role is shown: {show:?}");
    assert!(show.out.contains("as of "), "{show:?}");

    let json = h.run(&["org", "show", "--json"]).await.ok().json();
    assert_eq!(json["item"]["name"], "orbit-labs");
    assert_eq!(json["item"]["active"], true);

    let other = h.run(&["org", "show", "--json", "--org", "tiny-startup"]).await.ok().json();
    assert_eq!(other["item"]["name"], "tiny-startup");
    assert_eq!(other["item"]["active"], false);

    let missing = h.run(&["switch", "no-such-org"]).await;
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(missing.err.starts_with("error: "), "{missing:?}");
}

/// Members can be searched, filtered by role and kind, and limited; JSON rows have the stable fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_search_role_kind_limit() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;

    let found = h.run(&["members", "--search", "VIEWER@acme", "--json"]).await.ok().json();
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{found}");
    assert_eq!(
        keys(&items[0]),
        set(&["kind", "id", "name", "email", "roles", "username", "held_roles", "label", "key", "active"])
    );
    assert_eq!(items[0]["kind"], "user");
    assert_eq!(items[0]["email"], "viewer@acme-ml.example");
    assert_eq!(items[0]["roles"], serde_json::json!(["Organization Viewer"]));

    let admins = h.run(&["members", "--role", "Organization Admin", "--json"]).await.ok().json();
    let admin_emails = emails(&admins);
    assert!(admin_emails.contains(&"admin@acme-ml.example".to_owned()), "{admins}");
    assert!(!admin_emails.contains(&"viewer@acme-ml.example".to_owned()), "{admins}");

    let teams = h.run(&["members", "--kind", "team", "--json"]).await.ok().json();
    assert!(teams["items"].as_array().unwrap().iter().all(|m| m["kind"] == "team"), "{teams}");
    assert!(!teams["items"].as_array().unwrap().is_empty());

    let service = h.run(&["members", "--kind", "service_account", "--json"]).await.ok().json();
    assert_eq!(emails(&service), ["acme-ci@service-accounts.acme-ml.example"]);

    let limited = h.run(&["members", "--limit", "2", "--json"]).await.ok().json();
    assert_eq!(limited["items"].as_array().unwrap().len(), 2);
    assert!(limited["total"].as_u64().unwrap() > 2, "{limited}");

    let human = h.run(&["members", "--limit", "2"]).await.ok();
    assert!(human.out.starts_with("KIND"), "{human:?}");
    assert!(human.out.contains("showing 2 of"), "{human:?}");

    let none = h.run(&["members", "--search", "nobody-at-all"]).await.ok();
    assert!(none.out.contains("No members match."), "{none:?}");
}

/// A good invitation is sent and cached; a malformed email is refused with exit 2, its field named,
/// and no request reaches the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_good_and_malformed() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;

    let sent = h.run(&["invite", "new.person@acme-ml.example", "--role", "Organization Member"]).await.ok();
    assert!(sent.out.starts_with("sent    new.person@acme-ml.example"), "{sent:?}");
    assert!(sent.out.contains("Organization Member"), "{sent:?}");
    let pending = h.run(&["invitations", "--json"]).await.ok().json();
    assert!(emails(&pending).contains(&"new.person@acme-ml.example".to_owned()), "{pending}");

    let before = h.requests().await;
    let bad = h.run(&["invite", "ok@acme-ml.example", "not-an-email", "--role", "Organization Member"]).await;
    assert_eq!(bad.code, EXIT_INVALID_INPUT, "{bad:?}");
    assert!(bad.err.starts_with("error: not a valid email address: not-an-email"), "{bad:?}");
    assert!(bad.err.contains("\n  not-an-email: "), "field message indented: {bad:?}");
    assert_eq!(h.requests().await, before, "no request for a malformed batch");

    let unknown_role = h.run(&["invite", "ok@acme-ml.example", "--role", "Emperor"]).await;
    assert_eq!(unknown_role.code, EXIT_INVALID_INPUT, "{unknown_role:?}");
    assert_eq!(h.requests().await, before, "no request for an unknown role");

    // Two emails, one of them already invited: one line each, exit code of the worst outcome.
    let mixed = h
        .run(&[
            "invite",
            "second@acme-ml.example",
            "new.person@acme-ml.example",
            "--role",
            "Organization Member",
        ])
        .await;
    let lines: Vec<&str> = mixed.out.lines().collect();
    assert_eq!(lines.len(), 2, "{mixed:?}");
    assert!(lines[0].starts_with("sent    second@acme-ml.example"), "{mixed:?}");
    if lines[1].starts_with("failed") {
        assert_ne!(mixed.code, 0, "{mixed:?}");
    } else {
        assert_eq!(mixed.code, 0, "{mixed:?}");
    }
}

/// A viewer's invitation goes to the server, which refuses it: exit 5 and the server's reason in one
/// plain line (the server decides, not the cached role).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_as_viewer_is_refused_by_the_server() {
    let h = Harness::start().await;
    h.login_and_sync("viewer").await;
    let before = h.requests().await;
    let r = h.run(&["invite", "someone@acme-ml.example", "--role", "Organization Member"]).await;
    assert_eq!(r.code, EXIT_FORBIDDEN, "{r:?}");
    assert!(r.err.starts_with("error: the server refused: "), "{r:?}");
    assert!(r.err.contains("does not allow"), "{r:?}");
    assert_eq!(r.err.lines().count(), 1, "{r:?}");
    assert_eq!(h.requests().await, before + 2, "the roles read, then one request, refused");
}

/// Invitations list pending ones (all with --all); revoke and resend take an email or an id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_revoke_resend() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;

    let pending = h.run(&["invitations", "--json"]).await.ok().json();
    let first = &pending["items"].as_array().unwrap()[0];
    assert_eq!(
        keys(first),
        set(&[
            "id",
            "email",
            "status",
            "role",
            "roles",
            "teams",
            "inviter",
            "created",
            "expires",
            "lapsed",
            "role_id",
            "role_name",
        ])
    );
    assert!(pending["items"].as_array().unwrap().iter().all(|i| i["status"] == "pending"), "{pending}");
    assert!(emails(&pending).contains(&"new-hire@acme-ml.example".to_owned()));
    let all = h.run(&["invitations", "--all", "--json"]).await.ok().json();
    assert!(emails(&all).contains(&"changed-mind@acme-ml.example".to_owned()), "{all}");

    let revoked = h.run(&["revoke", "new-hire@acme-ml.example"]).await.ok();
    assert!(revoked.out.contains("Revoked the invitation of new-hire@acme-ml.example"), "{revoked:?}");
    let pending = h.run(&["invitations", "--json"]).await.ok().json();
    assert!(!emails(&pending).contains(&"new-hire@acme-ml.example".to_owned()), "{pending}");

    let contractor = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "contractor@partner.example")
        .expect("contractor invitation")
        .clone();
    let old_id = contractor["id"].as_str().unwrap();
    let resent = h.run(&["resend", old_id]).await.ok();
    assert!(
        resent.out.contains("Invited contractor@partner.example again as Organization Viewer"),
        "{resent:?}"
    );
    let pending = h.run(&["invitations", "--json"]).await.ok().json();
    let again: Vec<&Value> = pending["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["email"] == "contractor@partner.example")
        .collect();
    assert_eq!(again.len(), 1, "{pending}");
    assert_ne!(again[0]["id"], old_id);
    assert_eq!(again[0]["role"], "Organization Viewer");

    let missing = h.run(&["revoke", "never-invited@acme-ml.example"]).await;
    assert_eq!(missing.code, 1, "{missing:?}");
}

/// `role set` replaces the member's organization role, and the cache shows it at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_set_changes_the_role() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let r = h.run(&["role", "set", "viewer@acme-ml.example", "Organization Manager"]).await.ok();
    assert!(r.out.contains("viewer@acme-ml.example now holds: Organization Manager."), "{r:?}");
    let m = h.run(&["members", "--search", "viewer@acme-ml.example", "--json"]).await.ok().json();
    assert_eq!(m["items"][0]["roles"], serde_json::json!(["Organization Manager"]));

    // The server agrees: a fresh sync shows the same.
    h.run(&["sync"]).await.ok();
    let m = h.run(&["members", "--role", "Organization Manager", "--json"]).await.ok().json();
    assert!(emails(&m).contains(&"viewer@acme-ml.example".to_owned()), "{m}");

    let bad = h.run(&["role", "set", "viewer@acme-ml.example", "Emperor"]).await;
    assert_eq!(bad.code, EXIT_INVALID_INPUT, "{bad:?}");
}

/// `remove --yes` removes without asking; the member is gone from the cache and the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_with_yes() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let r = h.run(&["remove", "viewer@acme-ml.example", "--yes"]).await.ok();
    assert!(r.out.contains("Removed Acme Viewer <viewer@acme-ml.example> from acme-ml."), "{r:?}");
    let m = h
        .run(&["members", "--search", "viewer@acme-ml.example", "--kind", "user", "--json"])
        .await
        .ok()
        .json();
    assert!(m["items"].as_array().unwrap().is_empty(), "{m}");
    h.run(&["sync"]).await.ok();
    let m = h
        .run(&["members", "--search", "viewer@acme-ml.example", "--kind", "user", "--json"])
        .await
        .ok()
        .json();
    assert!(m["items"].as_array().unwrap().is_empty(), "{m}");
}

/// Rename and describe change the organization on the server and in the cache; text from the server
/// reaches the terminal without control characters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_and_describe() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let r = h.run(&["org", "rename", "acme-renamed"]).await.ok();
    assert!(r.out.contains("Renamed organization acme-ml to acme-renamed."), "{r:?}");
    let orgs = h.run(&["orgs", "--json"]).await.ok().json();
    assert_eq!(orgs["items"][0]["name"], "acme-renamed");

    let bad = h.run(&["org", "rename", "<b>bold</b>"]).await;
    assert_eq!(bad.code, EXIT_INVALID_INPUT, "{bad:?}");

    let d = h.run(&["org", "describe", "Line one\u{1b}[31m red\nsecond"]).await.ok();
    assert!(!d.out.contains('\u{1b}'), "{d:?}");
    assert!(d.out.contains("Line one[31m redsecond"), "{d:?}");
    let show = h.run(&["org", "show"]).await.ok();
    assert!(!show.out.contains('\u{1b}'), "{show:?}");
    let json = h.run(&["org", "show", "--json"]).await.ok().json();
    assert_eq!(json["item"]["description"], "Line one\u{1b}[31m red\nsecond", "JSON keeps the data as-is");
}

/// The other listings: workspaces, teams, roles, each with its stable JSON fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspaces_teams_roles() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;

    let ws = h.run(&["workspaces", "--json"]).await.ok().json();
    let items = ws["items"].as_array().unwrap();
    assert_eq!(
        keys(&items[0]),
        set(&[
            "id",
            "name",
            "status",
            "workspace_type",
            "version",
            "server_url",
            "dashboard_url",
            "display_name",
            "description",
            "desired_state",
            "state_reason",
            "type_label",
        ])
    );
    let prod = items.iter().find(|w| w["name"] == "acme-prod").expect("acme-prod");
    assert_eq!(prod["status"], "available");
    assert_eq!(prod["version"], "0.84.0");
    assert!(prod["server_url"].as_str().unwrap().starts_with("https://"));

    let teams = h.run(&["teams", "--json"]).await.ok().json();
    let items = teams["items"].as_array().unwrap();
    assert_eq!(keys(&items[0]), set(&["id", "name", "member_count", "description"]));
    let ds = items.iter().find(|t| t["name"] == "data-science").expect("data-science");
    assert_eq!(ds["member_count"], 2);

    let roles = h.run(&["roles", "--json"]).await.ok().json();
    let items = roles["items"].as_array().unwrap();
    assert_eq!(keys(&items[0]), set(&["id", "name", "level", "system_managed", "description"]));
    let custom = items.iter().find(|r| r["name"] == "Compliance Auditor").expect("custom role");
    assert_eq!(custom["system_managed"], false);
    assert_eq!(custom["level"], "organization");

    for cmd in ["workspaces", "teams", "roles"] {
        let human = h.run(&[cmd]).await.ok();
        assert!(human.out.starts_with("NAME"), "{human:?}");
        assert!(human.out.contains("as of "), "{human:?}");
    }
}

/// With the server gone, listings answer from the cache (a failed refresh marks them stale and says
/// why), and writes fail with exit 3.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_reads_from_cache_and_writes_exit_3() {
    let mut h = Harness::start().await;
    h.login_and_sync("admin").await;
    h.shutdown().await;

    let orgs = h.run(&["orgs", "--json"]).await.ok().json();
    assert!(orgs.get("stale").is_some(), "{orgs}");
    assert_eq!(orgs["items"][0]["name"], "acme-ml");
    let members = h.run(&["members", "--json"]).await.ok().json();
    assert!(!members["items"].as_array().unwrap().is_empty());

    let invite = h.run(&["invite", "x@acme-ml.example", "--role", "Organization Member"]).await;
    assert_eq!(invite.code, EXIT_OFFLINE, "{invite:?}");
    assert!(invite.err.starts_with("error: offline"), "{invite:?}");
    let pending = h.run(&["invitations", "--json"]).await.ok().json();
    assert!(!emails(&pending).contains(&"x@acme-ml.example".to_owned()), "nothing changed: {pending}");

    let sync = h.run(&["sync"]).await;
    assert_eq!(sync.code, EXIT_OFFLINE, "{sync:?}");
    let orgs = h.run(&["orgs", "--json"]).await.ok().json();
    assert_eq!(orgs["stale"], true, "a failed refresh marks the list stale: {orgs}");
    assert!(orgs["last_error"].as_str().unwrap().contains("offline"), "{orgs}");
    let human = h.run(&["orgs"]).await.ok();
    assert!(human.out.contains("(stale: last refresh failed: offline"), "{human:?}");

    let switched = h.run(&["switch", "acme-ml"]).await.ok();
    assert!(switched.out.contains("acme-ml"), "switching works offline: {switched:?}");
}

/// Without an account, commands exit 4 and say how to sign in; after logout the cache stays readable
/// but the server refuses to be asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_signed_in_exits_4() {
    let h = Harness::start().await;
    for args in [&["orgs"][..], &["sync"], &["members"], &["invite", "a@b.co", "--role", "x"]] {
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_UNAUTHORIZED, "{args:?}: {r:?}");
        assert_eq!(r.err, "error: not signed in: run `zpro login` first\n");
    }
    let unknown = h.run(&["orgs", "--account", "nobody@example.com"]).await;
    assert_eq!(unknown.code, EXIT_UNAUTHORIZED, "{unknown:?}");

    h.login_and_sync("admin").await;
    let out = h.run(&["logout"]).await.ok();
    assert!(out.out.contains("Signed out of Acme Admin <admin@acme-ml.example>"), "{out:?}");
    assert!(h.keyring.is_empty(), "the keyring entries are gone");
    let accounts = h.run(&["accounts", "--json"]).await.ok().json();
    assert_eq!(accounts["items"][0]["signed_in"], false);
    h.run(&["orgs"]).await.ok();
    let sync = h.run(&["sync"]).await;
    assert_eq!(sync.code, EXIT_UNAUTHORIZED, "{sync:?}");

    h.run(&["logout", "--purge", "--account", "admin@acme-ml.example"]).await.ok();
    let accounts = h.run(&["accounts", "--json"]).await.ok().json();
    assert!(accounts["items"].as_array().unwrap().is_empty(), "{accounts}");
}

/// A bad key is refused by the server: exit 4, and the key is not echoed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_key_exits_4_without_echoing_it() {
    let h = Harness::start().await;
    let r = h.run(&["login", "--key", "ZENPAT_not_a_real_key_123"]).await;
    assert_eq!(r.code, EXIT_UNAUTHORIZED, "{r:?}");
    assert!(!r.err.contains("ZENPAT_not_a_real_key_123") && !r.out.contains("ZENPAT_not_a_real_key_123"));
}

/// The browser sign-in prints the URL and code on stderr and finishes when approved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_login() {
    let h = Harness::with(EmulatorConfig {
        port: 0,
        auto_approve: true,
        device_poll_interval: 1,
        ..Default::default()
    })
    .await;
    let r = h.run(&["login"]).await.ok();
    assert!(r.err.contains("To sign in, open http"), "{r:?}");
    assert!(r.err.contains("confirm the code"), "{r:?}");
    assert!(r.out.contains("Signed in as"), "{r:?}");
    let sync = h.run(&["sync"]).await.ok();
    assert!(sync.out.contains("Synced 3 of 3"), "{sync:?}");
}

/// A cache file that is not a database is moved aside with a notice on stderr, and the command runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_cache_is_rebuilt_with_a_notice() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(h.data_dir().join("cache.sqlite3"), bytes).unwrap();
    let _ = std::fs::remove_file(h.data_dir().join("cache.sqlite3-wal"));
    let _ = std::fs::remove_file(h.data_dir().join("cache.sqlite3-shm"));

    let r = h.run(&["accounts", "--json"]).await.ok();
    assert!(r.err.starts_with("notice: The offline cache could not be used"), "{r:?}");
    assert!(r.err.contains("moved to"), "{r:?}");
    assert!(r.json()["items"].as_array().unwrap().is_empty());
    let again = h.run(&["accounts"]).await.ok();
    assert!(again.err.is_empty(), "the notice is shown once: {again:?}");
}

/// Usage errors exit 2 (clap's own code), help exits 0 on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2() {
    let h = Harness::start().await;
    let r = h.run(&["frobnicate"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
    let r = h.run(&["invite", "a@b.co"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "--role is required: {r:?}");
    let r = h.run(&["login", "--key", "k", "--key-stdin"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
    let r = h.run(&["members", "--kind", "robot"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
    let help = h.run(&["members", "--help"]).await.ok();
    assert!(help.out.contains("--search"), "{help:?}");
}

fn zpro(data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_zpro"));
    c.env("ZENML_PRO_DESKTOP_DATA_DIR", data_dir)
        .env_remove("ZENML_PRO_API_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    c
}

/// The real binary: `--help` documents the exit codes, and a read-only listing works from a cache
/// filled in-process (reads need no keyring); removal without --yes and without a terminal is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_help_and_cache_reads() {
    let empty = tempfile::tempdir().unwrap();
    let help = zpro(empty.path()).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(text.contains("Exit codes:"), "{text}");
    for line in [
        "0  success",
        "1  other failure",
        "2  invalid input",
        "3  offline",
        "4  unauthorized",
        "5  forbidden",
        "6  conflict",
        "7  partial",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    for cmd in
        ["login", "sync", "orgs", "switch", "members", "invite", "invitations", "revoke", "resend", "remove"]
    {
        assert!(text.contains(&format!("  {cmd} ")), "{cmd} missing from:\n{text}");
    }

    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let orgs = zpro(h.data_dir()).args(["orgs", "--json"]).output().unwrap();
    assert_eq!(orgs.status.code(), Some(0), "{orgs:?}");
    let json: Value = serde_json::from_slice(&orgs.stdout).unwrap();
    assert_eq!(json["items"][0]["name"], "acme-ml");

    let remove = zpro(h.data_dir()).args(["remove", "viewer@acme-ml.example"]).output().unwrap();
    assert_eq!(remove.status.code(), Some(EXIT_INVALID_INPUT), "{remove:?}");
    assert!(String::from_utf8_lossy(&remove.stderr).contains("pass --yes"), "{remove:?}");

    let key_stdin = zpro(empty.path()).args(["login", "--url", &h.base, "--key-stdin"]).output().unwrap();
    assert_eq!(key_stdin.status.code(), Some(EXIT_INVALID_INPUT), "{key_stdin:?}");

    let bogus = zpro(empty.path()).arg("bogus").output().unwrap();
    assert_eq!(bogus.status.code(), Some(EXIT_INVALID_INPUT));
}
