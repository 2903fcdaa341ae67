//! `zpro service-account ...` end to end against the emulator, in both dialects: an account created
//! (the adoption note said first, on stderr), given a role and a team by its name, deactivated and
//! activated, deleted; a key created (its secret printed once on stdout, and in the JSON with
//! `--json`), rotated with a retention, deactivated, deleted; deletions need --yes; checks made before
//! any request exit 2; a Viewer's write exits 5; the secret is in no file and no journal entry; the
//! variant dialect does not offer service accounts. `zpro service-accounts` still lists them.

mod common;

use common::Harness;
use serde_json::Value;
use zenml_pro_cli::{EXIT_CONFLICT, EXIT_FAILURE, EXIT_FORBIDDEN, EXIT_INVALID_INPUT};
use zenml_pro_core::TOKENS_OUTLIVE;
use zenml_pro_emulator::{Dialect, EmulatorConfig};

fn account<'a>(listed: &'a Value, name: &str) -> Option<&'a Value> {
    listed["items"].as_array().unwrap().iter().find(|s| s["name"] == name)
}

/// The one line of stdout that is a key's secret.
fn secret_line(out: &str) -> String {
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("ZENPROKEY_")).collect();
    assert_eq!(lines.len(), 1, "printed once: {out}");
    lines[0].to_owned()
}

