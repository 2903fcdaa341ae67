//! Guards rule 2 of the architecture: the committed TypeScript types in `ui/src/lib/bindings/` are
//! exactly what the Rust view models generate, and the hand-written command wrappers cover every
//! command the shell registers, with the argument names Tauri expects.
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

/// The command names in `generate_handler![...]` of the shell.
fn registered_commands() -> BTreeSet<String> {
    let src = std::fs::read_to_string(root().join("src-tauri/src/lib.rs")).expect("src-tauri/src/lib.rs");
    let start =
        src.find("generate_handler![").expect("a generate_handler! list") + "generate_handler![".len();
    let end = start + src[start..].find(']').expect("the end of the list");
    src[start..end]
        .split(',')
        .map(|s| s.trim().rsplit("::").next().unwrap_or_default().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `invoke("name", { args })` calls of the wrapper: name → argument names.
fn wrapped_commands() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let src = std::fs::read_to_string(committed_dir().join("commands.ts")).expect("commands.ts");
    let mut out = std::collections::BTreeMap::new();
    let mut rest = src.as_str();
    while let Some(i) = rest.find("invoke<").or_else(|| rest.find("invoke(")) {
        rest = &rest[i..];
        let q = rest.find('"').expect("a quoted command name");
        let name_end = q + 1 + rest[q + 1..].find('"').expect("closing quote");
        let name = rest[q + 1..name_end].to_owned();
        let call_end = rest.find(");").expect("end of the call");
        let args_src = &rest[name_end + 1..call_end];
        let mut args = BTreeSet::new();
        if let (Some(a), Some(b)) = (args_src.find('{'), args_src.rfind('}')) {
            for part in args_src[a + 1..b].split(',') {
                let key = part.split(':').next().unwrap_or_default().trim();
                if !key.is_empty() {
                    args.insert(key.to_owned());
                }
            }
        }
        out.insert(name, args);
        rest = &rest[call_end..];
    }
    out
}

/// The arguments of each `#[tauri::command]` in the shell, camelCased as Tauri expects them from
/// the webview (its own `State`/`AppHandle` parameters left out).
fn command_arguments() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let src =
        std::fs::read_to_string(root().join("src-tauri/src/commands.rs")).expect("src-tauri/src/commands.rs");
    let mut out = std::collections::BTreeMap::new();
    for chunk in src.split("#[tauri::command]").skip(1) {
        let f = chunk.find("fn ").expect("a fn") + 3;
        let open = f + chunk[f..].find('(').expect("(");
        let name = chunk[f..open].trim().split('<').next().unwrap_or_default().to_owned();
        let close = open + chunk[open..].find(") ->").expect(") ->");
        let args = chunk[open + 1..close]
            .split(',')
            .filter_map(|p| {
                let (n, ty) = p.split_once(':')?;
                let n = n.trim();
                (!ty.contains("State<") && !ty.contains("AppHandle")).then(|| camel(n))
            })
            .collect();
        out.insert(name, args);
    }
    out
}

fn camel(s: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in s.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_registered_command_has_a_typed_wrapper_with_its_argument_names() {
    let registered = registered_commands();
    let wrapped = wrapped_commands();
    let arguments = command_arguments();
    assert!(registered.len() >= 20, "{registered:?}");
    let names: BTreeSet<String> = wrapped.keys().cloned().collect();
    assert_eq!(registered, names, "commands registered in src-tauri vs wrapped in commands.ts");
    let defined: BTreeSet<String> = arguments.keys().cloned().collect();
    assert_eq!(registered, defined, "commands registered vs defined in src-tauri/src/commands.rs");
    for (name, args) in &wrapped {
        assert_eq!(Some(args), arguments.get(name), "argument names of {name}");
    }
}
