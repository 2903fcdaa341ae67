//! `zpro invite --workspace-role --team`, `zpro invitations`, `zpro resend` and `zpro workspace
//! rename` against the emulator, in both dialects: what the server holds afterwards, the server's 403
//! for low roles (exit 5), and the checks made before any request (exit 2, no request sent).

mod common;

use common::Harness;
use serde_json::Value;
use zenml_pro_cli::{EXIT_FORBIDDEN, EXIT_INVALID_INPUT};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

async fn harness(dialect: Dialect) -> Harness {
    Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await
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

/// The pending invitation of `email` as the server serves it.
async fn server_invitation(h: &Harness, email: &str) -> Value {
    let org = server_get(h, "/organizations/acme-ml").await;
    let path =
        format!("/organizations/{}/invitations?only_pending=true&email={email}", org["id"].as_str().unwrap());
    let list = server_get(h, &path).await;
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    items[0].clone()
}

/// What the server says an invitation holds: (role id, workspace id or "") of each role, and the
/// team ids, in either dialect's shape.
fn held(inv: &Value) -> (Vec<(String, String)>, Vec<String>) {
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
    let teams = inv["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().or(t["id"].as_str()).unwrap().to_owned())
        .collect();
    (roles, teams)
}

fn item<'a>(listing: &'a Value, email: &str) -> &'a Value {
    listing["items"].as_array().unwrap().iter().find(|i| i["email"] == email).expect("listed")
}

fn labels(item: &Value) -> Vec<String> {
    item["roles"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap().to_owned()).collect()
}

const EMAIL: &str = "two.roles@acme-ml.example";
const INVITE: &[&str] = &[
    "invite",
    EMAIL,
    "--role",
    "Organization Member",
    "--workspace-role",
    "acme-prod=Workspace Developer",
    "--workspace-role",
    "acme-research = Workspace Viewer",
    "--team",
    "platform",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_with_workspace_roles_and_a_team_list_them_and_resend_keeps_them() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("admin").await;
        let r = h.run(INVITE).await.ok();
        assert!(r.out.starts_with(&format!("sent    {EMAIL}  (Organization Member, invitation ")), "{r:?}");
        for line in
            ["+ Workspace Developer on acme-prod", "+ Workspace Viewer on acme-research", "+ team platform"]
        {
            assert!(r.out.contains(line), "{dialect}: {line} in {r:?}");
        }

        // The server holds them.
        let inv = server_invitation(&h, EMAIL).await;
        let (roles, teams) = held(&inv);
        assert_eq!(roles.len(), 3, "{dialect}: {inv}");
        let prod = server_get(&h, "/workspaces/acme-prod").await["id"].as_str().unwrap().to_owned();
        let research = server_get(&h, "/workspaces/acme-research").await["id"].as_str().unwrap().to_owned();
        let scopes: Vec<&str> = roles.iter().map(|(_, w)| w.as_str()).collect();
        assert!(
            scopes.contains(&"") && scopes.contains(&prod.as_str()) && scopes.contains(&research.as_str())
        );
        assert_eq!(teams.len(), 1, "{dialect}: {inv}");

        // Listed from the cache with no sync between, then again after one.
        let want =
            ["Organization Member", "Workspace Developer on acme-prod", "Workspace Viewer on acme-research"];
        for synced in [false, true] {
            if synced {
                h.run(&["sync"]).await.ok();
            }
            let listing = h.run(&["invitations", "--json"]).await.ok().json();
            let it = item(&listing, EMAIL);
            assert_eq!(labels(it), want, "{dialect}, synced {synced}: {it}");
            assert_eq!(it["role"], "Organization Member");
            assert_eq!(it["roles"][1]["workspace"], "acme-prod");
            assert_eq!(it["roles"][1]["level"], "workspace");
            assert_eq!(it["teams"][0]["name"], "platform", "{dialect}, synced {synced}: {it}");
        }
        let text = h.run(&["invitations"]).await.ok();
        assert!(text.out.contains("ROLES") && text.out.contains("TEAMS"), "{text:?}");
        let row = text.out.lines().find(|l| l.starts_with(EMAIL)).expect("a row");
        assert!(row.contains("Workspace Developer on acme-prod") && row.contains("platform"), "{row}");
        // The demo's invitation with a workspace role and a team.
        let hire = text.out.lines().find(|l| l.starts_with("new-hire@")).expect("the new hire");
        assert!(hire.contains("Workspace Viewer on acme-research") && hire.contains("platform"), "{hire}");

        // Resending keeps every role and team, on a new invitation.
        let old = inv["id"].as_str().unwrap().to_owned();
        let r = h.run(&["resend", EMAIL]).await.ok();
        assert!(r.out.contains(&format!("Invited {EMAIL} again as Organization Member")), "{r:?}");
        assert!(
            r.out.contains("+ Workspace Viewer on acme-research") && r.out.contains("+ team platform"),
            "{r:?}"
        );
        let again = server_invitation(&h, EMAIL).await;
        assert_ne!(again["id"].as_str().unwrap(), old);
        assert_eq!(held(&again), (roles, teams), "{dialect}: {again}");
        let listing = h.run(&["invitations", "--json"]).await.ok().json();
        assert_eq!(labels(item(&listing, EMAIL)), want, "{dialect}");
    }
}

