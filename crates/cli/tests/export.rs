//! `zpro export` against the emulator, in both dialects: members, invitations, people and the access
//! review of one organization and of all, as CSV and JSON, read back from `-o FILE`; a member whose
//! name holds a comma, a quote and a line break survives CSV; every file says when its data was
//! fetched; bad kinds, formats and `--org` with `--all-orgs` exit 2, and a failed export leaves the
//! file as it was.

mod common;

use std::path::Path;

use chrono::DateTime;
use common::Harness;
use serde_json::{json, Value};
use zenml_pro_cli::{EXIT_FAILURE, EXIT_INVALID_INPUT};
use zenml_pro_core::csv::parse;
use zenml_pro_emulator::{Dialect, EmulatorConfig};

const MEMBER: &str = "member@acme-ml.example";
const TRICKY: &str = "Doe, \"Jay\"\nof Acme";

/// A CSV file as its header and rows (as maps of column to value), checked to be RFC 4180 and to
/// carry a time on every row.
fn read_csv(text: &str) -> (Vec<String>, Vec<std::collections::HashMap<String, String>>) {
    assert!(text.ends_with("\r\n"), "{text:?}");
    let rows = parse(text).unwrap();
    let header = rows[0].clone();
    let rows: Vec<_> = rows[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "{r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect::<std::collections::HashMap<_, _>>()
        })
        .collect();
    for r in &rows {
        DateTime::parse_from_rfc3339(&r["fetched_at"]).unwrap_or_else(|e| panic!("{e}: {r:?}"));
    }
    (header, rows)
}

fn orgs_of(rows: &[std::collections::HashMap<String, String>]) -> Vec<String> {
    let mut orgs: Vec<String> = rows.iter().map(|r| r["organization"].clone()).collect();
    orgs.sort();
    orgs.dedup();
    orgs
}

