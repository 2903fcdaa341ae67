//! `zpro log` and `zpro undo` against the emulator, in both dialects: every kind of write is logged
//! with its account, organization, target and what it replaced; failures are logged as failed; each
//! reversible kind undone is checked on the server; undoing twice, a failed entry or an irreversible
//! one is refused cleanly; the log survives restarts and going offline, and holds no secret.

mod common;

use common::Harness;
use serde_json::Value;
use zenml_pro_cli::{EXIT_CONFLICT, EXIT_FAILURE, EXIT_FORBIDDEN, EXIT_INVALID_INPUT};
use zenml_pro_core::{SecretKind, SecretStore};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn harness(dialect: Dialect) -> Harness {
    Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await
}

/// The log as `zpro log --json` prints it, oldest first.
async fn log(h: &Harness, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["log", "--json", "--limit", "500"];
    args.extend_from_slice(extra);
    let mut items = h.run(&args).await.ok().json()["items"].as_array().unwrap().clone();
    items.reverse();
    items
}

/// The newest entry of a kind.
fn newest<'a>(entries: &'a [Value], kind: &str) -> &'a Value {
    entries.iter().rev().find(|e| e["kind"] == kind).unwrap_or_else(|| panic!("no {kind} in {entries:?}"))
}

fn id_of(e: &Value) -> String {
    e["id"].as_i64().unwrap().to_string()
}

/// The server's view, read with the admin's key: `GET path` as JSON.
async fn server_get(h: &Harness, path: &str) -> Value {
    let http = reqwest::Client::new();
    let key = h.key("admin");
    let form = [("grant_type", "zenml_api_key"), ("password", key.as_str())];
    let token: Value =
        http.post(format!("{}/auth/login", h.base)).form(&form).send().await.unwrap().json().await.unwrap();
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let r = http.get(format!("{}{path}", h.base)).bearer_auth(token).send().await.unwrap();
    assert!(r.status().is_success(), "GET {path}: {}", r.status());
    r.json().await.unwrap()
}

