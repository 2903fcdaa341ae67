//! `zpro offboard` and `zpro invite --org A --org B` against the emulator, in both dialects: the demo
//! user, in three organizations seen through three signed-in accounts, planned with `--dry-run` (reads
//! only, the organization where the account's role cannot remove them said, what is out of reach
//! said), then offboarded from
//! two with `--yes` and checked on the server after a fresh sync; a fault on one organization in the
//! middle (the others done, the summary naming exactly what remains, nothing retried); invitations to
//! several organizations, one failing alone on an unknown role or a fault; bad input exits 2.

mod common;

use common::Harness;
use serde_json::{json, Value};
use zenml_pro_cli::{EXIT_FAILURE, EXIT_INVALID_INPUT, EXIT_OK};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

const DEMO: &str = "demo@zenml-pro.example";
const ADMIN: &str = "admin@acme-ml.example";
/// The orbit-labs service account's account: its `email` is its username, not an address.
const ORBIT_CI: &str = "orbit-ci";

/// The demo user's accounts: the acme-ml admin, orbit-labs' admin service account, and the demo user
/// themselves (the only one who sees tiny-startup, as an Organization Viewer).
async fn three_accounts(dialect: Dialect) -> Harness {
    let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
    h.login_and_sync("multi_org").await;
    h.login_and_sync("admin").await;
    let ci = h.emu.as_ref().unwrap().credentials().service_account.key.clone();
    h.run(&["login", "--key", &ci]).await.ok();
    h.run(&["sync"]).await.ok();
    h
}

/// The API requests logged since the last reset: (method, path).
async fn logged(h: &Harness) -> Vec<(String, String)> {
    h.control()
        .requests()
        .await
        .iter()
        .map(|r| (r["method"].as_str().unwrap().to_owned(), r["path"].as_str().unwrap().to_owned()))
        .collect()
}

async fn org_id(h: &Harness, account: &str, name: &str) -> String {
    let orgs = h.run(&["--account", account, "orgs", "--json"]).await.ok().json();
    let org = orgs["items"].as_array().unwrap().iter().find(|o| o["name"] == name);
    org.unwrap_or_else(|| panic!("{name} in {orgs}"))["id"].as_str().unwrap().to_owned()
}

/// The emails of an organization's members, as the server has them now (a fresh sync first).
async fn member_emails(h: &Harness, account: &str, org: &str) -> Vec<String> {
    h.run(&["--account", account, "sync"]).await.ok();
    let m = h.run(&["--account", account, "--org", org, "members", "--json"]).await.ok().json();
    m["items"].as_array().unwrap().iter().filter_map(|r| r["email"].as_str().map(str::to_owned)).collect()
}

fn steps_of(plan: &Value) -> Vec<(String, String, String, String)> {
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let f = |k: &str| s[k].as_str().unwrap_or("-").to_owned();
            (f("org_name"), f("account"), f("action"), f("kind"))
        })
        .collect()
}

