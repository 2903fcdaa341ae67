//! The TypeScript types of the IPC contract, generated from the view models with ts-rs.
//!
//! [`export`] writes one `<Type>.ts` per type plus an `index.ts` re-exporting them all. The committed
//! copy lives in `ui/src/lib/bindings/` next to the hand-written `commands.ts`; `tests/bindings.rs`
//! fails when they drift and rewrites them with `UPDATE_BINDINGS=1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

use crate::error::{ErrorCode, FieldMessage, IpcError};
use crate::events::AppEvent;
use crate::settings::DesktopSettings;
use crate::views::*;

/// The committed bindings, relative to the workspace root.
pub const BINDINGS_DIR: &str = "ui/src/lib/bindings";
/// Files in [`BINDINGS_DIR`] written by hand, never generated.
pub const HAND_WRITTEN: [&str; 1] = ["commands.ts"];

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
            AccountView,
            DeviceLoginView,
            OrgListView,
            OrgView,
            OverviewView,
            MemberQueryView,
            MemberPageView,
            MemberView,
            InvitationListView,
            WorkspaceListView,
            TeamListView,
            RoleListView,
            InviteOutcomeView,
            SyncReportView,
            DiagnosticsView,
            AppEvent,
            DesktopSettings,
            IpcError,
            ErrorCode,
            FieldMessage,
        );
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
