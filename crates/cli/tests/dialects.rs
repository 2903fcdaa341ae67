//! `zpro`'s main scenario against every dialect the emulator speaks (section 6 of the contract):
//! `login --key`, `sync`, `orgs`, `members` (every row with its role names), `invite`, `invitations`
//! (with the role), `role set`, `revoke` and `remove`; and a custom role that the server lets invite.

mod common;

use common::Harness;
use zenml_pro_emulator::{Dialect, EmulatorConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_scenario_works_against_every_dialect() {
    for dialect in Dialect::ALL {
        let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        let key = h.key("admin");
        h.run(&["login", "--key", &key]).await.ok();
        let sync = h.run(&["sync"]).await.ok();
        assert!(sync.out.contains("Synced 1 of 1 organizations"), "{dialect}: {sync:?}");

        let orgs = h.run(&["orgs", "--json"]).await.ok().json();
        assert_eq!(orgs["items"][0]["name"], "acme-ml", "{dialect}");

        let members = h.run(&["members", "--kind", "user", "--json"]).await.ok().json();
        let rows = members["items"].as_array().unwrap();
        assert!(rows.len() > 3, "{dialect}");
        for row in rows {
            let roles = row["roles"].as_array().unwrap();
            assert!(!roles.is_empty(), "{dialect}: {row}");
            assert!(
                roles.iter().all(|r| r.as_str().is_some_and(|n| n.contains(' '))),
                "{dialect}: named: {row}"
            );
        }
        let all = h.run(&["members", "--json"]).await.ok().json();
        let unreadable = if dialect == Dialect::Variant { 1 } else { 0 };
        assert_eq!(all["skipped"], unreadable, "{dialect}");
        let table = h.run(&["members"]).await.ok();
        assert_eq!(table.out.contains("1 row could not be read"), unreadable == 1, "{dialect}: {table:?}");

        let invite =
            h.run(&["invite", "cli.dialect@acme-ml.example", "--role", "Organization Viewer"]).await.ok();
        assert!(
            invite.out.starts_with("sent    cli.dialect@acme-ml.example  (Organization Viewer"),
            "{invite:?}"
        );
        let pending = h.run(&["invitations", "--json"]).await.ok().json();
        let mine = pending["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["email"] == "cli.dialect@acme-ml.example")
            .cloned()
            .unwrap_or_else(|| panic!("{dialect}: {pending}"));
        assert_eq!(mine["role"], "Organization Viewer", "{dialect}");

        let viewer = "viewer@acme-ml.example";
        let set = h.run(&["role", "set", viewer, "Organization Manager"]).await.ok();
        assert!(set.out.contains("now holds: Organization Manager"), "{dialect}: {set:?}");
        h.run(&["revoke", "cli.dialect@acme-ml.example"]).await.ok();
        h.run(&["remove", viewer, "--yes"]).await.ok();
        h.run(&["sync"]).await.ok();
        let after = h.run(&["members", "--search", viewer, "--json"]).await.ok().json();
        assert_eq!(after["items"].as_array().unwrap().len(), 0, "{dialect}: {after}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_role_that_may_invite_can_invite_from_zpro() {
    for dialect in Dialect::ALL {
        let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        h.login_and_sync("people_manager").await;
        let r = h.run(&["invite", "from.custom@acme-ml.example", "--role", "Organization Viewer"]).await.ok();
        assert!(r.out.starts_with("sent    from.custom@acme-ml.example"), "{dialect}: {r:?}");
    }
}

/// `zpro doctor`: all ok against the default dialect (exit 0), the differences against the variant
/// (exit 1, table and JSON), and exit 3 with one plain line for a server that cannot be reached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_all_is_well_reports_differences_and_knows_unreachable() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;
    let ok = h.run(&["doctor"]).await;
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(ok.out.contains("RESULT") && ok.out.trim_end().ends_with("All is well."), "{ok:?}");
    assert!(!ok.out.contains("WARN") && !ok.out.contains("FAIL"), "{ok:?}");

    let h = Harness::with(EmulatorConfig { port: 0, dialect: Dialect::Variant, ..Default::default() }).await;
    h.login_and_sync("admin").await;
    let table = h.run(&["doctor"]).await;
    assert_eq!(table.code, 1, "{table:?}");
    assert!(table.out.contains("WARN") && table.out.contains("`member_role.name`"), "{table:?}");
    let json = h.run(&["doctor", "--json"]).await;
    assert_eq!(json.code, 1);
    let report = json.json();
    assert_eq!(report["status"], "problems");
    assert!(report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["result"] == "warn" && c["area"] == "schema"));

    let gone = h.run(&["doctor", "--url", "http://127.0.0.1:9"]).await;
    assert_eq!(gone.code, 3, "{gone:?}");
    assert!(gone.err.starts_with("error: the server at http://127.0.0.1:9 cannot be reached"), "{gone:?}");
    assert_eq!(gone.err.lines().count(), 1);
}
