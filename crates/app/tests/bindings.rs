//! Guards rule 2 of the architecture: the committed TypeScript in `ui/src/lib/bindings/` is exactly
//! what the Rust view models and the command table (`crates/app/src/ipc.rs`) generate.
//!
//! Regenerate after changing a view model: `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use zenml_pro_app::bindings::{self, BINDINGS_DIR, HAND_WRITTEN};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn committed_dir() -> PathBuf {
    root().join(BINDINGS_DIR)
}

#[test]
fn committed_bindings_match_the_rust_types() {
    let dir = committed_dir();
    if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
        let written = bindings::export(&dir).expect("bindings written");
        eprintln!("wrote {} files into {}", written.len(), dir.display());
        return;
    }
    let generated = bindings::generate().expect("bindings generate");
    let mut problems = Vec::new();
    for (name, text) in &generated {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(old) if old == *text => {}
            Ok(_) => problems.push(format!("{name} differs")),
            Err(_) => problems.push(format!("{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") && !HAND_WRITTEN.contains(&name.as_str()) && !generated.contains_key(&name) {
            problems.push(format!("{name} is no longer generated"));
        }
    }
    assert!(
        problems.is_empty(),
        "the TypeScript bindings in {BINDINGS_DIR} are out of date ({}); regenerate them with \
         `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings` and commit the result",
        problems.join(", ")
    );
}

/// The wrappers in the committed `commands.ts`: every command of the table, each once.
#[test]
fn every_command_of_the_table_has_one_typed_wrapper() {
    if std::env::var("UPDATE_BINDINGS").is_ok_and(|v| v == "1") {
        return; // the other test is rewriting the files
    }
    let src = std::fs::read_to_string(committed_dir().join("commands.ts")).expect("commands.ts");
    let names = zenml_pro_app::ipc::COMMANDS;
    assert!(names.len() >= 30, "{names:?}");
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len(), "a command is declared twice");
    for name in names {
        let quoted = format!("(\"{name}\"");
        assert_eq!(src.matches(&quoted).count(), 1, "one wrapper invokes {name}");
        assert!(src.contains(&format!("  {name}: {{ args: ")), "{name} is in the Commands map");
    }
}