/// What the server says a pending invitation of `email` holds: sorted (role id, workspace id) pairs
/// and team ids, in either dialect's shape; `None` when there is none pending.
async fn server_invitation(h: &Harness, email: &str) -> Option<(Vec<(String, String)>, Vec<String>)> {
    let org = server_get(h, "/organizations/acme-ml").await["id"].as_str().unwrap().to_owned();
    let list =
        server_get(h, &format!("/organizations/{org}/invitations?only_pending=true&email={email}")).await;
    let inv = list.as_array().unwrap().first()?.clone();
    let mut roles: Vec<(String, String)> = inv["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let id = r["id"].as_str().or(r["role_id"].as_str()).unwrap().to_owned();
            (id, r["workspace_id"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    roles.sort();
    let mut teams: Vec<String> = inv["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().or(t["id"].as_str()).unwrap().to_owned())
        .collect();
    teams.sort();
    Some((roles, teams))
}

/// A user's role names, as a fresh sync reads them from the server.
async fn synced_roles(h: &Harness, email: &str) -> Vec<String> {
    h.run(&["sync"]).await.ok();
    let m = h.run(&["members", "--search", email, "--kind", "user", "--json"]).await.ok().json();
    match m["items"].as_array().unwrap().first() {
        Some(row) => {
            row["roles"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect()
        }
        None => Vec::new(),
    }
}

/// Every kind of write the app makes appears in `zpro log --json` with its account, organization,
/// target, result and what it replaced; the filters narrow it; the table has its columns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_write_is_logged_with_what_it_replaced() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("admin").await;
        assert!(log(&h, &[]).await.is_empty(), "{dialect}: sign-in and sync are not changes");
        let steps: &[&[&str]] = &[
            &["invite", "fresh@acme-ml.example", "--role", "Organization Member"],
            &["revoke", "new-hire@acme-ml.example"],
            &["resend", "late-reply@acme-ml.example"],
            &["role", "set", "viewer@acme-ml.example", "Organization Manager"],
            &["remove", "billing@acme-ml.example", "--yes"],
            &["org", "describe", "Where the models are made"],
            &["team", "create", "ops", "--member", "viewer@acme-ml.example"],
            &["team", "rename", "ops", "operations"],
            &["team", "describe", "operations", "Runs the platform"],
            &["team", "add", "operations", "member@acme-ml.example"],
            &["team", "remove", "operations", "member@acme-ml.example"],
            &["team", "role", "operations", "Organization Viewer"],
            &["team", "delete", "operations", "--yes"],
            &["workspace", "rename", "acme-research", "research"],
            &["workspace", "activate", "acme-legacy", "--no-wait"],
            &["workspace", "grant", "acme-prod", "member@acme-ml.example", "Workspace Viewer"],
            &["workspace", "revoke", "acme-prod", "member@acme-ml.example", "Workspace Viewer"],
            &["org", "rename", "acme-renamed"],
        ];
        for step in steps {
            h.run(step).await.ok();
        }
        let entries = log(&h, &[]).await;
        let kinds: Vec<&str> = entries.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "invite",
                "revoke",
                "resend",
                "role_change",
                "member_removal",
                "org_description",
                "team_create",
                "team_rename",
                "team_description",
                "team_member_add",
                "team_member_remove",
                "team_role",
                "team_delete",
                "workspace_rename",
                "workspace_state",
                "grant_add",
                "grant_revoke",
                "org_rename"
            ],
            "{dialect}"
        );
        for e in &entries {
            assert_eq!(e["ok"], true, "{dialect}: {e}");
            assert_eq!(e["account"], "admin@acme-ml.example", "{dialect}: {e}");
            assert!(e["error"].is_null() && e["undone_by"].is_null(), "{dialect}: {e}");
            assert!(["acme-ml", "acme-renamed"].contains(&e["org"].as_str().unwrap()), "{dialect}: {e}");
        }
        let invite = newest(&entries, "invite");
        assert_eq!(invite["target"], "fresh@acme-ml.example");
        assert!(
            invite["target_id"].is_string() && invite["undoable"] == true,
            "{invite}: revoked by an undo"
        );
        assert_eq!(invite["detail"], "Organization Member");

        let revoke = newest(&entries, "revoke");
        assert_eq!(revoke["target"], "new-hire@acme-ml.example");
        let roles: Vec<&str> = revoke["replaced"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["Organization Member", "Workspace Viewer"], "{dialect}: {revoke}");
        assert_eq!(revoke["replaced"]["roles"][1]["workspace"], "acme-research", "{dialect}: {revoke}");
        assert_eq!(revoke["replaced"]["teams"][0]["name"], "platform", "{dialect}: {revoke}");
        assert_eq!(revoke["undoable"], true);

        let role = newest(&entries, "role_change");
        assert_eq!(
            (&role["target"], &role["detail"]),
            (&"viewer@acme-ml.example".into(), &"Organization Manager".into())
        );
        assert_eq!(role["replaced"]["roles"][0]["name"], "Organization Viewer", "{dialect}: {role}");
        let removal = newest(&entries, "member_removal");
        assert_eq!(removal["target"], "billing@acme-ml.example");
        assert_eq!(removal["replaced"]["roles"][0]["name"], "Billing Admin", "{dialect}: {removal}");
        let rename = newest(&entries, "org_rename");
        assert_eq!(
            (&rename["replaced"]["name"], &rename["detail"]),
            (&"acme-ml".into(), &"acme-renamed".into())
        );
        let team = newest(&entries, "team_rename");
        assert_eq!((&team["target"], &team["replaced"]["name"]), (&"ops".into(), &"ops".into()));
        assert_eq!(newest(&entries, "team_member_add")["target"], "member@acme-ml.example");
        assert_eq!(newest(&entries, "team_member_add")["detail"], "team operations");
        assert_eq!(newest(&entries, "workspace_rename")["replaced"]["name"], "acme-research");
        assert_eq!(newest(&entries, "workspace_state")["replaced"]["state"], "deactivated");
        assert_eq!(newest(&entries, "workspace_state")["detail"], "available");
        assert_eq!(newest(&entries, "grant_add")["detail"], "Workspace Viewer on acme-prod");

        // Filters, paging and the table.
        let only = log(&h, &["--kind", "role_change"]).await;
        assert_eq!(only.len(), 1, "{dialect}");
        assert!(log(&h, &["--failed"]).await.is_empty());
        assert_eq!(log(&h, &["--search", "BILLING@"]).await.len(), 1);
        assert_eq!(log(&h, &["--org", "acme-renamed"]).await.len(), entries.len(), "by the org's id");
        let page = h.run(&["log", "--json", "--limit", "2"]).await.ok().json();
        assert_eq!((page["items"].as_array().unwrap().len(), page["total"].as_u64()), (2, Some(18)));
        assert_eq!(page["items"][0]["kind"], "org_rename", "newest first");
        let table = h.run(&["log"]).await.ok();
        let header = table.out.lines().next().unwrap();
        for col in ["ID", "WHEN", "ACCOUNT", "ORG", "WHAT", "TARGET", "RESULT", "UNDONE"] {
            assert!(header.contains(col), "{header}");
        }
        assert!(table.out.contains("role change: Organization Manager"), "{table:?}");
        let r = h.run(&["log", "--kind", "teleport"]).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
        assert!(r.err.contains("role_change"), "names the kinds: {r:?}");
    }
}

/// A write the server refuses, and one that meets a server fault, are logged as failed with the
/// error's code and message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_writes_are_logged_as_failed() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("viewer").await;
        let r = h.run(&["org", "rename", "mine-now"]).await;
        assert_eq!(r.code, EXIT_FORBIDDEN, "{r:?}");
        let failed = log(&h, &["--failed"]).await;
        assert_eq!(failed.len(), 1, "{dialect}: {failed:?}");
        assert_eq!(failed[0]["kind"], "org_rename");
        assert_eq!(failed[0]["account"], "viewer@acme-ml.example");
        assert_eq!((&failed[0]["ok"], &failed[0]["error_code"]), (&false.into(), &"forbidden".into()));
        assert!(failed[0]["error"].as_str().unwrap().starts_with("the server refused"), "{failed:?}");
        assert_eq!(failed[0]["undoable"], false);

        let h = harness(dialect).await;
        h.login_and_sync("admin").await;
        let org = server_get(&h, "/organizations/acme-ml").await["id"].as_str().unwrap().to_owned();
        h.fault(serde_json::json!({"kind": "status", "status": 500, "ratio": 1.0,
            "path_prefix": format!("/organizations/{org}/invitations")}))
            .await;
        let r = h.run(&["revoke", "new-hire@acme-ml.example"]).await;
        assert_ne!(r.code, 0, "{r:?}");
        let e = &log(&h, &[]).await[0];
        assert_eq!(
            (&e["kind"], &e["ok"], &e["error_code"]),
            (&"revoke".into(), &false.into(), &"server".into())
        );
        assert_eq!(e["target"], "new-hire@acme-ml.example");
        // Undoing a failure changes nothing and says so.
        let r = h.run(&["undo", &id_of(e)]).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
        assert!(r.err.contains("failed"), "{r:?}");
    }
}