/// A Viewer is refused by the server (exit 5) when it creates the invitation, after reading what it
/// gives (the roles, the two workspaces, the teams); nothing else is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_is_refused_with_exit_5() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("viewer").await;
        let before = h.requests().await;
        let r = h.run(INVITE).await;
        assert_eq!(r.code, EXIT_FORBIDDEN, "{dialect}: {r:?}");
        assert!(r.err.starts_with("error: the server refused: "), "{r:?}");
        assert_eq!(h.requests().await, before + 5, "{dialect}: four reads, then one request, refused");
        let r = h.run(&["workspace", "rename", "acme-research", "research"]).await;
        assert_eq!(r.code, EXIT_FORBIDDEN, "{dialect}: {r:?}");
    }
}

/// Each wrong part is refused before any request, with exit 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_input_is_exit_2_and_nothing_is_sent() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("admin").await;
        let with = |args: &[&'static str]| {
            let mut v: Vec<&str> = vec!["invite", "ok@acme-ml.example", "--role", "Organization Member"];
            v.extend_from_slice(args);
            v
        };
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (
                vec!["invite", "not-an-email", "--role", "Organization Member", "--team", "platform"],
                "not a valid email",
            ),
            (with(&["--team", "nobody"]), "no team \"nobody\""),
            (
                vec!["invite", "ok@acme-ml.example", "--role", "Workspace Developer"],
                "not an organization role",
            ),
            (with(&["--workspace-role", "acme-prod=Organization Admin"]), "not a workspace role"),
            (with(&["--workspace-role", "nowhere=Workspace Viewer"]), "no workspace \"nowhere\""),
            (with(&["--workspace-role", "acme-prod"]), "WORKSPACE=ROLE"),
            (vec!["workspace", "rename", "acme-research", "Not A Name"], "lowercase"),
            (vec!["workspace", "rename", "nowhere", "fine-name"], "no workspace \"nowhere\""),
        ];
        let before = h.requests().await;
        for (args, says) in cases {
            let r = h.run(&args).await;
            assert_eq!(r.code, EXIT_INVALID_INPUT, "{dialect}: {args:?}: {r:?}");
            assert!(r.err.contains(says), "{dialect}: {says} in {r:?}");
        }
        assert_eq!(h.requests().await, before, "{dialect}: nothing was sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_rename_changes_the_name_and_the_description() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("admin").await;
        let r = h
            .run(&["workspace", "rename", "acme-research", "research", "--description", "Research lab"])
            .await
            .ok();
        assert!(r.out.starts_with("Renamed workspace acme-research to research (workspace "), "{r:?}");
        let listing = h.run(&["workspaces", "--json"]).await.ok().json();
        let names: Vec<&str> =
            listing["items"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"research") && !names.contains(&"acme-research"), "{dialect}: {names:?}");
        let ws = server_get(&h, "/workspaces/research").await;
        assert_eq!(ws["description"], "Research lab", "{dialect}");
        // By id, without a description: the name alone changes.
        let id = ws["id"].as_str().unwrap().to_owned();
        h.run(&["workspace", "rename", &id, "research-lab"]).await.ok();
        let ws = server_get(&h, &format!("/workspaces/{id}")).await;
        assert_eq!(
            (ws["name"].as_str(), ws["description"].as_str()),
            (Some("research-lab"), Some("Research lab"))
        );
    }
}

/// A role that may invite but not list the roles (the list refused with a 403) invites with
/// `--role <id>`: sent as given, and the server holds the invitation with that role; a role name
/// cannot be found without the list and is refused before any request (exit 2), saying to give the id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_by_role_id_when_the_roles_are_hidden() {
    for dialect in Dialect::ALL {
        let h = harness(dialect).await;
        h.login_and_sync("people_manager").await;
        let org = server_get(&h, "/organizations/acme-ml").await;
        let org_id = org["id"].as_str().unwrap().to_owned();
        let roles =
            server_get(&h, &format!("/organizations/{org_id}/roles?name=Organization%20Viewer")).await;
        let viewer = roles[0]["id"].as_str().unwrap().to_owned();
        h.fault(serde_json::json!({"kind": "status", "status": 403, "ratio": 1.0,
            "path_prefix": format!("/organizations/{org_id}/roles")}))
            .await;
        h.run(&["sync"]).await.ok();

        let before = h.requests().await;
        let by_name =
            h.run(&["invite", "hidden.name@acme-ml.example", "--role", "Organization Viewer"]).await;
        assert_eq!(by_name.code, EXIT_INVALID_INPUT, "{dialect}: {by_name:?}");
        assert!(by_name.err.contains("give the role's id"), "{dialect}: {by_name:?}");
        assert_eq!(h.requests().await, before, "{dialect}: no request");

        let by_id = h.run(&["invite", "hidden.id@acme-ml.example", "--role", &viewer]).await.ok();
        assert!(by_id.out.contains("hidden.id@acme-ml.example"), "{dialect}: {by_id:?}");
        let held = held(&server_invitation(&h, "hidden.id@acme-ml.example").await);
        assert_eq!(held.0, [(viewer.clone(), String::new())], "{dialect}");
    }
}
