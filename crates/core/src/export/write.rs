//! Writing an export's file whole or not at all, for `zpro export -o` and the window's Save.
//!
//! The file is the user's alone and is never written through someone else's name for it:
//! - the content goes to a new temporary file in the target's folder, under a name no one can guess,
//!   created exclusively (it must not exist yet, so not even a planted symbolic link is opened) and,
//!   on Unix, with mode 0600 from the start;
//! - it is synced, then renamed over the target, which replaces the target's directory entry (a file,
//!   or nothing) without following anything: the result is that 0600 file, also when it replaced an
//!   older one;
//! - a target that is a symbolic link is refused before anything is written (and were one put there
//!   in between, the rename would replace the link itself, never the file it points to).

use std::io::Write;
use std::path::Path;

use crate::error::{CoreError, Result};

/// The mode of an exported file (Unix): read and write for its owner only.
#[cfg(unix)]
pub const EXPORT_FILE_MODE: u32 = 0o600;

/// Writes `text` to `path` whole or not at all (see the module's docs). A path that names a folder
/// or a symbolic link is `invalid_input`; a failed write (a missing folder among them) leaves no
/// temporary file and the old file (if any) as it was.
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    // Shown without control characters, which a path may hold.
    let shown: String = path.display().to_string().chars().filter(|c| !c.is_control()).collect();
    let name = path
        .file_name()
        .ok_or_else(|| CoreError::invalid(format!("{shown} is not a file name to write to"), Vec::new()))?;
    // What is at the path itself, not what a link there points to.
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.file_type().is_symlink() {
            return Err(CoreError::invalid(
                format!(
                    "{shown} is a symbolic link: give the name of a file (links are not written through)"
                ),
                Vec::new(),
            ));
        }
        if meta.is_dir() {
            return Err(CoreError::invalid(format!("{shown} is a directory: give a file name"), Vec::new()));
        }
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail =
        |e: std::io::Error| CoreError::internal(format!("could not write {shown}: {e}; nothing was written"));
    // A random name, created with O_EXCL (and 0600 on Unix); removed again if anything fails.
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(EXPORT_FILE_MODE));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(text.as_bytes()).and_then(|()| tmp.as_file().sync_all()).map_err(fail)?;
    // `persist` renames over the target (replacing a file, never following a link) and removes the
    // temporary file when it cannot.
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into())
            .collect();
        n.sort();
        n
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_file_and_a_replaced_one_are_the_owners_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        write_file(&file, "one\r\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "one\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(mode(&file), 0o600);
            // An older file readable by everyone is replaced by a 0600 one.
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        write_file(&file, "two\r\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "two\r\n");
        #[cfg(unix)]
        assert_eq!(mode(&file), 0o600);
        assert_eq!(names(dir.path()), ["out.csv"], "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.txt");
        std::fs::write(&target, "keep me").unwrap();
        let link = dir.path().join("export.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = write_file(&link, "evil").unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidInput, "{e:?}");
        assert!(e.message.contains("symbolic link"), "{e:?}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        // A dangling link, too.
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(write_file(&dangling, "x").is_err());
        assert!(!dir.path().join("nowhere").exists());
        assert_eq!(names(dir.path()), ["dangling.csv", "export.csv", "precious.txt"]);
    }

    #[test]
    fn folders_and_missing_folders_are_refused_and_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_file(dir.path(), "x").unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidInput, "{e:?}");
        let missing = dir.path().join("no-such-dir").join("x.csv");
        let e = write_file(&missing, "x").unwrap_err();
        assert!(e.message.contains("nothing was written"), "{e:?}");
        assert!(names(dir.path()).is_empty());
    }
}