fn remaining_of(report: &Value) -> Vec<(String, String, String)> {
    report["remaining"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let why = r["why"].as_str().unwrap();
            let head = why.split(':').next().unwrap().to_owned();
            (r["org_name"].as_str().unwrap().to_owned(), r["action"].as_str().unwrap_or("-").to_owned(), head)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_in_three_organizations_is_planned_then_offboarded_from_two() {
    for dialect in Dialect::ALL {
        let h = three_accounts(dialect).await;
        h.control().reset_requests().await;
        let plan = h.run(&["offboard", DEMO, "--dry-run", "--json"]).await.ok().json();
        assert_eq!(plan["out_of_reach"].as_array().map(Vec::len), Some(2), "{dialect}: {plan}");
        // Each organization through the account best placed: not the person's own, not lacking the right.
        assert_eq!(
            steps_of(&plan),
            [
                ("acme-ml".into(), ADMIN.into(), "remove_member".into(), "user".into()),
                ("orbit-labs".into(), ORBIT_CI.into(), "remove_member".into(), "user".into()),
            ],
            "{dialect}: {plan}"
        );
        assert_eq!(plan["steps"][0]["roles"], json!(["Organization Admin"]), "{dialect}: {plan}");
        assert_eq!(plan["steps"][1]["roles"], json!(["Organization Manager"]), "{dialect}: {plan}");
        let blocked = plan["blocked"].as_array().unwrap();
        assert_eq!(blocked.len(), 1, "{dialect}: {plan}");
        assert_eq!(
            (blocked[0]["org_name"].as_str(), blocked[0]["account"].as_str()),
            (Some("tiny-startup"), Some(DEMO))
        );
        assert!(blocked[0]["reason"].as_str().unwrap().contains("Organization Viewer"), "{plan}");
        assert_eq!(plan["organizations"], 3, "{plan}");

        let table = h.run(&["offboard", DEMO, "--dry-run"]).await.ok();
        for part in [
            "Offboarding Demo User <demo@zenml-pro.example>: 2 steps in 2 of 3 organizations",
            "remove member",
            "Cannot be done (1):",
            "tiny-startup: remove member demo@zenml-pro.example: your role here (Organization Viewer",
            "Dry run: nothing was changed",
            "Out of this app's reach:",
            "up to an hour",
            "check them in each workspace",
        ] {
            assert!(table.out.contains(part), "{dialect}: {part:?} in {table:?}");
        }
        // Roles and teams are read from the server; nothing is written.
        let sent = logged(&h).await;
        assert!(sent.iter().all(|(m, _)| m == "GET"), "{dialect}: a dry run only reads: {sent:?}");

        let run = h.run(&["offboard", DEMO, "--org", "acme-ml", "--org", "orbit-labs", "--yes"]).await;
        assert_eq!(run.code, EXIT_OK, "{dialect}: {run:?}");
        for part in [
            "[1/2] acme-ml: remove member demo@zenml-pro.example: done",
            "[2/2] orbit-labs: remove member demo@zenml-pro.example: done",
            "Done 2 of 2 steps; 0 failed, 0 not attempted.",
        ] {
            assert!(run.out.contains(part), "{dialect}: {part:?} in {run:?}");
        }
        assert!(!run.out.contains("Remaining"), "{run:?}");

        // On the server, read back by fresh syncs of the accounts that stay.
        assert!(!member_emails(&h, ADMIN, "acme-ml").await.contains(&DEMO.to_owned()), "{dialect}");
        assert!(member_emails(&h, ADMIN, "acme-ml").await.contains(&"manager@acme-ml.example".to_owned()));
        assert!(!member_emails(&h, ORBIT_CI, "orbit-labs").await.contains(&DEMO.to_owned()), "{dialect}");
        h.run(&["--account", DEMO, "sync"]).await.ok();
        let left = h.run(&["--account", DEMO, "orgs", "--json"]).await.ok().json();
        let names: Vec<&str> =
            left["items"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["tiny-startup"], "{dialect}: the demo user keeps only tiny-startup");
        // Nothing more to do where they were removed; tiny-startup still cannot be done.
        let again = h.run(&["offboard", DEMO, "--dry-run", "--json"]).await.ok().json();
        assert_eq!(steps_of(&again), [], "{dialect}: {again}");
        assert_eq!(again["blocked"].as_array().unwrap().len(), 1, "{again}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_on_one_organization_leaves_exactly_it_remaining() {
    for dialect in Dialect::ALL {
        let h = three_accounts(dialect).await;
        let orbit = org_id(&h, ORBIT_CI, "orbit-labs").await;
        let path = format!("/organizations/{orbit}/members");
        h.fault(json!({"kind": "status", "status": 500, "path_prefix": path, "method": "DELETE"})).await;
        h.control().reset_requests().await;

        let run = h.run(&["offboard", DEMO, "--yes", "--json"]).await;
        assert_eq!(run.code, EXIT_FAILURE, "{dialect}: a server error is exit 1: {run:?}");
        let report = run.json();
        assert_eq!((report["done"].as_u64(), report["failed"].as_u64()), (Some(1), Some(1)), "{report}");
        assert_eq!(
            remaining_of(&report),
            [
                ("orbit-labs".into(), "remove_member".into(), "failed".into()),
                ("tiny-startup".into(), "remove_member".into(), "cannot".into()),
            ],
            "{dialect}: {report}"
        );
        assert!(report["remaining"][0]["why"].as_str().unwrap().contains("500"), "{report}");
        assert!(
            run.err.contains("[2/2] orbit-labs: remove member demo@zenml-pro.example: failed"),
            "{run:?}"
        );

        // One DELETE each, none sent again; tiny-startup was not asked at all.
        let deletes: Vec<String> =
            logged(&h).await.into_iter().filter(|(m, _)| m == "DELETE").map(|(_, p)| p).collect();
        assert_eq!(deletes.len(), 2, "{dialect}: {deletes:?}");
        assert_eq!(deletes.iter().filter(|p| **p == path).count(), 1, "{dialect}: not retried");

        let human = {
            h.clear_faults().await;
            // The summary in words, from a second run now that the fault is gone: only orbit-labs left.
            h.run(&["offboard", DEMO, "--yes"]).await
        };
        assert_eq!(human.code, EXIT_OK, "{dialect}: {human:?}");
        assert!(
            human.out.contains("[1/1] orbit-labs: remove member demo@zenml-pro.example: done"),
            "{human:?}"
        );
        assert!(
            human.out.contains("Remaining (1):\n  tiny-startup: remove member demo@zenml-pro.example"),
            "{human:?}"
        );

        assert!(
            !member_emails(&h, ADMIN, "acme-ml").await.contains(&DEMO.to_owned()),
            "{dialect}: acme-ml done"
        );
        assert!(!member_emails(&h, ORBIT_CI, "orbit-labs").await.contains(&DEMO.to_owned()), "{dialect}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_invitation_to_several_organizations() {
    for dialect in Dialect::ALL {
        let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        h.login_and_sync("multi_org").await;
        let (a, b) = ("intern-a@acme-ml.example", "intern-b@acme-ml.example");
        let both = ["--org", "acme-ml", "--org", "orbit-labs"];
        let r = h.run(&[&["invite", a, b], &both[..], &["--role", "Organization Member"]].concat()).await;
        assert_eq!(r.code, EXIT_OK, "{dialect}: {r:?}");
        assert!(
            r.out.contains("[4/4] orbit-labs: invite intern-b@acme-ml.example: done (invitation "),
            "{r:?}"
        );
        let planned = "  acme-ml (as demo@zenml-pro.example): 2 emails: Organization Member\n";
        assert!(r.out.contains(planned), "{r:?}");
        h.run(&["sync"]).await.ok();
        for org in ["acme-ml", "orbit-labs"] {
            let inv = h.run(&["--org", org, "invitations", "--json"]).await.ok().json();
            let emails: Vec<&str> =
                inv["items"].as_array().unwrap().iter().map(|i| i["email"].as_str().unwrap()).collect();
            assert!(emails.contains(&a) && emails.contains(&b), "{dialect} {org}: {inv}");
        }

        // A custom role only orbit-labs has: acme-ml fails alone, before any request there.
        let c = "intern-c@acme-ml.example";
        let r = h.run(&[&["invite", c], &both[..], &["--role", "Release Approver"]].concat()).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{dialect}: the first failure's class: {r:?}");
        assert!(
            r.out.contains("[1/2] acme-ml: invite intern-c@acme-ml.example: failed: \"Release Approver\""),
            "{r:?}"
        );
        assert!(r.out.contains("[2/2] orbit-labs: invite intern-c@acme-ml.example: done"), "{r:?}");
        assert!(r.out.contains("  acme-ml (as demo@zenml-pro.example): 1 email: will fail: "), "{r:?}");
        assert!(
            r.out.contains("Remaining (1):\n  acme-ml: invite intern-c@acme-ml.example: failed"),
            "{r:?}"
        );

        // A fault on acme-ml's invitations: that organization fails alone, sent once.
        let acme = org_id(&h, DEMO, "acme-ml").await;
        let path = format!("/organizations/{acme}/invitations");
        h.fault(json!({"kind": "status", "status": 503, "path_prefix": path, "method": "POST"})).await;
        h.control().reset_requests().await;
        let d = "intern-d@acme-ml.example";
        let r = h.run(&[&["invite", d], &both[..], &["--role", "Organization Member"]].concat()).await;
        assert_eq!(r.code, EXIT_FAILURE, "{dialect}: {r:?}");
        assert!(r.out.contains("Done 1 of 2 steps; 1 failed, 0 not attempted."), "{r:?}");
        assert!(
            r.out.contains("Remaining (1):\n  acme-ml: invite intern-d@acme-ml.example: failed"),
            "{r:?}"
        );
        let posts = logged(&h).await.into_iter().filter(|(m, p)| m == "POST" && *p == path).count();
        assert_eq!(posts, 1, "{dialect}: not retried");
        h.clear_faults().await;
        h.run(&["sync"]).await.ok();
        let orbit = h.run(&["--org", "orbit-labs", "invitations", "--json"]).await.ok().json();
        assert!(orbit.to_string().contains(d), "{dialect}: orbit-labs done: {orbit}");
        let acme_inv = h.run(&["--org", "acme-ml", "invitations", "--json"]).await.ok().json();
        assert!(!acme_inv.to_string().contains(d), "{dialect}: acme-ml not: {acme_inv}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_2_with_a_clear_message() {
    let h = Harness::start().await;
    h.login_and_sync("multi_org").await;
    let cases: [(&[&str], &str); 7] = [
        (&["offboard", "not-an-email", "--dry-run"], "not an email address"),
        (&["offboard", DEMO, "--org", "no-such-org", "--dry-run"], "no-such-org"),
        (&["offboard", DEMO, "--dry-run", "--yes"], "cannot be used with"),
        (&["--org", "acme-ml", "--org", "orbit-labs", "members"], "acts on one organization"),
        (
            &["invite", "bad@", "--org", "acme-ml", "--org", "orbit-labs", "--role", "Organization Member"],
            "bad@",
        ),
        (
            &[
                "invite",
                "x@acme-ml.example",
                "--org",
                "acme-ml",
                "--org",
                "nope",
                "--role",
                "Organization Member",
            ],
            "nope",
        ),
        (&["offboard", DEMO, "--org", "acme-ml", "--org", "nope", "--yes"], "nope"),
    ];
    let before = h.requests().await;
    for (args, says) in cases {
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{args:?}: {r:?}");
        assert!(r.err.contains(says), "{args:?}: {says:?} in {r:?}");
    }
    assert_eq!(h.requests().await, before, "refused before any request");
    let unknown = h.run(&["offboard", "nobody@nowhere.example", "--dry-run"]).await;
    assert_eq!(unknown.code, EXIT_FAILURE, "{unknown:?}");

    // Without --dry-run or --yes and without a terminal: refused, saying what to pass.
    let bin = std::process::Command::new(env!("CARGO_BIN_EXE_zpro"))
        .env("ZENML_PRO_DESKTOP_DATA_DIR", h.data_dir())
        .env_remove("RUST_LOG")
        .args(["offboard", DEMO])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(bin.status.code(), Some(EXIT_INVALID_INPUT), "{bin:?}");
    let err = String::from_utf8_lossy(&bin.stderr);
    assert!(err.contains("--dry-run") && err.contains("--yes"), "{err}");
}

/// What the cache cannot tell is said per organization: a member list not visible to the role is
/// "cannot", not "nothing to do"; an organization named where the person is not is named as such.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_member_lists_and_absent_organizations_are_said() {
    for dialect in Dialect::ALL {
        let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        h.login_and_sync("multi_org").await;
        let orbit = org_id(&h, DEMO, "orbit-labs").await;
        let path = format!("/organizations/{orbit}/members");
        h.fault(json!({"kind": "status", "status": 403, "path_prefix": path, "method": "GET"})).await;
        h.run(&["sync"]).await.ok();
        let plan = h.run(&["offboard", DEMO, "--dry-run", "--json"]).await.ok().json();
        assert_eq!(steps_of(&plan), [("acme-ml".into(), DEMO.into(), "remove_member".into(), "user".into())]);
        assert!(plan["steps"][0]["note"].as_str().unwrap().contains("own user"), "{dialect}: {plan}");
        let blocked: Vec<(&str, &str)> = plan["blocked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| (b["org_name"].as_str().unwrap(), b["reason"].as_str().unwrap()))
            .collect();
        assert_eq!(blocked.len(), 2, "{dialect}: {plan}");
        assert_eq!(blocked[0].0, "orbit-labs");
        assert!(blocked[0].1.contains("not visible to your role"), "{dialect}: {plan}");
        assert_eq!(blocked[1].0, "tiny-startup");

        let hire = ["offboard", "new-hire@acme-ml.example", "--org", "acme-ml", "--org", "tiny-startup"];
        let plan = h.run(&[&hire[..], &["--dry-run", "--json"]].concat()).await.ok().json();
        assert_eq!(plan["not_there"], json!(["tiny-startup"]), "{dialect}: {plan}");
        assert_eq!(
            steps_of(&plan),
            [("acme-ml".into(), DEMO.into(), "revoke_invitation".into(), "invitation".into())]
        );
        let table = h.run(&[&hire[..], &["--dry-run"]].concat()).await.ok();
        assert!(table.out.contains("Neither a member nor invited (as cached): tiny-startup."), "{table:?}");
    }
}

/// A person with a workspace role and a team: the dry run lists the role (with its workspace) and the
/// team before the membership and says what is out of reach; `--yes` takes the three away in that
/// order; afterwards the access review's "inactive" section, which listed them while they held roles,
/// no longer does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_and_teams_go_before_the_membership_and_the_review_sees_inactive_holders() {
    const MEMBER: &str = "member@acme-ml.example";
    for dialect in Dialect::ALL {
        let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        h.login_and_sync("admin").await;
        let body = json!({"email": MEMBER, "active": false});
        let marked = h.control().send(reqwest::Method::POST, "users/active", Some(&body)).await;
        assert!(marked.status().is_success(), "{dialect}: {}", marked.status());
        h.run(&["sync"]).await.ok();
        let review = h.run(&["access-review", "--json"]).await.ok().json();
        let inactive: Vec<&str> = review["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["section"] == "inactive")
            .filter_map(|f| f["email"].as_str())
            .collect();
        assert_eq!(inactive, [MEMBER], "{dialect}: {review}");
        let text = h.run(&["access-review"]).await.ok();
        assert!(text.out.contains("Marked inactive, still holding roles"), "{dialect}: {text:?}");

        let plan = h.run(&["offboard", MEMBER, "--dry-run", "--json"]).await.ok().json();
        let actions: Vec<&str> =
            plan["steps"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["revoke_role", "leave_team", "remove_member"], "{dialect}: {plan}");
        assert_eq!(plan["steps"][0]["on"], "Workspace Developer on acme-research", "{dialect}: {plan}");
        assert!(plan["steps"][0]["workspace_id"].is_string(), "{dialect}: {plan}");
        let table = h.run(&["offboard", MEMBER, "--dry-run"]).await.ok();
        for part in [
            "Offboarding Acme Member <member@acme-ml.example>: 3 steps in 1 of",
            "revoke role",
            "Workspace Developer on acme-research",
            "leave team",
            "team data-science",
            "Out of this app's reach:",
        ] {
            assert!(table.out.contains(part), "{dialect}: {part:?} in {table:?}");
        }

        let run = h.run(&["offboard", MEMBER, "--yes"]).await;
        assert_eq!(run.code, EXIT_OK, "{dialect}: {run:?}");
        for part in [
            "[1/3] acme-ml: revoke role member@acme-ml.example (Workspace Developer on acme-research): done",
            "[2/3] acme-ml: leave team member@acme-ml.example (team data-science): done",
            "[3/3] acme-ml: remove member member@acme-ml.example: done",
            "Done 3 of 3 steps; 0 failed, 0 not attempted.",
            "up to an hour",
        ] {
            assert!(run.out.contains(part), "{dialect}: {part:?} in {run:?}");
        }
        assert!(!member_emails(&h, ADMIN, "acme-ml").await.contains(&MEMBER.to_owned()), "{dialect}");
        let review = h.run(&["access-review", "--json"]).await.ok().json();
        let left =
            review["findings"].as_array().unwrap().iter().filter(|f| f["section"] == "inactive").count();
        assert_eq!(left, 0, "{dialect}: {review}");
    }
}
