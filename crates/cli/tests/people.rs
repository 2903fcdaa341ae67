//! `zpro people` and `zpro person` against the emulator, in both dialects: a person in three
//! organizations (and a second account seeing one of them), searched by part of a name and of an
//! email, invitations with their status, answered from the cache with no request, and still after
//! the emulator stops; a malformed email exits 2, nobody matching exits 0.

mod common;

use common::Harness;
use serde_json::Value;
use zenml_pro_cli::{EXIT_FAILURE, EXIT_INVALID_INPUT};
use zenml_pro_emulator::{Dialect, EmulatorConfig};

const DEMO: &str = "demo@zenml-pro.example";

fn orgs_of(person: &Value) -> Vec<(String, String)> {
    person["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["org"].as_str().unwrap().to_owned(), o["account"].as_str().unwrap().to_owned()))
        .collect()
}

fn role_names(org: &Value) -> Vec<String> {
    org["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_in_three_organizations_online_then_offline() {
    for dialect in Dialect::ALL {
        let mut h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        h.login_and_sync("multi_org").await;
        h.login_and_sync("admin").await;
        // Invited to a second organization too (the demo user manages orbit-labs).
        let invite = ["--account", DEMO, "--org", "orbit-labs", "invite", "new-hire@acme-ml.example"];
        h.run(&[&invite[..], &["--role", "Organization Member"]].concat()).await.ok();

        for online in [true, false] {
            if !online {
                h.shutdown().await;
            }
            let before = if online { Some(h.requests().await) } else { None };

            // By part of the name and by part of the email.
            for query in ["emo us", "ZENML-PRO.ex"] {
                let page = h.run(&["people", query, "--json"]).await.ok().json();
                assert_eq!(page["total"], 1, "{dialect} {query}: {page}");
                let p = &page["items"][0];
                assert_eq!((p["email"].as_str(), p["name"].as_str()), (Some(DEMO), Some("Demo User")));
                assert_eq!(
                    orgs_of(p),
                    [
                        ("acme-ml".to_owned(), "admin@acme-ml.example".to_owned()),
                        ("acme-ml".to_owned(), DEMO.to_owned()),
                        ("orbit-labs".to_owned(), DEMO.to_owned()),
                        ("tiny-startup".to_owned(), DEMO.to_owned()),
                    ],
                    "{dialect}"
                );
                assert_eq!(role_names(&p["organizations"][2]), ["Organization Manager"]);
                assert!(page["fetched_at"].is_string() && page.get("stale").is_some(), "{page}");
            }
            let human = h.run(&["people", "demo user"]).await.ok();
            assert!(human.out.contains("orbit-labs: Organization Manager"), "{human:?}");
            assert!(human.out.contains("searched 4 organizations of 2 signed-in accounts"), "{human:?}");
            assert!(human.out.contains("as of "), "{human:?}");

            // A pending invitation in two organizations is one person.
            let hire = h.run(&["people", "new-hire", "--json"]).await.ok().json();
            assert_eq!(hire["total"], 1, "{dialect}: {hire}");
            let kinds: Vec<(&str, &str)> = hire["items"][0]["organizations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| (o["org"].as_str().unwrap(), o["invitation_status"].as_str().unwrap()))
                .collect();
            assert_eq!(kinds, [("acme-ml", "pending"), ("acme-ml", "pending"), ("orbit-labs", "pending")]);

            let person = h.run(&["person", "Demo@ZenML-Pro.example", "--json"]).await.ok().json();
            let item = &person["item"];
            assert_eq!(item["organizations"].as_array().unwrap().len(), 4, "{dialect}: {person}");
            assert!(item["organizations"][0]["teams"].is_null(), "not cached: {person}");
            assert_eq!(item["not_cached"].as_array().unwrap().len(), 2);
            assert!(person["fetched_at"].is_string() && person.get("stale").is_some());
            let statuses = h.run(&["person", "changed-mind@acme-ml.example", "--json"]).await.ok().json();
            let first = &statuses["item"]["organizations"][0];
            assert_eq!(first["kind"], "invitation");
            assert_eq!(first["invitations"][0]["status"], "revoked", "{dialect}: {statuses}");
            assert!(first["invitations"][0]["created"].is_string());
            let page = h.run(&["person", "new-hire@acme-ml.example"]).await.ok();
            for part in ["Invitations:", "pending", "Workspace Viewer on acme-research", "platform", "as of "]
            {
                assert!(page.out.contains(part), "{dialect}: {part} in {page:?}");
            }

            if let Some(before) = before {
                assert_eq!(h.requests().await, before, "{dialect}: answered from the cache");
            } else {
                // A refresh that fails marks it stale.
                assert_ne!(h.run(&["sync"]).await.code, 0);
                let page = h.run(&["people", "demo", "--json"]).await.ok().json();
                assert_eq!(page["stale"], true, "{page}");
                assert!(page["last_error"].as_str().unwrap().contains("offline"), "{page}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_pages_empty_searches_and_bad_emails() {
    let h = Harness::start().await;
    let none = h.run(&["people"]).await.ok();
    assert!(none.out.contains("No one matches.") && none.out.contains("run `zpro sync`"), "{none:?}");
    h.login_and_sync("multi_org").await;

    let all = h.run(&["people", "--json"]).await.ok().json();
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total > 10, "{all}");
    let mut keys = Vec::new();
    for offset in (0..total + 5).step_by(4) {
        let offset = offset.to_string();
        let page = h.run(&["people", "--limit", "4", "--offset", &offset, "--json"]).await.ok().json();
        assert_eq!(page["total"].as_u64(), Some(total as u64));
        keys.extend(page["items"].as_array().unwrap().iter().map(|p| p["key"].clone()));
    }
    let wanted: Vec<Value> = all["items"].as_array().unwrap().iter().map(|p| p["key"].clone()).collect();
    assert_eq!(keys, wanted, "pages add up");
    let page = h.run(&["people", "--limit", "3"]).await.ok();
    assert!(page.out.contains(&format!("showing 1-3 of {total}")), "{page:?}");

    let empty = h.run(&["people", "no-such-person-anywhere"]).await.ok();
    assert!(empty.out.starts_with("No one matches."), "{empty:?}");
    let empty = h.run(&["people", "no-such-person-anywhere", "--json"]).await.ok().json();
    assert_eq!((empty["total"].as_u64(), empty["items"].as_array().map(Vec::len)), (Some(0), Some(0)));

    for bad in ["not-an-email", "a@b", "two words@example.com"] {
        let r = h.run(&["person", bad]).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{bad}: {r:?}");
        assert!(r.err.starts_with("error: "), "{r:?}");
    }
    let unknown = h.run(&["person", "nobody@nowhere.example"]).await;
    assert_eq!(unknown.code, EXIT_FAILURE, "{unknown:?}");
    let limit = h.run(&["people", "--limit", "0"]).await;
    assert_eq!(limit.code, EXIT_INVALID_INPUT);
}