async fn export_to(h: &Harness, file: &Path, args: &[&str]) -> String {
    let path = file.to_str().unwrap();
    let r = h.run(&[args, &["-o", path]].concat()).await.ok();
    assert!(r.out.is_empty() && r.err.contains("Wrote the"), "{r:?}");
    std::fs::read_to_string(file).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_read_back_for_one_organization_and_all() {
    for dialect in Dialect::ALL {
        let h = Harness::with(EmulatorConfig { port: 0, dialect, ..Default::default() }).await;
        let emu = h.emu.as_ref().unwrap();
        let renamed = reqwest::Client::new()
            .post(emu.control_url("users/rename"))
            .header(zenml_pro_emulator::CONTROL_HEADER, emu.control_token())
            .json(&json!({"email": MEMBER, "name": TRICKY}))
            .send()
            .await
            .unwrap();
        assert!(renamed.status().is_success(), "{}", renamed.status());
        h.login_and_sync("multi_org").await;
        let out = tempfile::tempdir().unwrap();
        let file = out.path().join("export.csv");

        // Members of the active organization (acme-ml), as CSV, through a file.
        let text = export_to(&h, &file, &["export", "members", "--format", "csv"]).await;
        let (header, rows) = read_csv(&text);
        assert_eq!(header[..3], ["account", "organization", "org_id"]);
        assert_eq!(orgs_of(&rows), ["acme-ml"], "{dialect}");
        let member = rows.iter().find(|r| r["email"] == MEMBER).expect("the member");
        assert_eq!(member["name"], TRICKY, "{dialect}: the name survives");
        assert!(member["roles"].contains("Organization Member"), "{member:?}");
        assert!(rows.iter().any(|r| r["kind"] == "team"), "teams are members too");
        let names: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["export.csv"], "no temporary file left");

        // As JSON on stdout: the time at the top and on each organization.
        let j = h.run(&["export", "members", "--format", "json"]).await.ok().json();
        assert_eq!(j["kind"], "members");
        assert!(j["fetched_at"].is_string() && j["stale"].is_boolean(), "{j}");
        let org = &j["organizations"][0];
        assert_eq!((org["org"].as_str(), org["fetched_at"].is_string()), (Some("acme-ml"), true));
        let found = org["items"].as_array().unwrap().iter().find(|m| m["email"] == MEMBER).unwrap();
        assert_eq!(found["name"], TRICKY);

        // Every organization.
        let text = export_to(&h, &file, &["export", "members", "--format", "csv", "--all-orgs"]).await;
        let (_, all) = read_csv(&text);
        assert_eq!(orgs_of(&all), ["acme-ml", "orbit-labs", "tiny-startup"], "{dialect}");
        assert!(all.len() > rows.len());

        // Invitations of another organization, then of all, with their status.
        let text =
            export_to(&h, &file, &["--org", "orbit-labs", "export", "invitations", "--format", "csv"]).await;
        let (_, invs) = read_csv(&text);
        let mut emails: Vec<&str> = invs.iter().map(|r| r["email"].as_str()).collect();
        emails.sort_unstable();
        assert_eq!(emails, ["intern@orbit-labs.example", "visitor@orbit-labs.example"], "{dialect}");
        assert!(invs.iter().all(|r| !r["created"].is_empty() && !r["status"].is_empty()), "{invs:?}");
        let j = h.run(&["export", "invitations", "--format", "json", "--all-orgs"]).await.ok().json();
        assert_eq!(j["organizations"].as_array().unwrap().len(), 3, "{dialect}: {j}");
        let acme = &j["organizations"][0];
        let revoked = acme["items"].as_array().unwrap().iter().find(|i| i["status"] == "revoked");
        assert!(revoked.is_some(), "every status: {acme}");

        // People, everywhere and in one organization.
        let text = export_to(&h, &file, &["export", "people", "--format", "csv", "--all-orgs"]).await;
        let (_, people) = read_csv(&text);
        let demo: Vec<_> = people.iter().filter(|r| r["person"] == "demo@zenml-pro.example").collect();
        assert_eq!(demo.len(), 3, "{dialect}: one row per organization: {demo:?}");
        assert!(people.iter().any(|r| r["name"] == TRICKY), "{dialect}");
        let j = h.run(&["--org", "tiny-startup", "export", "people", "--format", "json"]).await.ok().json();
        assert!(j["fetched_at"].is_string(), "{j}");
        assert_eq!(j["organizations"].as_array().unwrap().len(), 1);
        let orgs: Vec<&Value> = j["people"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["memberships"].as_array().unwrap())
            .map(|m| &m["org_name"])
            .collect();
        assert!(!orgs.is_empty() && orgs.iter().all(|o| *o == "tiny-startup"), "{dialect}: {orgs:?}");

        // The access review, of all and of one.
        let j = h.run(&["export", "access-review", "--format", "json", "--all-orgs"]).await.ok().json();
        assert_eq!(j["kind"], "access-review");
        assert!(j["findings"].as_array().unwrap().len() > 5 && j["fetched_at"].is_string(), "{j}");
        let args =
            ["--org", "orbit-labs", "export", "access-review", "--format", "csv", "--stale-days", "100000"];
        let text = export_to(&h, &file, &args).await;
        let (_, found) = read_csv(&text);
        assert_eq!(orgs_of(&found), ["orbit-labs"], "{dialect}");
        assert!(found.iter().all(|r| r["section"] != "stale_invitation"), "{found:?}");
        assert!(found.iter().any(|r| r["section"] == "service_account_admin"), "{found:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_exports_exit_2_and_leave_the_file_alone() {
    let h = Harness::start().await;
    h.login_and_sync("multi_org").await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("kept.csv");
    std::fs::write(&file, "old content").unwrap();
    let path = file.to_str().unwrap();
    for (args, says) in [
        (&["export", "nonsense", "--format", "csv", "-o", path][..], "nonsense"),
        (&["export", "members", "--format", "xml", "-o", path], "xml"),
        (&["export", "members", "-o", path], "--format"),
        (
            &["--org", "acme-ml", "export", "members", "--format", "csv", "--all-orgs", "-o", path],
            "--all-orgs",
        ),
        (&["export", "members", "--format", "csv", "--stale-days", "3", "-o", path], "--stale-days"),
        (&["export", "access-review", "--format", "csv", "--group", "acme-ml", "-o", path], "two"),
    ] {
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{args:?}: {r:?}");
        assert!(r.err.contains(says), "{args:?}: {r:?}");
    }
    let r = h.run(&["--org", "no-such-org", "export", "members", "--format", "csv", "-o", path]).await;
    assert_ne!(r.code, 0, "{r:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "old content", "nothing was written");
    let missing = out.path().join("no-such-dir").join("x.csv");
    let r = h.run(&["export", "members", "--format", "csv", "-o", missing.to_str().unwrap()]).await;
    assert_eq!(r.code, EXIT_FAILURE, "{r:?}");
    assert!(r.err.contains("nothing was written"), "{r:?}");
    assert!(!missing.exists());
    let names: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["kept.csv"], "no temporary file left");
}