/// Each reversible kind undone is put back on the server: a role change, a revocation (with its
/// workspace role and team), a removal and a rename; an undo is logged and marks its entry; undoing
/// twice, an irreversible entry or an unknown one is refused; a target changed since is not touched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_puts_each_reversible_kind_back_on_the_server() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("admin").await;

        // A role change.
        h.run(&["role", "set", "viewer@acme-ml.example", "Organization Manager"]).await.ok();
        assert_eq!(synced_roles(&h, "viewer@acme-ml.example").await, ["Organization Manager"]);
        let entry = id_of(newest(&log(&h, &[]).await, "role_change"));
        let r = h.run(&["undo", &entry]).await.ok();
        assert!(r.out.contains("viewer@acme-ml.example holds Organization Viewer again."), "{r:?}");
        assert_eq!(synced_roles(&h, "viewer@acme-ml.example").await, ["Organization Viewer"], "{dialect}");
        let r = h.run(&["undo", &entry]).await;
        assert_eq!(r.code, EXIT_CONFLICT, "{r:?}");
        assert!(r.err.contains("already undone"), "{r:?}");

        // A revocation: invited again with the same organization role, workspace role and team.
        let before = server_invitation(&h, "new-hire@acme-ml.example").await.expect("pending");
        assert_eq!((before.0.len(), before.1.len()), (2, 1), "{dialect}: {before:?}");
        h.run(&["revoke", "new-hire@acme-ml.example"]).await.ok();
        assert!(server_invitation(&h, "new-hire@acme-ml.example").await.is_none());
        let entry = id_of(newest(&log(&h, &[]).await, "revoke"));
        let r = h.run(&["undo", &entry]).await.ok();
        assert!(r.out.contains("Invited new-hire@acme-ml.example again"), "{r:?}");
        assert_eq!(server_invitation(&h, "new-hire@acme-ml.example").await, Some(before), "{dialect}");
        let again = newest(&log(&h, &[]).await, "invite").clone();
        assert_eq!(again["detail"], "Organization Member, Workspace Viewer on acme-research, team platform");
        assert_eq!(again["undo_of"].as_i64().unwrap().to_string(), entry, "{dialect}: {again}");

        // A removal: the previous roles given back.
        h.run(&["remove", "billing@acme-ml.example", "--yes"]).await.ok();
        assert!(synced_roles(&h, "billing@acme-ml.example").await.is_empty());
        let entry = id_of(newest(&log(&h, &[]).await, "member_removal"));
        let r = h.run(&["undo", &entry, "--json"]).await.ok().json();
        assert!(r["message"].as_str().unwrap().contains("is a member again with Billing Admin"), "{r}");
        assert_eq!(r["undone"]["undone_by"], r["by"]["id"], "{r}");
        assert_eq!(synced_roles(&h, "billing@acme-ml.example").await, ["Billing Admin"], "{dialect}");

        // A rename.
        h.run(&["org", "rename", "acme-renamed"]).await.ok();
        let entry = id_of(newest(&log(&h, &[]).await, "org_rename"));
        let r = h.run(&["undo", &entry]).await.ok();
        assert!(r.out.contains("The organization is named acme-ml again."), "{r:?}");
        assert_eq!(server_get(&h, "/organizations/acme-ml").await["name"], "acme-ml", "{dialect}");

        // Each undo is logged, naming what it undid, and each undone entry names its undo.
        let entries = log(&h, &[]).await;
        let undone: Vec<&Value> = entries.iter().filter(|e| !e["undone_by"].is_null()).collect();
        assert_eq!(undone.len(), 4, "{dialect}: {entries:?}");
        for e in undone {
            let by = entries.iter().find(|x| x["id"] == e["undone_by"]).expect("the undo is logged");
            assert_eq!((&by["undo_of"], &by["ok"]), (&e["id"], &true.into()), "{dialect}: {by}");
            assert_eq!(e["undoable"], false);
        }

        // Refused: an irreversible kind, an unknown entry, a target changed since.
        h.run(&["org", "describe", "Where the models are made"]).await.ok();
        let r = h.run(&["undo", &id_of(newest(&log(&h, &[]).await, "org_description"))]).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
        assert!(r.err.contains("cannot be undone"), "{r:?}");
        let r = h.run(&["undo", "99999"]).await;
        assert_eq!(r.code, EXIT_FAILURE, "{r:?}");
        h.run(&["team", "rename", "platform", "platform-2"]).await.ok();
        let first = id_of(newest(&log(&h, &[]).await, "team_rename"));
        h.run(&["team", "rename", "platform-2", "platform-3"]).await.ok();
        let r = h.run(&["undo", &first]).await;
        assert_eq!(r.code, EXIT_CONFLICT, "{r:?}");
        assert!(r.err.contains("now named platform-3"), "{r:?}");
        let teams = h.run(&["teams", "--json"]).await.ok().json();
        assert!(teams["items"].as_array().unwrap().iter().any(|t| t["name"] == "platform-3"), "{teams}");
        let latest = id_of(newest(&log(&h, &[]).await, "team_rename"));
        h.run(&["undo", &latest]).await.ok();
        let teams = h.run(&["teams", "--json"]).await.ok().json();
        assert!(teams["items"].as_array().unwrap().iter().any(|t| t["name"] == "platform-2"), "{teams}");
    }
}

