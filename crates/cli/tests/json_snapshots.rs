//! `zpro --json` pinned: every listing's JSON on the demo data, compared with a stored snapshot under
//! `tests/snapshots/`. Run-dependent values are normalised first: ids become `<id:N>` in order of first
//! appearance (so which rows point at which is still checked), times `<time>`, the emulator's address
//! `<base>`; ids are numbered afresh in each snapshot, so one listing's change does not renumber
//! the others. `ZPRO_UPDATE_SNAPSHOTS=1` rewrites the snapshots; a missing one fails the test.
//!
//! A snapshot whose JSON had to change since it was first pinned says why in its name:
//! `members--roles-stay-names-held_roles-added.json` stands for `members.json`.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::Harness;
use serde_json::Value;

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(
            |(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            },
        )
}

fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && (b[10] == b'T' || b[10] == b' ')
        && b[13] == b':'
}

struct Normaliser {
    base: String,
    ids: HashMap<String, usize>,
}

impl Normaliser {
    fn text(&mut self, s: &str) -> String {
        if is_uuid(s) {
            let n = self.ids.len();
            return format!("<id:{}>", self.ids.entry(s.to_owned()).or_insert(n));
        }
        if is_time(s) {
            return "<time>".into();
        }
        let mut out = s.replace(&self.base, "<base>");
        // Ids and times inside longer text (a message naming an id, a CSV row).
        let mut i = 0;
        while i + 36 <= out.len() {
            if out.is_char_boundary(i) && out.is_char_boundary(i + 36) && is_uuid(&out[i..i + 36]) {
                let id = out[i..i + 36].to_owned();
                let n = self.ids.len();
                let tag = format!("<id:{}>", self.ids.entry(id.clone()).or_insert(n));
                out.replace_range(i..i + 36, &tag);
                i += tag.len();
            } else {
                i += 1;
            }
        }
        let mut i = 0;
        while i + 19 <= out.len() {
            if out.is_char_boundary(i) && out.is_char_boundary(i + 19) && is_time(&out[i..i + 19]) {
                // A time runs on to the next separator: `2026-12-08T01:02:03.456789+00:00`.
                let end = out[i..].find([',', '"', ' ', '\n', ')']).map_or(out.len(), |e| i + e);
                out.replace_range(i..end, "<time>");
                i += "<time>".len();
            } else {
                i += 1;
            }
        }
        out
    }

    fn value(&mut self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.value(x)).collect()),
            Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), self.value(x))).collect()),
            other => other.clone(),
        }
    }
}

/// The stored snapshot of `name` (`members.json`): that file, else `members--<why it changed>.json`.
fn snapshot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let renamed = std::fs::read_dir(&dir).ok().and_then(|entries| {
        entries.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.strip_prefix(stem)
                    .and_then(|rest| rest.strip_prefix("--"))
                    .is_some_and(|r| r.ends_with(&format!(".{ext}")))
            })
        })
    });
    renamed.unwrap_or_else(|| dir.join(name))
}

/// Compares `got` with the stored snapshot `name`, or stores it under `ZPRO_UPDATE_SNAPSHOTS=1`.
fn check(name: &str, got: &str, failures: &mut Vec<String>) {
    let path = snapshot_path(name);
    if std::env::var_os("ZPRO_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(want) if want == got => {}
        Ok(want) => failures.push(format!("{name} differs:\n--- stored\n{want}\n--- now\n{got}")),
        Err(e) => failures.push(format!("{name}: no snapshot ({e}); run with ZPRO_UPDATE_SNAPSHOTS=1")),
    }
}

#[tokio::test]
async fn json_output_matches_the_snapshots() {
    let h = Harness::start().await;
    let mut norm = Normaliser { base: h.base.clone(), ids: HashMap::new() };
    h.login_and_sync("admin").await;
    // One change from here, so the log and an invitation made from here are in the picture.
    h.run(&["invite", "snap@example.com", "--org", "acme-ml", "--role", "Organization Member"]).await.ok();
    h.run(&["sync"]).await.ok();

    let person = {
        let members = h.run(&["members", "--org", "acme-ml", "--json"]).await.ok().json();
        members["items"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .rev()
                    .find(|m| m["kind"] == "user")
                    .and_then(|m| m["email"].as_str().map(str::to_owned))
            })
            .expect("a user with an email")
    };
    let listings: Vec<(&str, Vec<&str>)> = vec![
        ("accounts", vec!["accounts", "--json"]),
        ("orgs", vec!["orgs", "--json"]),
        ("org_show", vec!["org", "show", "--org", "acme-ml", "--json"]),
        ("members", vec!["members", "--org", "acme-ml", "--json"]),
        ("members_role", vec!["members", "--org", "acme-ml", "--role", "Organization Admin", "--json"]),
        ("invitations_all", vec!["invitations", "--org", "acme-ml", "--all", "--json"]),
        ("teams", vec!["teams", "--org", "acme-ml", "--json"]),
        ("roles", vec!["roles", "--org", "acme-ml", "--json"]),
        ("roles_show", vec!["roles", "show", "Organization Admin", "--org", "acme-ml", "--json"]),
        ("workspaces", vec!["workspaces", "--org", "acme-ml", "--json"]),
        ("people", vec!["people", "--json"]),
        ("person", vec!["person", &person, "--json"]),
        ("access_review", vec!["access-review", "--json"]),
        ("service_accounts", vec!["service-accounts", "--org", "acme-ml", "--json"]),
        ("log", vec!["log", "--json"]),
        ("offboard_dry_run", vec!["offboard", &person, "--dry-run", "--json"]),
    ];
    let mut failures = Vec::new();
    for (name, args) in &listings {
        let out = h.run(args).await;
        assert!(out.code == 0 || *name == "offboard_dry_run", "{name}: {out:?}");
        norm.ids.clear();
        let json = norm.value(&out.json());
        let text = serde_json::to_string_pretty(&json).unwrap() + "\n";
        check(&format!("{name}.json"), &text, &mut failures);
    }
    for kind in ["members", "invitations", "people", "access-review"] {
        for format in ["json", "csv"] {
            let out = h.run(&["export", kind, "--format", format, "--all-orgs"]).await.ok();
            norm.ids.clear();
            let text = if format == "json" {
                serde_json::to_string_pretty(&norm.value(&out.json())).unwrap() + "\n"
            } else {
                norm.text(&out.out)
            };
            check(&format!("export_{}.{format}", kind.replace('-', "_")), &text, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{} snapshot(s) differ:\n{}", failures.len(), failures.join("\n\n"));
}
