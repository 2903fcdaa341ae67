//! The desktop settings of this computer (not of an organization): the tray, starting at login and
//! notifications. Saved as JSON in the data directory; a missing or unreadable file gives the
//! defaults, since a broken settings file must never keep the app from starting.
//!
//! Starting at login follows the freedesktop autostart spec: an entry in
//! `$XDG_CONFIG_HOME/autostart` (else `~/.config/autostart`) that launches the app with `--hidden`,
//! so it starts in the tray without showing its window.

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
}