/// The log outlives the process and the server: a later run, with the emulator gone, still lists it;
/// and neither the key signed in with nor the session token is anywhere in the cache's files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_survives_restarts_and_holds_no_secret() {
    let mut h = harness(Dialect::Default).await;
    let key = h.key("admin");
    h.login_and_sync("admin").await;
    h.run(&["role", "set", "viewer@acme-ml.example", "Organization Manager"]).await.ok();
    h.run(&["revoke", "new-hire@acme-ml.example"]).await.ok();
    h.run(&["org", "describe", "no secrets here"]).await.ok();
    let account =
        h.run(&["accounts", "--json"]).await.ok().json()["items"][0]["id"].as_str().unwrap().to_owned();
    let token = h.keyring.get(&account, SecretKind::AccessToken).unwrap().expect("a session token");
    assert!(token.len() > 8 && key.len() > 8);
    let before = log(&h, &[]).await;
    assert_eq!(before.len(), 3);

    h.shutdown().await;
    let after = log(&h, &[]).await;
    assert_eq!(after, before, "read offline, in a later run");
    let r = h.run(&["undo", &id_of(&before[0])]).await;
    assert_ne!(r.code, 0, "offline: {r:?}");
    assert_eq!(log(&h, &[]).await[0]["undone_by"], Value::Null, "a failed undo marks nothing");

    let mut scanned = 0;
    for entry in std::fs::read_dir(h.data_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            scanned += 1;
            let bytes = std::fs::read(&path).unwrap();
            for secret in [&key, &token] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "a secret in {}",
                    path.display()
                );
            }
        }
    }
    assert!(scanned >= 1, "the cache file was scanned");
    let cache = std::fs::read(h.data_dir().join("cache.sqlite3")).unwrap();
    let wal = std::fs::read(h.data_dir().join("cache.sqlite3-wal")).unwrap_or_default();
    let logged = [cache, wal].concat();
    assert!(logged.windows(15).any(|w| w == b"no secrets here"), "the scan reads what was logged");
}

