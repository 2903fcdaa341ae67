//! The desktop settings of this computer (not of an organization): the tray, starting at login and
//! notifications. Saved as JSON in the data directory; a missing or unreadable file gives the
//! defaults, since a broken settings file must never keep the app from starting.
//!
//! Starting at login goes through [`Autostart`], the system's own mechanism behind one interface;
//! every implementation launches the app with `--hidden`, so it starts in the tray without showing
//! its window:
//!
//! - Linux (and other freedesktop desktops): [`DesktopEntryAutostart`], written here, an entry in
//!   `$XDG_CONFIG_HOME/autostart` (else `~/.config/autostart`) per the freedesktop autostart spec.
//! - macOS: a LaunchAgent in `~/Library/LaunchAgents`, the shell's implementation over its autostart
//!   plugin (the plist lists the program and `--hidden` as separate arguments, so no quoting is
//!   involved).
//! - Windows: the app's value in the `Run` key of the user's registry, [`run_key_command`], written by
//!   the shell.
//!
//! Linux and Windows keep their own writers rather than the autostart plugin's, because the plugin
//! (through the `auto-launch` crate) puts the program's path unquoted before its arguments. On Linux
//! its `Exec=` line then breaks on a path with a space; it also has no `Icon=` and ignores
//! `XDG_CONFIG_HOME`, always writing to `~/.config/autostart`. On Windows, `Run` values are command
//! lines: an unquoted path with a space followed by `--hidden` (the installer's folder is
//! `%LOCALAPPDATA%\Programs\ZenML Pro Desktop`) starts nothing at login, silently. The writers here
//! quote the path (per the desktop entry spec on Linux), launch with `--hidden`, and remove their
//! entry; the Linux one also sets the icon and `Terminal=false`, and follows `XDG_CONFIG_HOME`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

/// The file in the data directory that holds [`DesktopSettings`].
pub const SETTINGS_FILE: &str = "desktop-settings.json";
/// The command-line flag of a launch that starts in the tray, its window hidden.
pub const HIDDEN_FLAG: &str = "--hidden";
/// The autostart entry's file name.
pub const AUTOSTART_FILE: &str = "zenml-pro-desktop.desktop";

/// Which tray icon to show: the light mark suits dark panels, the dark mark light ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum TrayIconStyle {
    #[default]
    Light,
    Dark,
}

/// The desktop settings. Every field has a default, so a file from an older version still loads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(default)]
pub struct DesktopSettings {
    /// Closing the window hides it to the tray instead of quitting (default on).
    pub close_to_tray: bool,
    /// Start when the user logs in, hidden in the tray (default off).
    pub start_at_login: bool,
    pub tray_icon: TrayIconStyle,
    /// Notify when a sync sees that someone accepted an invitation.
    pub notify_invitation_accepted: bool,
    /// Notify when a sync sees a workspace become `failed` or `available`.
    pub notify_workspace_status: bool,
    /// Notify when a session that cannot renew itself expires within a day.
    pub notify_session_expiring: bool,
    /// Check for updates once a day in the background (default on; only in builds with an update
    /// server).
    pub check_updates_daily: bool,
}

impl Default for DesktopSettings {
    fn default() -> Self {
        Self {
            close_to_tray: true,
            start_at_login: false,
            tray_icon: TrayIconStyle::Light,
            notify_invitation_accepted: true,
            notify_workspace_status: true,
            notify_session_expiring: true,
            check_updates_daily: true,
        }
    }
}

impl DesktopSettings {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join(SETTINGS_FILE)
    }

    /// The saved settings, or the defaults.
    pub fn load(data_dir: &Path) -> Self {
        match std::fs::read(Self::path(data_dir)) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "unreadable desktop settings: using the defaults");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// Saves the settings (written aside, then renamed into place, so a crash never leaves half a file).
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let path = Self::path(data_dir);
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?)?;
        std::fs::rename(tmp, path)
    }
}

/// Why starting at login could not be changed, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AutostartError {
    /// This system offers no way to start the app at login (no autostart folder, no plugin).
    Unavailable(String),
    /// The system's mechanism is there but the change failed (a file, a registry key).
    Failed(String),
}

impl std::fmt::Display for AutostartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(why) | Self::Failed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for AutostartError {}

/// Starting the app at login, hidden in the tray (`--hidden`), by the system's own mechanism.
pub trait Autostart: Send + Sync {
    /// Registers (`on`) or removes the app's start at login. Removing what is not there succeeds.
    fn set(&self, on: bool) -> Result<(), AutostartError>;
    /// Whether the app is registered to start at login now (false where that cannot be told).
    fn is_enabled(&self) -> bool;
}

/// [`Autostart`] by a freedesktop autostart entry (Linux): [`autostart_entry`] in `dir`.
pub struct DesktopEntryAutostart {
    /// The autostart folder ([`autostart_dir`]); `None` where there is none (no `HOME`).
    pub dir: Option<PathBuf>,
    /// The program the entry launches.
    pub executable: PathBuf,
}

impl Autostart for DesktopEntryAutostart {
    fn set(&self, on: bool) -> Result<(), AutostartError> {
        let dir = self.dir.as_deref().ok_or_else(|| {
            AutostartError::Unavailable(
                "starting at login is not available here: no autostart folder (set HOME or XDG_CONFIG_HOME)"
                    .into(),
            )
        })?;
        set_autostart(dir, &self.executable, on).map_err(|e| {
            AutostartError::Failed(format!("could not change the autostart entry in {}: {e}", dir.display()))
        })
    }

    fn is_enabled(&self) -> bool {
        self.dir.as_deref().is_some_and(autostart_enabled)
    }
}