/// Every file under `dir`, as bytes.
fn files(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_accounts_and_keys_from_creation_to_deletion() {
    let h = Harness::start().await;
    h.login_and_sync("admin").await;

    let r = h.run(&["service-account", "create", "autobot", "--description", "CI robot"]).await.ok();
    assert!(r.err.contains("Note:") && r.err.contains("\"autobot\"") && r.err.contains("adopts"), "{r:?}");
    assert!(r.out.contains("Created service account autobot"), "{r:?}");
    let r = h.run(&["service-account", "create", "AutoBot"]).await;
    assert_eq!(r.code, EXIT_CONFLICT, "{r:?}");
    let before = h.requests().await;
    let r = h.run(&["service-account", "create", "two words"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
    assert_eq!(h.requests().await, before, "refused before any request");

    let listed = h.run(&["service-account", "list", "--json"]).await.ok().json();
    let bot = account(&listed, "autobot").expect("listed");
    assert_eq!((bot["active"].clone(), bot["key_count"].clone()), (Value::Bool(true), Value::from(0)));
    assert_eq!(bot["roles"], Value::Array(Vec::new()));

    // Roles and teams through the usual commands, by its name: a team once it holds a role.
    let before = h.requests().await;
    let r = h.run(&["team", "create", "early", "--member", "autobot"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "{r:?}");
    assert!(r.err.contains("joins teams once it holds a role"), "{r:?}");
    assert_eq!(h.requests().await, before, "refused before any request");
    h.run(&["role", "set", "autobot", "Organization Viewer"]).await.ok();
    let r = h.run(&["team", "create", "robots", "--member", "autobot"]).await.ok();
    assert!(r.out.contains("added   autobot"), "{r:?}");
    let table = h.run(&["service-accounts"]).await.ok();
    assert!(table.out.contains("ROLES") && table.out.contains("Organization Viewer"), "{table:?}");

    // A key: its secret once on stdout, never on stderr.
    let r = h.run(&["service-account", "key-create", "autobot", "ci", "--expires-in", "60"]).await.ok();
    let first = secret_line(&r.out);
    assert!(r.out.contains("shown this once") && !r.err.contains(&first), "{r:?}");
    let keys = h.run(&["service-account", "keys", "autobot", "--json"]).await.ok();
    assert!(!keys.out.contains(&first));
    let keys = keys.json();
    assert_eq!(keys["items"][0]["name"], "ci");
    assert!(keys["items"][0]["expires"].is_string(), "{keys}");
    let json = h.run(&["service-account", "key-create", "autobot", "other", "--json"]).await.ok().json();
    let second = json["secret"].as_str().unwrap().to_owned();
    assert!(second.starts_with("ZENPROKEY_") && json["key"]["name"] == "other", "{json}");

    let r = h.run(&["service-account", "key-rotate", "autobot", "ci", "--retain", "30"]).await.ok();
    let third = secret_line(&r.out);
    assert_ne!(third, first);
    assert!(r.out.contains("keeps working for 30 minutes"), "{r:?}");
    let r = h.run(&["service-account", "key-deactivate", "autobot", "ci"]).await.ok();
    assert!(r.out.contains("deactivated") && r.out.contains(TOKENS_OUTLIVE), "{r:?}");
    let keys = h.run(&["service-account", "keys", "autobot", "--json"]).await.ok().json();
    let ci = keys["items"].as_array().unwrap().iter().find(|k| k["name"] == "ci").unwrap().clone();
    assert_eq!(ci["active"], false);
    let r = h.run(&["service-account", "key-delete", "autobot", "ci"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "needs --yes: {r:?}");
    h.run(&["service-account", "key-delete", "autobot", "ci", "--yes"]).await.ok();
    let r = h.run(&["service-account", "key-delete", "autobot", "ci", "--yes"]).await;
    assert_eq!(r.code, EXIT_FAILURE, "not found: {r:?}");

    // Deactivated, activated, deleted.
    let r = h.run(&["service-account", "deactivate", "autobot"]).await.ok();
    assert!(
        r.out.contains("Service account autobot deactivated.") && r.out.contains(TOKENS_OUTLIVE),
        "{r:?}"
    );
    let on = h.run(&["service-account", "activate", "autobot", "--json"]).await.ok().json();
    assert_eq!(on["active"], true);
    let r = h.run(&["service-account", "delete", "autobot"]).await;
    assert_eq!(r.code, EXIT_INVALID_INPUT, "needs --yes: {r:?}");
    let r = h.run(&["service-account", "delete", "autobot", "--yes"]).await.ok();
    assert!(r.out.contains(TOKENS_OUTLIVE), "{r:?}");
    let listed = h.run(&["service-accounts", "--json"]).await.ok().json();
    assert!(account(&listed, "autobot").is_none());

    // The journal names every write, and no secret is in it or in any file.
    let log = h.run(&["log", "--json"]).await.ok();
    for kind in ["service_account_create", "api_key_create", "api_key_rotate", "service_account_delete"] {
        assert!(log.out.contains(kind), "{kind}: {}", log.out);
    }
    let mut found = Vec::new();
    files(h.data_dir(), &mut found);
    for s in [&first, &second, &third] {
        assert!(!log.out.contains(s.as_str()));
        for (path, bytes) in &found {
            assert!(!bytes.windows(s.len()).any(|w| w == s.as_bytes()), "a key reached {}", path.display());
        }
    }

    // A Viewer's write: the server's 403, exit 5.
    let v = Harness::start().await;
    v.login_and_sync("viewer").await;
    let r = v.run(&["service-account", "create", "nope"]).await;
    assert_eq!(r.code, EXIT_FORBIDDEN, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_variant_dialect_does_not_offer_service_accounts() {
    let h = Harness::with(EmulatorConfig { port: 0, dialect: Dialect::Variant, ..Default::default() }).await;
    h.login_and_sync("admin").await;
    let r = h.run(&["service-account", "list"]).await.ok();
    assert!(r.out.contains("Not offered: the server does not offer a list of service accounts."), "{r:?}");
    let r = h.run(&["service-account", "create", "autobot"]).await;
    assert_eq!(r.code, EXIT_FAILURE, "{r:?}");
    assert!(r.err.contains("does not offer service accounts"), "{r:?}");
    let r = h.run(&["service-account", "key-create", "autobot", "ci"]).await;
    assert_eq!(r.code, EXIT_FAILURE, "{r:?}");
    assert!(!r.out.contains("ZENPROKEY_"));
}
