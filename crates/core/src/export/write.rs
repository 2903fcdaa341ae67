//! Writing an export's file whole or not at all, for `zpro export -o` and the window's Save.

use std::io::Write;
use std::path::Path;

use crate::error::{CoreError, Result};

/// Writes `text` to `path` whole or not at all: to a temporary file beside it, synced, then renamed
/// over it. A path that names a folder is `invalid_input`; a failed write (a missing folder among them)
/// leaves no temporary file and the old file (if any) as it was.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    // Shown without control characters, which a path may hold.
    let shown: String = path.display().to_string().chars().filter(|c| !c.is_control()).collect();
    let name = path
        .file_name()
        .ok_or_else(|| CoreError::invalid(format!("{shown} is not a file name to write to"), Vec::new()))?;
    if path.is_dir() {
        return Err(CoreError::invalid(format!("{shown} is a directory: give a file name"), Vec::new()));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(CoreError::internal(format!("could not write {shown}: {e}; nothing was written")));
    }
    Ok(())
}