/// Where the server does not let a removed user be given their role back (its 404 on the role
/// assignment), undoing the removal invites them again with that role instead, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undoing_a_removal_invites_again_where_reassigning_is_refused() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("admin").await;
        h.run(&["remove", "billing@acme-ml.example", "--yes"]).await.ok();
        let entry = id_of(newest(&log(&h, &[]).await, "member_removal"));
        h.fault(serde_json::json!({"kind": "status", "status": 404, "ratio": 1.0, "method": "POST",
            "path_prefix": "/roles/"}))
            .await;
        let r = h.run(&["undo", &entry]).await.ok();
        assert!(r.out.contains("billing@acme-ml.example was invited again with Billing Admin."), "{r:?}");
        h.clear_faults().await;
        let billing_admin = h.run(&["roles", "--json"]).await.ok().json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Billing Admin")
            .expect("the role")["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (roles, _) = server_invitation(&h, "billing@acme-ml.example").await.expect("invited again");
        assert_eq!(roles, [(billing_admin, String::new())], "{dialect}");
        let entries = log(&h, &[]).await;
        let refused = newest(&entries, "role_change");
        assert_eq!(
            (&refused["ok"], &refused["undo_of"]),
            (&false.into(), &entry.parse::<i64>().unwrap().into())
        );
        let invite = newest(&entries, "invite");
        assert_eq!(invite["undo_of"], refused["undo_of"], "{dialect}: {invite}");
        let undone = entries.iter().find(|e| id_of(e) == entry).unwrap();
        assert_eq!(undone["undone_by"], invite["id"], "{dialect}: marked undone by the invitation");
    }
}
