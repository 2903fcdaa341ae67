//! The TypeScript types of the IPC contract, generated from the view models with ts-rs.
//!
//! [`export`] writes one `<Type>.ts` per type, an `index.ts` re-exporting them all, and `commands.ts`:
//! the typed wrapper of every command and the `Commands` map, from the table in [`crate::ipc`]. The
//! committed copy lives in `ui/src/lib/bindings/`; `tests/bindings.rs` fails when it drifts and rewrites
//! it with `UPDATE_BINDINGS=1`. Only with the `ts` feature (tests), so the shipped app has no `ts-rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

use crate::error::{ErrorCode, FieldMessage, IpcError};
use crate::events::AppEvent;
use crate::ipc::CommandSpec;
use crate::settings::DesktopSettings;
use crate::views::*;

/// The committed bindings, relative to the workspace root.
pub const BINDINGS_DIR: &str = "ui/src/lib/bindings";
/// Files in [`BINDINGS_DIR`] written by hand, never generated: none since the commands are generated.
pub const HAND_WRITTEN: [&str; 0] = [];

const HEADER: &str =
    "// Generated from the Rust view models in crates/app. Do not edit: change the Rust type and run\n\
                      // `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.\n";

/// Every generated file: name → contents.
pub fn generate() -> Result<BTreeMap<String, String>, String> {
    let tmp = std::env::temp_dir().join(format!("zenml-pro-bindings-{}-{}", std::process::id(), unique()));
    let cfg = Config::new().with_out_dir(&tmp).with_large_int("number");
    let result = (|| {
        macro_rules! all {
            ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(&cfg).map_err(|e| e.to_string())?; )* };
        }
        all!(
            AppStateView,
            zenml_pro_core::records::Account,
            DeviceLoginView,
            zenml_pro_core::records::Organization,
            OverviewView,
            AccessView,
            MemberQueryView,
            MemberPageView,
            zenml_pro_core::records::Member,
            zenml_pro_core::records::List<zenml_pro_core::records::Invitation>,
            zenml_pro_core::records::List<zenml_pro_core::records::Workspace>,
            zenml_pro_core::records::List<zenml_pro_core::records::Team>,
            zenml_pro_core::records::List<zenml_pro_core::records::Role>,
            InviteOutcomeView,
            SyncReportView,
            DiagnosticsView,
            AppEvent,
            DesktopSettings,
            IpcError,
            ErrorCode,
            zenml_pro_core::Entity,
            zenml_pro_core::MemberKind,
            zenml_pro_core::AuthMethod,
            FieldMessage,
        );
        crate::ipc::export_command_types(&cfg)?;
        read_generated(&tmp)
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

fn read_generated(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut files = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if !name.ends_with(".ts") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        // Our own header instead of the generator's note.
        let body =
            text.split_once('\n').filter(|(first, _)| first.starts_with("//")).map_or(&*text, |(_, b)| b);
        files.insert(name, format!("{HEADER}{body}"));
    }
    let mut index = String::from(HEADER);
    for name in files.keys() {
        let module = name.trim_end_matches(".ts");
        index.push_str(&format!("export type {{ {module} }} from \"./{module}\";\n"));
    }
    files.insert("index.ts".into(), index);
    let types: Vec<String> = files.keys().map(|n| n.trim_end_matches(".ts").to_owned()).collect();
    files.insert("entities.ts".into(), entities_ts());
    files.insert(
        "commands.ts".into(),
        commands_ts(&crate::ipc::specs(&Config::new().with_large_int("number")), &types),
    );
    Ok(files)
}

