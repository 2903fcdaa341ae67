//! `zpro access-review` against the emulator, in both dialects, with two signed-in accounts: the
//! demo data's admins and managers, service account admins, custom roles, roles held only through a
//! team, stale and expired invitations, each named with its account, organization and time; a fresh
//! invitation that `--stale-days` moves in and out; `--group` comparing two organizations; JSON and CSV
//! that parse back and agree; answered from the cache (no request), and still after the emulator
//! stops; a bad group exits 2.

mod common;

use common::Harness;
use serde_json::Value;
use zenml_pro_cli::EXIT_INVALID_INPUT;
use zenml_pro_core::export::REVIEW_CSV_HEADER;
use zenml_pro_emulator::{Dialect, EmulatorConfig};

const DEMO: &str = "demo@zenml-pro.example";
const ADMIN: &str = "admin@acme-ml.example";

/// The findings of a section as (organization, account, email).
fn section(review: &Value, name: &str) -> Vec<(String, String, String)> {
    review["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["section"] == name)
        .map(|f| {
            (
                f["org_name"].as_str().unwrap().to_owned(),
                f["account"].as_str().unwrap().to_owned(),
                f["email"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn has(found: &[(String, String, String)], org: &str, email: &str) -> bool {
    found.iter().any(|(o, _, e)| o == org && e == email)
}

fn count(review: &Value, name: &str) -> usize {
    review["sections"].as_array().unwrap().iter().find(|s| s["section"] == name).unwrap()["count"]
        .as_u64()
        .unwrap() as usize
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_finds_what_the_demo_data_holds() {
    for dialect in Dialect::ALL {
        let mut h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        h.login_and_sync("multi_org").await;
        h.login_and_sync("admin").await;
        // A fresh invitation: stale only when any age is too old.
        let invite = ["--account", DEMO, "--org", "orbit-labs", "invite", "fresh@orbit-labs.example"];
        h.run(&[&invite[..], &["--role", "Organization Member"]].concat()).await.ok();

        let before = h.requests().await;
        let review = h.run(&["access-review", "--json"]).await.ok().json();
        assert_eq!(h.requests().await, before, "{dialect}: answered from the cache");
        assert_eq!(review["kind"], "access-review");
        assert!(review["fetched_at"].is_string() && review["stale"].is_boolean(), "{review}");
        assert_eq!(review["organizations"].as_array().unwrap().len(), 4, "{dialect}: {review}");
        assert_eq!(review["accounts"], 2);

        let admins = section(&review, "admin");
        for (org, email) in [
            ("acme-ml", DEMO),
            ("acme-ml", ADMIN),
            ("acme-ml", "manager@acme-ml.example"),
            ("orbit-labs", DEMO),
            ("orbit-labs", "ops@orbit-labs.example"),
            ("tiny-startup", "founder@tiny-startup.example"),
        ] {
            assert!(has(&admins, org, email), "{dialect}: {email} in {org}: {admins:?}");
        }
        // acme-ml is seen by both accounts: its admin is found by each.
        let seen: Vec<&str> = admins
            .iter()
            .filter(|(o, _, e)| o == "acme-ml" && e == ADMIN)
            .map(|(_, a, _)| a.as_str())
            .collect();
        assert_eq!(seen, [ADMIN, DEMO], "{dialect}");
        for email in [
            "viewer@acme-ml.example",
            "billing@acme-ml.example",
            "orbit-ci@service-accounts.orbit-labs.example",
        ] {
            assert!(!admins.iter().any(|(_, _, e)| e == email), "{dialect}: {email} is no admin here");
        }
        let manager = review["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["section"] == "admin" && f["org_name"] == "orbit-labs" && f["email"] == DEMO)
            .unwrap();
        assert_eq!(manager["roles"], serde_json::json!(["Organization Manager"]), "{dialect}");
        assert!(manager["fetched_at"].is_string() && manager["account"] == DEMO, "{manager}");

        let robots = section(&review, "service_account_admin");
        assert!(
            has(&robots, "orbit-labs", "orbit-ci@service-accounts.orbit-labs.example"),
            "{dialect}: {robots:?}"
        );
        assert!(!robots.iter().any(|(_, _, e)| e.starts_with("acme-ci")), "a Member: {robots:?}");

        let custom = section(&review, "custom_role");
        assert!(has(&custom, "acme-ml", "auditor@acme-ml.example"), "{dialect}: {custom:?}");
        assert!(has(&custom, "acme-ml", "people-manager@acme-ml.example"), "{dialect}: {custom:?}");

        let team_only = section(&review, "team_only");
        assert!(has(&team_only, "acme-ml", "data-scientist@acme-ml.example"), "{dialect}: {team_only:?}");
        assert!(has(&team_only, "orbit-labs", "research@orbit-labs.example"), "{dialect}: {team_only:?}");
        assert!(!has(&team_only, "acme-ml", "member@acme-ml.example"), "direct too: {team_only:?}");

        let stale = section(&review, "stale_invitation");
        for (org, email) in [
            ("acme-ml", "new-hire@acme-ml.example"),
            ("acme-ml", "contractor@partner.example"),
            ("orbit-labs", "intern@orbit-labs.example"),
            ("tiny-startup", "cofounder@tiny-startup.example"),
        ] {
            assert!(has(&stale, org, email), "{dialect}: {email}: {stale:?}");
        }
        assert!(!has(&stale, "orbit-labs", "fresh@orbit-labs.example"), "sent today: {stale:?}");
        assert!(!stale.iter().any(|(_, _, e)| e.starts_with("changed-mind")), "revoked: {stale:?}");
        let expired = section(&review, "expired_invitation");
        assert!(has(&expired, "acme-ml", "late-reply@acme-ml.example"), "{dialect}: {expired:?}");
        assert!(has(&expired, "orbit-labs", "visitor@orbit-labs.example"), "{dialect}: {expired:?}");
        assert!(!has(&expired, "acme-ml", "new-hire@acme-ml.example"));
        assert!(review["sections"].as_array().unwrap().iter().all(|s| s["section"] != "only_in_one"));

        // --stale-days moves the fresh invitation in, and every demo invitation out.
        let any_age = h.run(&["access-review", "--stale-days", "0", "--json"]).await.ok().json();
        assert!(has(&section(&any_age, "stale_invitation"), "orbit-labs", "fresh@orbit-labs.example"));
        assert_eq!(count(&any_age, "stale_invitation"), count(&review, "stale_invitation") + 1, "{dialect}");
        let patient = h.run(&["access-review", "--stale-days", "100000", "--json"]).await.ok().json();
        assert_eq!(count(&patient, "stale_invitation"), 0, "{dialect}: {patient}");
        assert_eq!(count(&patient, "admin"), count(&review, "admin"));

        // A group: who is in only one of acme-ml and orbit-labs.
        let group = h.run(&["access-review", "--group", "acme-ml", "--group", "orbit-labs", "--json"]).await;
        let group = group.ok().json();
        let only = section(&group, "only_in_one");
        assert!(
            has(&only, "acme-ml", ADMIN) && has(&only, "orbit-labs", "ops@orbit-labs.example"),
            "{only:?}"
        );
        assert!(!only.iter().any(|(_, _, e)| e == DEMO), "{dialect}: the demo user is in both: {only:?}");
        assert!(!only.iter().any(|(o, _, _)| o == "tiny-startup"), "not in the group: {only:?}");
        assert_eq!(group["group"], serde_json::json!(["acme-ml", "orbit-labs"]));
        let detail =
            group["findings"].as_array().unwrap().iter().find(|f| f["section"] == "only_in_one").unwrap();
        assert!(detail["detail"].as_str().unwrap().contains("only; not in"), "{detail}");

        // CSV says the same, row for row.
        let csv =
            h.run(&["access-review", "--group", "acme-ml", "--group", "orbit-labs", "--csv"]).await.ok();
        assert!(csv.out.ends_with("\r\n"), "{csv:?}");
        let rows = zenml_pro_core::csv::parse(&csv.out).unwrap();
        assert_eq!(rows[0], REVIEW_CSV_HEADER, "{dialect}");
        assert_eq!(rows.len() - 1, group["findings"].as_array().unwrap().len());
        let at = REVIEW_CSV_HEADER.iter().position(|c| *c == "fetched_at").unwrap();
        assert!(rows[1..].iter().all(|r| r.len() == REVIEW_CSV_HEADER.len() && !r[at].is_empty()));
        assert!(rows.iter().any(|r| r[0] == "only_in_one" && r[6] == ADMIN), "{dialect}");

        // Offline, the same report.
        h.shutdown().await;
        let offline = h.run(&["access-review", "--json"]).await.ok().json();
        assert_eq!(offline["findings"], review["findings"], "{dialect}");
        let human = h.run(&["access-review"]).await.ok();
        for part in [
            "Admins and managers: ",
            "Stale pending invitations (pending more than 14 days): ",
            "as of ",
            "orbit-ci",
        ] {
            assert!(human.out.contains(part), "{dialect}: {part} in {human:?}");
        }
        assert!(human.out.contains("reviewed 4 organizations of 2 signed-in accounts"), "{human:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_groups_and_flags_exit_2() {
    let h = Harness::start().await;
    let empty = h.run(&["access-review", "--json"]).await.ok().json();
    assert_eq!((empty["findings"].as_array().map(Vec::len), &empty["stale"]), (Some(0), &Value::Bool(true)));
    h.login_and_sync("multi_org").await;
    for args in [
        &["access-review", "--group", "acme-ml"][..],
        &["access-review", "--group", "acme-ml", "--group", "nowhere-org"],
        &["access-review", "--json", "--csv"],
        &["access-review", "--stale-days", "-3"],
    ] {
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{args:?}: {r:?}");
        assert!(r.err.starts_with("error"), "{r:?}");
    }
    let r = h.run(&["access-review", "--group", "acme-ml", "--group", "nowhere-org"]).await;
    assert!(r.err.contains("nowhere-org") && r.err.contains("orbit-labs"), "says what is known: {r:?}");
    // The same organization twice is one.
    let r = h.run(&["access-review", "--group", "acme-ml", "--group", "acme-ml"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
}