/// The freedesktop autostart directory: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart`.
pub fn autostart_dir() -> Option<PathBuf> {
    let config =
        std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()).map(PathBuf::from).or_else(|| {
            std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(config.join("autostart"))
}

/// The autostart entry that launches `exe` hidden in the tray.
pub fn autostart_entry(exe: &Path) -> String {
    // Exec quoting per the desktop entry spec: the path in double quotes, with `"`, `` ` ``, `$` and
    // `\` escaped.
    let mut quoted = String::from('"');
    for c in exe.to_string_lossy().chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    format!(
        "[Desktop Entry]\nType=Application\nName=ZenML Pro Desktop\n\
         Comment=Manage ZenML Pro organizations from the tray\nExec={quoted} {HIDDEN_FLAG}\n\
         Icon=zenml-pro-desktop\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
    )
}

/// The command line of the app's value in the `Run` key of the Windows registry: the program's path in
/// double quotes (Windows paths cannot contain one), then `--hidden`.
pub fn run_key_command(exe: &Path) -> String {
    format!("\"{}\" {HIDDEN_FLAG}", exe.display())
}

/// Writes (`on`) or removes the autostart entry in `dir` for `exe`.
pub fn set_autostart(dir: &Path, exe: &Path, on: bool) -> std::io::Result<()> {
    let path = dir.join(AUTOSTART_FILE);
    if on {
        std::fs::create_dir_all(dir)?;
        let tmp = path.with_extension("desktop.tmp");
        std::fs::write(&tmp, autostart_entry(exe))?;
        std::fs::rename(tmp, path)
    } else {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Whether an autostart entry exists in `dir`.
pub fn autostart_enabled(dir: &Path) -> bool {
    dir.join(AUTOSTART_FILE).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_broken_files_give_defaults_for_what_they_lack() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), br#"{"close_to_tray": false}"#).unwrap();
        let s = DesktopSettings::load(dir.path());
        assert!(!s.close_to_tray);
        assert!(s.notify_workspace_status && !s.start_at_login);
        std::fs::write(dir.path().join(SETTINGS_FILE), b"{not json").unwrap();
        assert_eq!(DesktopSettings::load(dir.path()), DesktopSettings::default());
        let changed = DesktopSettings { tray_icon: TrayIconStyle::Dark, ..Default::default() };
        changed.save(dir.path()).unwrap();
        assert_eq!(DesktopSettings::load(dir.path()), changed);
    }

    #[test]
    fn the_autostart_entry_starts_hidden_and_quotes_the_path() {
        let entry = autostart_entry(Path::new("/opt/my apps/zenml-pro-desktop"));
        assert!(entry.contains("Exec=\"/opt/my apps/zenml-pro-desktop\" --hidden\n"), "{entry}");
        assert!(autostart_entry(Path::new("/a$b")).contains("Exec=\"/a\\$b\" --hidden"));
        let dir = tempfile::tempdir().unwrap();
        let auto = dir.path().join("autostart");
        assert!(!autostart_enabled(&auto));
        set_autostart(&auto, Path::new("/usr/bin/zenml-pro-desktop"), true).unwrap();
        assert!(autostart_enabled(&auto));
        set_autostart(&auto, Path::new("/usr/bin/zenml-pro-desktop"), false).unwrap();
        assert!(!autostart_enabled(&auto));
        set_autostart(&auto, Path::new("/usr/bin/zenml-pro-desktop"), false).unwrap();
    }

    #[test]
    fn the_run_key_command_quotes_a_path_with_spaces_and_starts_hidden() {
        let exe =
            Path::new(r"C:\Users\a user\AppData\Local\Programs\ZenML Pro Desktop\zenml-pro-desktop.exe");
        assert_eq!(
            run_key_command(exe),
            r#""C:\Users\a user\AppData\Local\Programs\ZenML Pro Desktop\zenml-pro-desktop.exe" --hidden"#
        );
    }

    #[test]
    fn the_desktop_entry_autostart_writes_removes_and_explains_what_it_cannot_do() {
        let dir = tempfile::tempdir().unwrap();
        let exe = PathBuf::from("/opt/ZenML Pro/zenml-pro-desktop");
        let auto = DesktopEntryAutostart { dir: Some(dir.path().join("autostart")), executable: exe.clone() };
        assert!(!auto.is_enabled());
        auto.set(true).unwrap();
        assert!(auto.is_enabled());
        let entry = std::fs::read_to_string(dir.path().join("autostart").join(AUTOSTART_FILE)).unwrap();
        assert_eq!(entry, autostart_entry(&exe));
        for line in
            ["Exec=\"/opt/ZenML Pro/zenml-pro-desktop\" --hidden", "Icon=zenml-pro-desktop", "Terminal=false"]
        {
            assert!(entry.lines().any(|l| l == line), "{line} in {entry}");
        }
        auto.set(false).unwrap();
        assert!(!auto.is_enabled());
        auto.set(false).unwrap();

        let nowhere = DesktopEntryAutostart { dir: None, executable: exe.clone() };
        assert!(!nowhere.is_enabled());
        let err = nowhere.set(true).unwrap_err();
        assert!(matches!(err, AutostartError::Unavailable(_)), "{err:?}");
        assert!(err.to_string().contains("not available here"), "{err}");

        // A file where the folder should be: the change fails, in words that name the folder.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, b"in the way").unwrap();
        let auto = DesktopEntryAutostart { dir: Some(blocked.clone()), executable: exe };
        let err = auto.set(true).unwrap_err();
        assert!(matches!(err, AutostartError::Failed(_)), "{err:?}");
        assert!(err.to_string().contains(&blocked.display().to_string()), "{err}");
        assert!(!auto.is_enabled());
    }
}