/// Writes the generated files into `dir` and deletes generated files that no longer exist (the
/// hand-written ones are kept). Returns the paths written.
pub fn export(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let files = generate()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if name.ends_with(".ts") && !HAND_WRITTEN.contains(&name.as_str()) && !files.contains_key(&name) {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// `only_pending` → `onlyPending`: the argument names Tauri expects from the webview.
/// `ENTITIES`: every kind of data a `data_changed` event can name, from core's `Entity`.
fn entities_ts() -> String {
    let names: Vec<String> =
        zenml_pro_core::Entity::ALL.iter().map(|e| format!("  {},", serde_json::json!(e.as_str()))).collect();
    format!(
        "{HEADER}import type {{ Entity }} from \"./Entity\";\n\n/** Every kind of data a `data_changed` event can name. */\nexport const ENTITIES: readonly Entity[] = [\n{}\n];\n",
        names.join("\n")
    )
}

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The generated types a TypeScript type expression names.
fn named_types<'a>(ts: &str, known: &'a [String]) -> Vec<&'a String> {
    let words: BTreeSet<&str> = ts.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').collect();
    known.iter().filter(|k| words.contains(k.as_str())).collect()
}

/// `commands.ts`: the `Commands` map and one wrapper per command, in the order of the table.
pub fn commands_ts(specs: &[CommandSpec], known_types: &[String]) -> String {
    let mut imports = BTreeSet::new();
    let mut map = String::new();
    let mut wrappers = String::new();
    for c in specs {
        for ty in c.args.iter().map(|(_, t)| t).chain([&c.result]) {
            imports.extend(named_types(ty, known_types));
        }
        let fields: Vec<String> = c.args.iter().map(|(n, t)| format!("{}: {t}", camel(n))).collect();
        let args = if fields.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            format!("{{ {} }}", fields.join("; "))
        };
        map.push_str(&format!("  {}: {{ args: {args}; result: {} }};\n", c.name, c.result));
        // Trailing nullable arguments may be left out.
        let optional_from = c.args.iter().rposition(|(_, t)| !t.ends_with(" | null")).map_or(0, |i| i + 1);
        let params: Vec<String> = c
            .args
            .iter()
            .enumerate()
            .map(|(i, (n, t))| {
                if i >= optional_from {
                    format!("{}: {t} = null", camel(n))
                } else {
                    format!("{}: {t}", camel(n))
                }
            })
            .collect();
        let payload = if c.args.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", c.args.iter().map(|(n, _)| camel(n)).collect::<Vec<_>>().join(", "))
        };
        if !c.docs.is_empty() {
            let text: Vec<&str> = c.docs.iter().map(|d| d.trim()).collect();
            wrappers.push_str(&format!("/** {} */\n", text.join(" ")));
        }
        wrappers.push_str(&format!(
            "export function {}({}): Promise<{r}> {{\n  return invoke<{r}>(\"{}\"{payload});\n}}\n\n",
            camel(c.name),
            params.join(", "),
            c.name,
            r = c.result,
        ));
    }
    let mut out = String::from(
        "// Generated from the command table in crates/app/src/ipc.rs. Do not edit: change the table and run\n\
         // `UPDATE_BINDINGS=1 cargo test -p zenml-pro-app --test bindings`.\n\
         // One wrapper per command, with the argument names Tauri expects (camelCase); every function\n\
         // rejects with an `IpcError` ({ code, message, fields }).\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    out.push_str("import type {\n");
    for t in imports {
        out.push_str(&format!("  {t},\n"));
    }
    out.push_str("} from \"./index\";\n\n");
    out.push_str("/** The name of the one event the app emits; its payload is an `AppEvent`. */\n");
    out.push_str("export const APP_EVENT = \"app-event\";\n\n");
    out.push_str(
        "/** Every command: its arguments as the webview sends them (camelCase) and its result. */\n",
    );
    out.push_str("export type Commands = {\n");
    out.push_str(&map);
    out.push_str("};\n\nexport type CommandName = keyof Commands;\n\n");
    out.push_str("/** An answer to every command: what a stand-in for the Rust side (the UI's test fake) implements. */\n");
    out.push_str("export type CommandHandlers = {\n  [K in CommandName]: (\n    args: Commands[K][\"args\"],\n  ) => Commands[K][\"result\"] | Promise<Commands[K][\"result\"]>;\n};\n\n");
    out.push_str(wrappers.trim_end());
    out.push('\n');
    out
}
